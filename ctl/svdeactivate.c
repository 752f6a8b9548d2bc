/* svdeactivate: bring a live service and its logger down, then remove its dir. */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "deadline.h"
#include "exitcode.h"
#include "svdown.h"
#include "svinstall.h"
#include "svpaths.h"

#define USAGE "svdeactivate [ -t MS ] NAME..."
/* How long to wait for the service, then its logger, to go down, and for
   their supervisors to exit: a service that needs longer has
   timeout-kill, or the admin passes -t. */
#define STOP_TIMEOUT_MS_DEFAULT 10000

char const *PROG = "svdeactivate";

static struct {
  unsigned int timeout_ms;
  char const *live;
  int livefd;
} g = { .timeout_ms = STOP_TIMEOUT_MS_DEFAULT };

/* svc -d DIR, then wait until its status says down. No supervisor: nothing to stop. */
static void stop(char const *dir, tain const *deadline)
{
  int sent = svdown_send(dir, "d");
  if (sent < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "control ", dir);
  if (!sent) return;
  switch (svdown_wait_down(dir, deadline)) {
    case SVDOWN_DONE: return;
    case SVDOWN_TIMEOUT: strerr_dief(VIGIL_EXIT_TIMEOUT, dir, " still up after the timeout: not removed (svc -k it, or raise -t)");
    case SVDOWN_ERROR: strerr_diefusys(VIGIL_EXIT_SYSTEM, "wait for ", dir);
  }
}

static void path3(char *out, char const *a, char const *b, char const *c)
{
  if (strlen(a) + strlen(b) + strlen(c) + 3 > PATH_MAX) strerr_dief(VIGIL_EXIT_USAGE, "path too long: ", a, "/", b);
  strcpy(out, a); strcat(out, "/"); strcat(out, b);
  if (*c) { strcat(out, "/"); strcat(out, c); }
}

static void deactivate(char const *name)
{
  char dir[PATH_MAX], log[PATH_MAX], old[NAME_MAX + 1];
  struct stat st;
  tain deadline;
  if (!svinstall_name_valid(name))
    strerr_dief(VIGIL_EXIT_USAGE, "invalid service name: ", name, ": ", SVINSTALL_NAME_RULE);
  path3(dir, g.live, name, "");
  path3(log, g.live, name, "log");
  if (fstatat(g.livefd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) strerr_dief(VIGIL_EXIT_USAGE, dir, ": not active");
    strerr_diefusys(VIGIL_EXIT_SYSTEM, "stat ", dir);
  }
  tain_now_set_stopwatch_g();
  deadline_in_ms(&deadline, g.timeout_ms);
  /* The service first, so its logger reads what it wrote until it stopped. */
  stop(dir, &deadline);
  stop(log, &deadline);
  /* A dotdir first: the scanner sees one removal, never a half-deleted service. */
  svinstall_old_name(old, sizeof old, name);
  if (svinstall_remove(g.livefd, old) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "remove leftover ", g.live, "/", old);
  if (renameat(g.livefd, name, g.livefd, old) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "rename ", dir, " away");
  path3(dir, g.live, old, "");
  path3(log, g.live, old, "log");
  /* The scanner stops the supervisors now: wait for them, so that none
     writes into a dir being removed. */
  if (svdown_wait_exit(dir, &deadline) != SVDOWN_DONE) strerr_warnw(dir, ": supervisor still running: removing its dir anyway");
  if (svdown_wait_exit(log, &deadline) != SVDOWN_DONE) strerr_warnw(log, ": supervisor still running: removing its dir anyway");
  if (svinstall_remove(g.livefd, old) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "remove ", dir);
}

static int parse_options(int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "t:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 't': if (!uint0_scan(l.arg, &g.timeout_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  if (l.ind >= argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return l.ind;
}

int main(int argc, char const *const *argv)
{
  int first = parse_options(argc, argv);
  g.live = svpath_env_dir("SVDIR", SVDIR_DEFAULT);
  g.livefd = open(g.live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (g.livefd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open live service dir ", g.live);
  if (svinstall_lock(g.livefd) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "lock ", g.live);
  for (int i = first; i < argc; i++) deactivate(argv[i]);
  return VIGIL_EXIT_OK;
}
