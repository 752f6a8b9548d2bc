/* A service's state in a word, durations and sizes in a few characters. */
#include <stdio.h>

#include "svsummary.h"

enum svsummary_state svsummary_state(struct svstatus const *status)
{
  switch (status->state) {
    case SVSTATUS_RUN:
      if (status->paused) return SVSUMMARY_PAUSED;
      if (status->reason == SVSTATUS_REASON_UNHEALTHY) return SVSUMMARY_UNHEALTHY;
      return status->ready ? SVSUMMARY_READY : SVSUMMARY_UP;
    case SVSTATUS_FINISH:
      return SVSUMMARY_FINISHING;
    case SVSTATUS_DOWN:
      break;
  }
  switch (status->reason) {
    case SVSTATUS_REASON_NONE: return SVSUMMARY_DOWN;
    case SVSTATUS_REASON_RUN_MISSING: return SVSUMMARY_RUN_MISSING;
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE: return SVSUMMARY_RUN_NOT_EXECUTABLE;
    case SVSTATUS_REASON_SPAWN_FAILED: return SVSUMMARY_FORK_FAILED;
    case SVSTATUS_REASON_FINISH_SAID_STOP: return SVSUMMARY_FAILED;
    case SVSTATUS_REASON_THROTTLED: return SVSUMMARY_DYING_TOO_FAST;
    case SVSTATUS_REASON_NEEDS: return SVSUMMARY_WAITING;
    case SVSTATUS_REASON_UP_FAILED: return SVSUMMARY_FAILED;
    case SVSTATUS_REASON_GAVE_UP: return SVSUMMARY_FAILED;
    case SVSTATUS_REASON_NOT_RESTARTED: return SVSUMMARY_DOWN;
    case SVSTATUS_REASON_UNHEALTHY: return SVSUMMARY_DOWN;   /* taken down since */
  }
  return SVSUMMARY_DOWN;
}

char const *svsummary_state_word(enum svsummary_state state)
{
  switch (state) {
    case SVSUMMARY_UP: return "up";
    case SVSUMMARY_READY: return "ready";
    case SVSUMMARY_PAUSED: return "paused";
    case SVSUMMARY_FINISHING: return "finishing";
    case SVSUMMARY_DOWN: return "down";
    case SVSUMMARY_WAITING: return "waiting";
    case SVSUMMARY_FAILED: return "failed";
    case SVSUMMARY_DYING_TOO_FAST: return "dying too fast";
    case SVSUMMARY_RUN_MISSING: return "no ./run";
    case SVSUMMARY_RUN_NOT_EXECUTABLE: return "./run not executable";
    case SVSUMMARY_FORK_FAILED: return "fork failed";
    case SVSUMMARY_NO_SUPERVISOR: return "no supervisor";
    case SVSUMMARY_NO_STATUS: return "no status";
    case SVSUMMARY_UNREADABLE: return "unreadable status";
    case SVSUMMARY_GONE: return "gone";
    case SVSUMMARY_UNKNOWN: return "unknown";
    case SVSUMMARY_UNHEALTHY: return "unhealthy";
  }
  return "unknown";
}

int svsummary_state_bad(enum svsummary_state state)
{
  switch (state) {
    case SVSUMMARY_UP:
    case SVSUMMARY_READY:
    case SVSUMMARY_PAUSED:
    case SVSUMMARY_FINISHING:
    case SVSUMMARY_DOWN:
    case SVSUMMARY_WAITING:
    case SVSUMMARY_NO_STATUS:
    case SVSUMMARY_GONE:
      return 0;
    case SVSUMMARY_FAILED:
    case SVSUMMARY_DYING_TOO_FAST:
    case SVSUMMARY_RUN_MISSING:
    case SVSUMMARY_RUN_NOT_EXECUTABLE:
    case SVSUMMARY_FORK_FAILED:
    case SVSUMMARY_NO_SUPERVISOR:
    case SVSUMMARY_UNREADABLE:
    case SVSUMMARY_UNKNOWN:
    case SVSUMMARY_UNHEALTHY:
      return 1;
  }
  return 1;
}

size_t svsummary_fmt_duration(char *out, uint64_t seconds)
{
  unsigned long long s = seconds;
  int len;
  if (s < 60) len = snprintf(out, SVSUMMARY_DURATION_MAX, "%llus", s);
  else if (s < 3600) len = snprintf(out, SVSUMMARY_DURATION_MAX, "%llum%02llus", s / 60, s % 60);
  else if (s < 86400) len = snprintf(out, SVSUMMARY_DURATION_MAX, "%lluh%02llum", s / 3600, s % 3600 / 60);
  else len = snprintf(out, SVSUMMARY_DURATION_MAX, "%llud%02lluh", s / 86400, s % 86400 / 3600);
  return (size_t)len;
}

size_t svsummary_fmt_kib(char *out, uint64_t kib)
{
  unsigned long long k = kib;
  int len;
  /* Tenths, rounded down: a size never shows more than it is. */
  if (k < 1024) len = snprintf(out, SVSUMMARY_KIB_MAX, "%lluK", k);
  else if (k < 1024 * 1024) len = snprintf(out, SVSUMMARY_KIB_MAX, "%llu.%lluM", k / 1024, k % 1024 * 10 / 1024);
  else len = snprintf(out, SVSUMMARY_KIB_MAX, "%llu.%lluG", k >> 20, (k & 0xfffff) * 10 >> 20);
  return (size_t)len;
}

size_t svsummary_fmt_cpu(char *out, uint64_t usec)
{
  unsigned long long ms = usec / 1000;
  /* Rounded down, as sizes: a time never shows more than was used. */
  if (ms < 1000) return (size_t)snprintf(out, SVSUMMARY_DURATION_MAX, "%llums", ms);
  if (ms < 60000) return (size_t)snprintf(out, SVSUMMARY_DURATION_MAX, "%llu.%llus", ms / 1000, ms % 1000 / 100);
  return svsummary_fmt_duration(out, usec / 1000000);
}
