/* svstat --json: one object per service dir, on one line. The fields
   (svstat(8)) are always all there, null where the dir has no value. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <skalibs/buffer.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "jsonout.h"
#include "svstat-row.h"

static void put(char const *s)
{
  buffer_puts(buffer_1, s);
}

static void put_string_len(char const *s, size_t len)
{
  char *quoted = malloc(JSONOUT_QUOTED_MAX(len));
  if (!quoted) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "a JSON string");
  buffer_put(buffer_1, quoted, jsonout_quote(quoted, s, len));
  free(quoted);
}

static void put_string(char const *s)
{
  put_string_len(s, strlen(s));
}

/* ,"KEY": with the first key of an object given no comma. */
static void put_key(char const *key)
{
  put(",\"");
  put(key);
  put("\":");
}

static void put_uint(uint64_t n)
{
  char fmt[UINT64_FMT];
  buffer_put(buffer_1, fmt, uint64_fmt(fmt, n));
}

static void put_bool(bool b)
{
  put(b ? "true" : "false");
}

static char const *format_word(enum svstatus_format format)
{
  switch (format) {
    case SVSTATUS_FORMAT_DAEMONTOOLS: return "daemontools";
    case SVSTATUS_FORMAT_RUNIT: return "runit";
    case SVSTATUS_FORMAT_VIGIL: return "vigil";
  }
  return "vigil";
}

static char const *want_word(enum svstatus_want want)
{
  switch (want) {
    case SVSTATUS_WANT_UP: return "up";
    case SVSTATUS_WANT_DOWN: return "down";
    case SVSTATUS_WANT_NOTHING: return "once";
  }
  return "once";
}

static char const *reason_word(enum svstatus_reason reason)
{
  switch (reason) {
    case SVSTATUS_REASON_NONE: return 0;
    case SVSTATUS_REASON_RUN_MISSING: return "run missing";
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE: return "run not executable";
    case SVSTATUS_REASON_SPAWN_FAILED: return "fork failed";
    case SVSTATUS_REASON_FINISH_SAID_STOP: return "finish said stop";
    case SVSTATUS_REASON_THROTTLED: return "dying too fast";
    case SVSTATUS_REASON_NEEDS: return "needs";
    case SVSTATUS_REASON_UP_FAILED: return "up failed";
    case SVSTATUS_REASON_GAVE_UP: return "gave up";
    case SVSTATUS_REASON_NOT_RESTARTED: return "not restarted";
    case SVSTATUS_REASON_UNHEALTHY: return "unhealthy";
  }
  return 0;
}

static char const *memory_source_word(enum svstat_memory_source source)
{
  switch (source) {
    case SVSTAT_MEMORY_PROC: return "proc";
    case SVSTAT_MEMORY_CGROUP: return "cgroup";
  }
  return "proc";
}

/* supervise/waiting, one name a line, as an array. */
static void put_waiting(char const *text)
{
  put("[");
  for (char const *name = text, *end; *name; name = *end ? end + 1 : end) {
    end = strchr(name, '\n');
    if (!end) end = name + strlen(name);
    if (name != text) put(",");
    put_string_len(name, (size_t)(end - name));
  }
  put("]");
}

/* The fields a status gives, null for a dir without one. */
static void put_status_fields(struct svstat_row const *row)
{
  struct svstatus const *status = &row->status;
  bool has = row->has_status, vigil = has && status->format == SVSTATUS_FORMAT_VIGIL;
  bool running = has && status->state == SVSTATUS_RUN;
  char const *reason = vigil ? reason_word(status->reason) : 0;
  int wait_status = status->last_wait_status;
  put_key("format"); if (has) put_string(format_word(status->format)); else put("null");
  put_key("pid"); if (running && status->pid) put_uint(status->pid); else put("null");
  put_key("seconds"); if (has) put_uint(row->seconds); else put("null");
  put_key("normally_up"); if (has) put_bool(row->normally_up); else put("null");
  put_key("want"); if (has) put_string(want_word(status->want)); else put("null");
  put_key("paused"); if (has) put_bool(status->paused); else put("null");
  put_key("ready"); if (vigil) put_bool(running && status->ready); else put("null");
  put_key("ready_seconds"); if (running && status->ready) put_uint(row->ready_seconds); else put("null");
  put_key("restarts"); if (vigil) put_uint(status->restarts); else put("null");
  put_key("exit_code");
  if (vigil && status->has_exited && WIFEXITED(wait_status)) put_uint((uint64_t)WEXITSTATUS(wait_status)); else put("null");
  put_key("exit_signal");
  if (vigil && status->has_exited && WIFSIGNALED(wait_status)) put_string(sig_name(WTERMSIG(wait_status))); else put("null");
  put_key("reason"); if (reason) put_string(reason); else put("null");
  put_key("waiting_for"); if (row->state == SVSUMMARY_WAITING) put_waiting(row->waiting); else put("null");
  put_key("memory_kib"); if (row->has_memory) put_uint(row->memory_kib); else put("null");
  put_key("memory_source"); if (row->has_memory) put_string(memory_source_word(row->memory_source)); else put("null");
  put_key("cpu_usec"); if (row->has_cpu) put_uint(row->cpu_usec); else put("null");
  put_key("changed_since_start"); if (running) put_bool(row->changed); else put("null");
  put_key("status_text"); if (row->notify[0]) put_string(row->notify); else put("null");
}

void svstat_json_print(struct svstat_row const *row)
{
  put("{\"name\":");
  put_string(row->name);
  put_key("dir");
  put_string(row->dir);
  put_key("state");
  put_string(svsummary_state_word(row->state));
  put_key("supervised");
  put(row->supervised < 0 ? "null" : row->supervised ? "true" : "false");
  put_status_fields(row);
  put("}\n");
}
