/* Starting ./run and ./finish as clean processes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svdir.h"
#include "supervise-spawn.h"

extern char **environ;

void spawn_seal_inherited_fds(void)
{
  /* Fails only on kernels older than 5.11, where nothing better is cheap. */
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* The kernel's struct sigaction: glibc's wrapper refuses its two internal
   real-time signals, which a service must still get at their default. */
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

/* Highest signal number the kernel knows on Linux. */
#define KERNEL_NSIG 64

/* Runs in the vfork child, sharing the parent's memory: only syscalls, and
   no return. Signals stay blocked until the dispositions are reset, so no
   handler can run on the shared stack. */
static void __attribute__((noreturn))
become_service(char const *const *argv, int notify_fd, int source, volatile int *exec_error)
{
  struct kernel_sigaction default_action = { .handler = SIG_DFL };
  uint64_t empty = 0;
  for (int sig = 1; sig <= KERNEL_NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      syscall(SYS_rt_sigaction, sig, &default_action, NULL, sizeof default_action.mask);
  setsid();
  if (notify_fd >= 0 && dup2(source, notify_fd) < 0) goto fail;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, sizeof empty);
  execve(argv[0], (char *const *)argv, environ);
fail:
  *exec_error = errno;
  _exit(127);
}

/* Nothing here is used after vfork returns in the parent but its result,
   so no local can be clobbered. */
static pid_t __attribute__((noinline))
vfork_service(char const *const *argv, int notify_fd, int source, volatile int *exec_error)
{
  pid_t child = vfork();
  if (!child) become_service(argv, notify_fd, source, exec_error);
  return child;
}

int spawn_clean(char const *const *argv, int notify_fd, int notify_source, pid_t *pid)
{
  volatile int exec_error = 0;
  int source = notify_source, error = 0;
  pid_t child;
  /* dup2 onto itself would leave close-on-exec set: use another copy. */
  if (notify_fd >= 0 && source == notify_fd) {
    source = fcntl(notify_source, F_DUPFD_CLOEXEC, 0);
    if (source < 0) return errno;
  }
  child = vfork_service(argv, notify_fd, source, &exec_error);
  if (child < 0) error = errno;
  else if (exec_error) {
    /* The child has exited already; reap it here so nobody mistakes it for the service. */
    error = exec_error;
    waitpid(child, NULL, 0);
  } else *pid = child;
  if (source != notify_source) close(source);
  return error;
}

enum svstatus_reason spawn_failure_reason(int error)
{
  switch (error) {
    case EAGAIN:
    case ENOMEM:
      return SVSTATUS_REASON_SPAWN_FAILED;
    case ENOENT:
      /* ENOENT for an existing run means its #! interpreter is missing. */
      return access(SVDIR_RUN, F_OK) < 0 ? SVSTATUS_REASON_RUN_MISSING : SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
    default:
      return SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
  }
}
