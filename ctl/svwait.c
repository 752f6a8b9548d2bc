/* svwait: wait until service dirs reach a state, woken by inotify, never polling. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/iopause.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "deadline.h"
#include "exitcode.h"
#include "linux-syscall.h"
#include "procstat.h"
#include "svcontrol.h"
#include "svdir.h"
#include "svpaths.h"
#include "svstatus.h"

#define USAGE "svwait [ -u | -U | -R | -d | -D ] [ -F ] [ -t MS ] DIR..."
/* Room for a burst of inotify events; more are read on the next round. */
#define EVENT_BUFFER_SIZE 4096

char const *PROG = "svwait";

enum goal {
  GOAL_UP,        /* -u: ./run is running */
  GOAL_READY,     /* -U: running and has signalled readiness */
  GOAL_SETTLED,   /* -R: -U where DIR has notification-fd, -u elsewhere */
  GOAL_DOWN,      /* -d: ./run is not running */
  GOAL_FINISHED   /* -D: not running, and ./finish is done too */
};

/* -F: exit as soon as a DIR cannot start. */
static int fail_fast;

/* goal GOAL_SETTLED: does DIR signal readiness? */
static int ready_expected(int dirfd, enum goal goal)
{
  return goal == GOAL_READY
    || (goal == GOAL_SETTLED && (svdir_exists(dirfd, SVDIR_NOTIFICATION_FD) || svdir_exists(dirfd, SVDIR_NOTIFY_SOCKET)));
}

static int reached(struct svstatus const *status, enum goal goal, int dirfd)
{
  switch (goal) {
    case GOAL_UP: return status->state == SVSTATUS_RUN;
    /* A daemontools or runit supervisor knows nothing of readiness: up is all it can say. */
    case GOAL_READY:
    case GOAL_SETTLED:
      return status->state == SVSTATUS_RUN
        && (!ready_expected(dirfd, goal) || status->ready || status->format != SVSTATUS_FORMAT_VIGIL);
    case GOAL_DOWN: return status->state != SVSTATUS_RUN;
    case GOAL_FINISHED: return status->state == SVSTATUS_DOWN;
  }
  return 0;
}

/* Watch DIR (for supervise/ to appear) and DIR/supervise (for status to be
   replaced). Adding an existing watch again is harmless, so this runs every round. */
static void watch(int inotify_fd, char const *dir)
{
  char path[PATH_MAX];
  size_t len = strlen(dir);
  inotify_add_watch(inotify_fd, dir, IN_CREATE | IN_MOVED_TO);
  if (len + sizeof "/" SVPATH_SUPERVISE > sizeof path) return;
  memcpy(path, dir, len);
  memcpy(path + len, "/" SVPATH_SUPERVISE, sizeof "/" SVPATH_SUPERVISE);
  inotify_add_watch(inotify_fd, path, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
}

/* Is the run a status names still that process? Returns 1 with its pidfd
   in *pidfd (to wake on its death), or 0 when it is gone or is another
   process (a recycled pid: the start time the vigil status records
   differs). When we cannot tell, it counts as there, with no pidfd. */
static int run_still_there(struct svstatus const *status, int *pidfd)
{
  struct pollfd exited;
  uint64_t start_time;
  /* The pidfd first: from then on the pid cannot be recycled under us. */
  int fd = vigil_pidfd_open((pid_t)status->pid, 0);
  if (fd < 0) return errno != ESRCH;
  if (status->pid_start_time
      && (procstat_start_time((pid_t)status->pid, &start_time) < 0 || start_time != status->pid_start_time)) {
    close(fd);
    return 0;
  }
  /* A zombie nobody reaps yet is gone too: its pidfd is readable. */
  exited = (struct pollfd){ .fd = fd, .events = POLLIN };
  if (poll(&exited, 1, 0) > 0) {
    close(fd);
    return 0;
  }
  *pidfd = fd;
  return 1;
}

/* A status saying "up" outlives a supervisor killed with -9: when no
   supervisor reads supervise/ok (svok's test) and the run it names is
   gone, the service is down, whatever the file says. */
static void correct_stale(char const *dir, struct svstatus *status, int *pidfd)
{
  if (status->state != SVSTATUS_RUN || !status->pid) return;
  if (svcontrol_supervised(dir) != 0) return;
  if (!run_still_there(status, pidfd)) status->state = SVSTATUS_DOWN;
}

/* Why a service the supervisor will not start again by itself is down:
   0 when it may still come up. */
static char const *cannot_start(struct svstatus const *status)
{
  if (status->state == SVSTATUS_RUN) return 0;
  switch (status->reason) {
    case SVSTATUS_REASON_RUN_MISSING: return "./run is missing";
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE: return "./run is not an executable file";
    case SVSTATUS_REASON_FINISH_SAID_STOP: return "./finish exited 125: do not restart";
    case SVSTATUS_REASON_UP_FAILED: return "./up failed: down until svc -u";
    case SVSTATUS_REASON_GAVE_UP: return "gave up after too many deaths: down until svc -u";
    case SVSTATUS_REASON_NOT_RESTARTED: return "./run ended and restart says not to start it again";
    case SVSTATUS_REASON_NONE:
    case SVSTATUS_REASON_SPAWN_FAILED:    /* out of processes: the supervisor retries */
    case SVSTATUS_REASON_THROTTLED:
    case SVSTATUS_REASON_NEEDS:           /* starts once they are ready */
    case SVSTATUS_REASON_UNHEALTHY:       /* restarted by its check */
      return 0;
  }
  return 0;
}

/* *pidfd gets the pidfd of an unsupervised run, when the answer hangs on it
   (a dir not in the goal yet). */
static int dir_reached(char const *dir, enum goal goal, int *pidfd)
{
  struct svstatus status;
  int r, in_goal, dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char const *why;
  if (dirfd < 0) return 0;
  r = svstatus_read(dirfd, &status);
  if (r <= 0) {
    close(dirfd);
    return 0;
  }
  correct_stale(dir, &status, pidfd);
  in_goal = reached(&status, goal, dirfd);
  close(dirfd);
  why = fail_fast && goal != GOAL_DOWN && goal != GOAL_FINISHED ? cannot_start(&status) : 0;
  if (why) strerr_dief(VIGIL_EXIT_CANNOT_START, dir, " cannot start: ", why);
  if (!in_goal) return 0;
  if (*pidfd >= 0) close(*pidfd);
  *pidfd = -1;
  return 1;
}

/* Read every pending event. Returns 1 if one may change an answer: not
   the close of supervise/ok that our own supervisor test causes. */
static int drain(int inotify_fd)
{
  char events[EVENT_BUFFER_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
  int relevant = 0;
  ssize_t len;
  while ((len = read(inotify_fd, events, sizeof events)) > 0) {
    for (ssize_t at = 0; at < len; ) {
      struct inotify_event const *event = (struct inotify_event const *)(events + at);
      if (!(event->len && !strcmp(event->name, SVPATH_OK_NAME) && event->mask & IN_CLOSE_WRITE)) relevant = 1;
      at += (ssize_t)(sizeof *event + event->len);
    }
  }
  return relevant;
}

static enum goal parse_options(int argc, char const *const *argv, unsigned int *timeout_ms, int *first)
{
  enum goal goal = GOAL_UP;
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "uURdDFt:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'u': goal = GOAL_UP; break;
      case 'U': goal = GOAL_READY; break;
      case 'R': goal = GOAL_SETTLED; break;
      case 'F': fail_fast = 1; break;
      case 'd': goal = GOAL_DOWN; break;
      case 'D': goal = GOAL_FINISHED; break;
      case 't': if (!uint0_scan(l.arg, timeout_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  *first = l.ind;
  if (*first >= argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return goal;
}

/* Resolved on the heap, one at a time: thousands of DIRs must not
   overflow the stack. */
static char **resolve_dirs(int count, char const *const *args)
{
  char **dirs = malloc((size_t)count * sizeof *dirs);
  if (!dirs) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the list of dirs");
  for (int i = 0; i < count; i++) {
    char path[PATH_MAX];
    struct stat st;
    if (svpath_resolve(path, sizeof path, args[i]) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "wait for ", args[i]);
    /* A dir that is not there cannot be watched: refuse, as s6-svwait does, rather than wait blind. */
    if (stat(path, &st) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "wait for ", path);
    if (!S_ISDIR(st.st_mode)) strerr_dief(VIGIL_EXIT_SYSTEM, "unable to wait for ", path, ": not a directory");
    if (!(dirs[i] = strdup(path))) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the list of dirs");
  }
  return dirs;
}

/* Every dir in the goal? Stops at the first that is not; its unsupervised
   run's pidfd, if any, goes in *pidfd. */
static int all_reached(char **dirs, int ndirs, enum goal goal, int *pidfd)
{
  for (int i = 0; i < ndirs; i++)
    if (!dir_reached(dirs[i], goal, pidfd)) return 0;
  return 1;
}

enum loop_fd { FD_INOTIFY, FD_PIDFD, FD_COUNT };

int main(int argc, char const *const *argv)
{
  unsigned int timeout_ms = 0;
  int first, ndirs, inotify_fd;
  enum goal goal = parse_options(argc, argv, &timeout_ms, &first);
  char **dirs;
  tain deadline;
  ndirs = argc - first;
  dirs = resolve_dirs(ndirs, argv + first);
  inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "inotify_init1");
  tain_now_set_stopwatch_g();
  deadline = tain_infinite;
  if (timeout_ms) deadline_in_ms(&deadline, timeout_ms);
  for (;;) {
    iopause_fd x[FD_COUNT] = { [FD_INOTIFY] = { .fd = inotify_fd, .events = IOPAUSE_READ } };
    int pidfd = -1, r;
    /* Watch first, then read: a change between the two still wakes us. */
    for (int i = 0; i < ndirs; i++) watch(inotify_fd, dirs[i]);
    if (all_reached(dirs, ndirs, goal, &pidfd)) return VIGIL_EXIT_OK;
    /* Changes that never stop (iopause never times out) must not outlast the deadline. */
    tain_now_g();
    if (!tain_less(&STAMP, &deadline)) {
      if (pidfd >= 0) close(pidfd);
      return VIGIL_EXIT_TIMEOUT;
    }
    /* An unsupervised run changes no file when it dies: its pidfd wakes us. */
    x[FD_PIDFD] = (iopause_fd){ .fd = pidfd, .events = IOPAUSE_READ };
    do r = iopause_g(x, pidfd >= 0 ? FD_COUNT : 1, &deadline);
    while (r > 0 && !(x[FD_INOTIFY].revents & IOPAUSE_READ && drain(inotify_fd))
           && !(pidfd >= 0 && x[FD_PIDFD].revents));
    if (pidfd >= 0) close(pidfd);
    if (!r) return VIGIL_EXIT_TIMEOUT;
    if (r < 0 && errno != EINTR) strerr_diefusys(VIGIL_EXIT_SYSTEM, "iopause");
  }
}
