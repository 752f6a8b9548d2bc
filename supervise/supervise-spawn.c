/* Starting ./run and ./finish as clean processes. */
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/nsig.h>
#include <skalibs/strerr.h>

#include "svdir.h"
#include "supervise-spawn.h"

enum svstatus_reason spawn_check_run(void)
{
  struct stat st;
  if (stat(SVDIR_RUN, &st) < 0)
    return errno == ENOENT ? SVSTATUS_REASON_RUN_MISSING : SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
  if (!S_ISREG(st.st_mode) || access(SVDIR_RUN, X_OK) < 0) return SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
  return SVSTATUS_REASON_NONE;
}

int spawn_has_finish(void)
{
  struct stat st;
  return !stat(SVDIR_FINISH, &st) && S_ISREG(st.st_mode) && !access(SVDIR_FINISH, X_OK);
}

/* Whatever the supervisor inherited or set up, the service starts clean. */
static void reset_signals(void)
{
  sigset_t empty;
  for (int sig = 1; sig < SKALIBS_NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
}

static void close_fds_from(unsigned int first, unsigned int keep)
{
  if (keep >= first) {
    if (keep > first) close_range(first, keep - 1, 0);
    close_range(keep + 1, ~0U, 0);
  } else {
    close_range(first, ~0U, 0);
  }
}

pid_t spawn_clean(char const *const *argv, int notify_fd, int notify_source)
{
  pid_t pid = fork();
  if (pid != 0) return pid;
  reset_signals();
  setsid();
  if (notify_fd >= 0) {
    int r = notify_source == notify_fd ? uncoe(notify_fd) : dup2(notify_source, notify_fd);
    if (r < 0) strerr_diefusys(111, "set up notification-fd");
  }
  close_fds_from(3, notify_fd >= 3 ? (unsigned int)notify_fd : 0);
  execv(argv[0], (char *const *)argv);
  strerr_diefusys(127, "exec ", argv[0]);
}
