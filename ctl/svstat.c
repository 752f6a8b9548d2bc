/* svstat: print the status of service dirs, one line each. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "svcontrol.h"
#include "svdir.h"
#include "svpaths.h"
#include "svstatus.h"
#include "svtext.h"

#define USAGE "svstat DIR..."

char const *PROG = "svstat";

static void put(char const *s)
{
  buffer_puts(buffer_1, s);
}

static void put_uint(uint64_t n)
{
  char fmt[UINT64_FMT];
  buffer_put(buffer_1, fmt, uint64_fmt(fmt, n));
}

static void put_seconds(struct svtime const *then, struct svtime const *now)
{
  put_uint(svtime_seconds_since(then, now));
  put(" seconds");
}

static void put_last_exit(int wait_status, int running)
{
  if (running) put(", last");
  if (WIFSIGNALED(wait_status)) {
    put(running ? " killed by SIG" : ", killed by SIG");
    put(sig_name(WTERMSIG(wait_status)));
  } else {
    put(running ? " exited " : ", exited ");
    put_uint((uint64_t)WEXITSTATUS(wait_status));
  }
}

static char const *reason_text(enum svstatus_reason reason)
{
  switch (reason) {
    case SVSTATUS_REASON_NONE: return 0;
    case SVSTATUS_REASON_RUN_MISSING: return "run is missing";
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE: return "run is not executable";
    case SVSTATUS_REASON_SPAWN_FAILED: return "fork failed";
    case SVSTATUS_REASON_FINISH_SAID_STOP: return "finish exited 125: not restarting";
    case SVSTATUS_REASON_THROTTLED: return "dying too fast: restart delayed";
    case SVSTATUS_REASON_NEEDS: return "waiting for its needs";
    case SVSTATUS_REASON_UP_FAILED: return "up failed: svc -u tries again";
  }
  return 0;
}

/* supervise/notify-status: what the service said through sd_notify. */
static void put_notify_status(int dirfd)
{
  char text[4200];
  if (!svtext_read(dirfd, SVPATH_NOTIFY_STATUS, text, sizeof text)) return;
  put(", status: ");
  put(text);
}

/* supervise/waiting: the needs a held run waits for, one a line. */
static void put_waiting(int dirfd)
{
  char text[1024];
  if (!svtext_read(dirfd, SVPATH_WAITING, text, sizeof text)) {
    put(", waiting for its needs");
    return;
  }
  put(", waiting for ");
  for (char *name = text, *next; name; name = next) {
    next = strchr(name, '\n');
    if (next) *next++ = 0;
    put(name);
    if (next) put(", ");
  }
}

/* supervise/cycle: a needs cycle through the service, whose edges are ignored. */
static void put_cycle(int dirfd)
{
  char text[1024];
  if (!svtext_read(dirfd, SVPATH_CYCLE, text, sizeof text)) return;
  put(", needs cycle: ");
  put(text);
  put(" (ignored)");
}

static void put_status(struct svstatus const *status, int normally_up, int dirfd)
{
  struct svtime now;
  char const *reason = reason_text(status->reason);
  svtime_now(&now);
  switch (status->state) {
    case SVSTATUS_RUN:
      /* A oneshot up has no process. */
      if (!status->pid) {
        put("up (oneshot) ");
        break;
      }
      put("up (pid ");
      put_uint(status->pid);
      put(") ");
      break;
    case SVSTATUS_FINISH:
      put("finishing ");
      break;
    case SVSTATUS_DOWN:
      put("down ");
      break;
  }
  put_seconds(&status->changed, &now);
  if (status->state == SVSTATUS_RUN && status->ready) {
    put(", ready ");
    put_seconds(&status->ready_at, &now);
  }
  put(normally_up ? ", normally up" : ", normally down");
  if (status->paused) put(", paused");
  if (status->want == SVSTATUS_WANT_UP && status->state != SVSTATUS_RUN) put(", want up");
  if (status->want == SVSTATUS_WANT_DOWN && status->state == SVSTATUS_RUN) put(", want down");
  if (status->want == SVSTATUS_WANT_NOTHING) put(", once");
  if (status->term_sent && status->state == SVSTATUS_RUN) put(", got TERM");
  if (status->has_exited) put_last_exit(status->last_wait_status, status->state == SVSTATUS_RUN);
  if (status->state == SVSTATUS_RUN) put_notify_status(dirfd);
  if (status->reason == SVSTATUS_REASON_NEEDS) put_waiting(dirfd);
  else if (reason) {
    put(", ");
    put(reason);
  }
  put_cycle(dirfd);
}

/* Returns the exit code this dir deserves. */
static int show(char const *arg)
{
  char dir[PATH_MAX];
  struct svstatus status;
  int dirfd, r;
  if (svpath_resolve(dir, sizeof dir, arg) < 0) {
    strerr_warnwusys("read status of ", arg);
    return VIGIL_EXIT_SYSTEM;
  }
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    strerr_warnwusys("open ", dir);
    return VIGIL_EXIT_SYSTEM;
  }
  put(dir);
  put(": ");
  switch (svcontrol_supervised(dir)) {
    case 0:
      put("supervisor not running\n");
      close(dirfd);
      return VIGIL_EXIT_OK;
    case -1:
      put("unknown\n");
      strerr_warnwusys("check ", dir, "/", SVPATH_OK);
      close(dirfd);
      return VIGIL_EXIT_SYSTEM;
  }
  r = svstatus_read(dirfd, &status);
  if (r <= 0) {
    put("unreadable status\n");
    if (r < 0) strerr_warnwusys("read ", dir, "/", SVPATH_STATUS);
    else strerr_warnwu("read ", dir, "/", SVPATH_STATUS, ": unreadable status (truncated or unknown format)");
    close(dirfd);
    return VIGIL_EXIT_SYSTEM;
  }
  put_status(&status, !svdir_normally_down(dirfd), dirfd);
  put("\n");
  close(dirfd);
  return VIGIL_EXIT_OK;
}

int main(int argc, char const *const *argv)
{
  int code = VIGIL_EXIT_OK;
  if (argc < 2) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  for (int i = 1; i < argc; i++) {
    int r = show(argv[i]);
    if (r > code) code = r;
    if (!buffer_flush(buffer_1)) strerr_diefusys(VIGIL_EXIT_SYSTEM, "write to stdout");
  }
  return code;
}
