/* svwait: wait until service dirs reach a state, woken by inotify, never polling. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
#include "svpaths.h"
#include "svstatus.h"

#define USAGE "svwait [ -u | -U | -d | -D ] [ -t MS ] DIR..."
/* Room for a burst of inotify events; more are read on the next round. */
#define EVENT_BUFFER_SIZE 4096

char const *PROG = "svwait";

enum goal {
  GOAL_UP,        /* -u: ./run is running */
  GOAL_READY,     /* -U: running and has signalled readiness */
  GOAL_DOWN,      /* -d: ./run is not running */
  GOAL_FINISHED   /* -D: not running, and ./finish is done too */
};

static int reached(struct svstatus const *status, enum goal goal)
{
  switch (goal) {
    case GOAL_UP: return status->state == SVSTATUS_RUN;
    /* A daemontools or runit supervisor knows nothing of readiness: up is all it can say. */
    case GOAL_READY: return status->state == SVSTATUS_RUN && (status->ready || status->format != SVSTATUS_FORMAT_VIGIL);
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

static int dir_reached(char const *dir, enum goal goal)
{
  struct svstatus status;
  int r, dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return 0;
  r = svstatus_read(dirfd, &status);
  close(dirfd);
  return r > 0 && reached(&status, goal);
}

static void drain(int inotify_fd)
{
  char events[EVENT_BUFFER_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
  while (read(inotify_fd, events, sizeof events) > 0) ;
}

static enum goal parse_options(int argc, char const *const *argv, unsigned int *timeout_ms, int *first)
{
  enum goal goal = GOAL_UP;
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "uUdDt:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'u': goal = GOAL_UP; break;
      case 'U': goal = GOAL_READY; break;
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

int main(int argc, char const *const *argv)
{
  unsigned int timeout_ms = 0;
  int first, ndirs, inotify_fd;
  enum goal goal = parse_options(argc, argv, &timeout_ms, &first);
  char dirs[argc][PATH_MAX];
  tain deadline;
  ndirs = argc - first;
  for (int i = 0; i < ndirs; i++) {
    struct stat st;
    if (svpath_resolve(dirs[i], PATH_MAX, argv[first + i]) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "wait for ", argv[first + i]);
    /* A dir that is not there cannot be watched: refuse, as s6-svwait does, rather than wait blind. */
    if (stat(dirs[i], &st) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "wait for ", dirs[i]);
    if (!S_ISDIR(st.st_mode)) strerr_dief(VIGIL_EXIT_SYSTEM, "unable to wait for ", dirs[i], ": not a directory");
  }
  inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "inotify_init1");
  tain_now_set_stopwatch_g();
  deadline = tain_infinite;
  if (timeout_ms) deadline_in_ms(&deadline, timeout_ms);
  for (;;) {
    iopause_fd x = { .fd = inotify_fd, .events = IOPAUSE_READ };
    int all = 1;
    /* Watch first, then read: a change between the two still wakes us. */
    for (int i = 0; i < ndirs; i++) watch(inotify_fd, dirs[i]);
    for (int i = 0; i < ndirs && all; i++) all = dir_reached(dirs[i], goal);
    if (all) return VIGIL_EXIT_OK;
    switch (iopause_g(&x, 1, &deadline)) {
      case -1: if (errno != EINTR) strerr_diefusys(VIGIL_EXIT_SYSTEM, "iopause"); break;
      case 0: return VIGIL_EXIT_TIMEOUT;
      default: drain(inotify_fd);
    }
  }
}
