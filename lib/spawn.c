/* Starting a program as a clean process. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux-syscall.h"
#include "spawn.h"

/* A service may ask for its notification fd anywhere up to here. */
#define SPAWN_FDS_MAX 8

extern char **environ;

static struct {
  bool set;
  struct rlimit limit;
} child_fd_limit;

static uint64_t child_blocked;
static struct spawn_setup const *child_setup;
static char const *child_cgroup;
static int child_cgroup_fd = -1;

void spawn_set_child_cgroup(char const *procs, int dirfd)
{
  child_cgroup = procs;
  child_cgroup_fd = procs ? dirfd : -1;
}

/* clone3(2)'s arguments (linux/sched.h's struct clone_args, up to
   cgroup: the size tells the kernel which fields there are). */
struct clone3_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
#define CLONE3_INTO_CGROUP 0x200000000ULL
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

void spawn_set_child_setup(struct spawn_setup const *setup)
{
  child_setup = setup;
}

void spawn_set_child_blocked(uint64_t mask)
{
  child_blocked = mask;
}

void spawn_set_child_fd_limit(struct rlimit const *limit)
{
  child_fd_limit.set = true;
  child_fd_limit.limit = *limit;
}

/* The kernel's struct sigaction: glibc's wrapper refuses its two internal
   real-time signals, which a child must still get at their default. */
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

/* Highest signal number the kernel knows on Linux. */
#define KERNEL_NSIG 64

void spawn_seal_inherited_fds(void)
{
  /* Fails only on kernels older than 5.11, where nothing better is cheap. */
  vigil_close_range(3, ~0U, VIGIL_CLOSE_RANGE_CLOEXEC);
}

/* A limit as softlimit sets it: the soft one, raising the hard one when
   allowed (root), else capped at it. A refusal leaves the limit as it was. */
static void set_limit(int resource, rlim_t value)
{
  struct rlimit old, new;
  if (syscall(SYS_prlimit64, 0, resource, NULL, &old) < 0) return;
  new.rlim_cur = value;
  new.rlim_max = value > old.rlim_max ? value : old.rlim_max;
  if (syscall(SYS_prlimit64, 0, resource, &new, NULL) < 0 && value > old.rlim_max) {
    new.rlim_cur = new.rlim_max = old.rlim_max;
    syscall(SYS_prlimit64, 0, resource, &new, NULL);
  }
}

/* The setup, in the vfork child: raw syscalls only (libc's setuid would
   synchronise threads). Limits, nice and oom_score_adj first, while still
   privileged; a failed id change fails the exec (never run as root by
   mistake). */
static int apply_setup(struct spawn_setup const *setup)
{
  for (unsigned int i = 0; i < setup->nlimits; i++) set_limit(setup->limits[i].resource, setup->limits[i].value);
  if (setup->set_nice) syscall(SYS_setpriority, PRIO_PROCESS, 0, setup->nice);
  if (setup->set_oom) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      size_t len = 0;
      while (setup->oom[len]) len++;
      if (write(fd, setup->oom, len) < 0) {}
      close(fd);
    }
  }
  /* EPERM whatever the kernel said (EINVAL for an id a user namespace
     does not map): the caller tells it from a run that cannot be run. */
  if (setup->set_ids
      && ((!setup->keep_groups && syscall(SYS_setgroups, setup->ngroups, setup->groups) < 0)
          || syscall(SYS_setresgid, setup->gid, setup->gid, setup->gid) < 0
          || syscall(SYS_setresuid, setup->uid, setup->uid, setup->uid) < 0)) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

/* Runs in the vfork child, sharing the parent's memory: only syscalls, and
   no return. Signals stay blocked until the dispositions are reset, so no
   handler can run on the shared stack. */
/* The child reports an exec failure through *EXEC_ERROR when it shares
   the parent's memory (vfork), else through the pipe ERROR_FD; PLACED:
   it was born in its cgroup. */
static void __attribute__((noreturn))
become(char const *const *argv, struct spawn_fd const *fds, unsigned int nfds, volatile int *exec_error,
       int error_fd, int placed)
{
  struct kernel_sigaction default_action = { .handler = SIG_DFL };
  uint64_t blocked = child_blocked;
  for (int sig = 1; sig <= KERNEL_NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      syscall(SYS_rt_sigaction, sig, &default_action, NULL, sizeof default_action.mask);
  setsid();
  if (child_cgroup && !placed) {
    int fd = open(child_cgroup, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd >= 0) {
      if (write(fd, "0", 1) < 0) {}
      close(fd);
    }
  }
  if (child_fd_limit.set) syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &child_fd_limit.limit, NULL);
  for (unsigned int i = 0; i < nfds; i++)
    if (fds[i].source != fds[i].target && dup2(fds[i].source, fds[i].target) < 0) goto fail;
  if (child_setup && apply_setup(child_setup) < 0) goto fail;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &blocked, NULL, sizeof blocked);
  execve(argv[0], (char *const *)argv,
         child_setup && child_setup->envp ? (char *const *)child_setup->envp : environ);
fail:
  if (error_fd < 0) *exec_error = errno;
  else {
    int e = errno;
    if (write(error_fd, &e, sizeof e) < 0) {}
  }
  _exit(127);
}

/* Nothing here is used after vfork returns in the parent but its result,
   so no local can be clobbered. */
static pid_t __attribute__((noinline))
vfork_child(char const *const *argv, struct spawn_fd const *fds, unsigned int nfds, volatile int *exec_error)
{
  pid_t child = vfork();
  if (!child) become(argv, fds, nfds, exec_error, -1, 0);
  return child;
}

/* Set once clone3 with CLONE_INTO_CGROUP is refused as unknown. */
static int clone3_unusable;

/* A child born in the cgroup: clone3 as fork (its own copy of our memory,
   small: a supervisor's), the exec's failure told through a pipe whose
   write end closes at the exec. Returns the pid, or -1 with errno;
   ENOSYS when the kernel cannot (the caller falls back to vfork). */
static pid_t clone_child(char const *const *argv, struct spawn_fd const *fds, unsigned int nfds, int *exec_error)
{
  struct clone3_args args = { .flags = CLONE3_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)child_cgroup_fd };
  int report[2], max_target = 2, e;
  pid_t child;
  ssize_t r;
  for (unsigned int i = 0; i < nfds; i++)
    if (fds[i].target > max_target) max_target = fds[i].target;
  if (pipe2(report, O_CLOEXEC) < 0) return -1;
  /* Above every target: no dup2 of the child's lands on it. */
  if (report[1] <= max_target) {
    int moved = fcntl(report[1], F_DUPFD_CLOEXEC, max_target + 1);
    if (moved < 0) {
      e = errno;
      close(report[0]);
      close(report[1]);
      errno = e;
      return -1;
    }
    close(report[1]);
    report[1] = moved;
  }
  child = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (!child) become(argv, fds, nfds, 0, report[1], 1);
  e = errno;
  close(report[1]);
  if (child < 0) {
    close(report[0]);
    /* Unknown to this kernel (clone3 before 5.3, the flag before 5.7). */
    if (e == ENOSYS || e == E2BIG || e == EINVAL) e = ENOSYS;
    errno = e;
    return -1;
  }
  do r = read(report[0], exec_error, sizeof *exec_error);
  while (r < 0 && errno == EINTR);
  close(report[0]);
  if (r != sizeof *exec_error) *exec_error = 0;
  return child;
}

/* Every source above every target, so no dup2 in the child overwrites a
   source still to be copied, and a source equal to its target (whose
   close-on-exec dup2 would keep) still gets copied. */
static int separate(struct spawn_fd const *fds, unsigned int nfds, struct spawn_fd *out)
{
  int max_target = 2;
  for (unsigned int i = 0; i < nfds; i++)
    if (fds[i].target > max_target) max_target = fds[i].target;
  for (unsigned int i = 0; i < nfds; i++) {
    out[i] = fds[i];
    if (fds[i].source == fds[i].target && fds[i].source < 3) continue;
    if (fds[i].source > max_target) continue;
    out[i].source = fcntl(fds[i].source, F_DUPFD_CLOEXEC, max_target + 1);
    if (out[i].source < 0) {
      int e = errno;
      while (i--) if (out[i].source != fds[i].source) close(out[i].source);
      return e;
    }
  }
  return 0;
}

int spawn_clean(char const *const *argv, struct spawn_fd const *fds, unsigned int nfds, pid_t *pid)
{
  struct spawn_fd safe[SPAWN_FDS_MAX];
  volatile int exec_error = 0;
  int error;
  pid_t child;
  if (nfds > SPAWN_FDS_MAX) return EINVAL;
  error = separate(fds, nfds, safe);
  if (error) return error;
  child = -1;
  if (child_cgroup_fd >= 0 && !clone3_unusable) {
    int clone_error = 0;
    child = clone_child(argv, safe, nfds, &clone_error);
    if (child >= 0) exec_error = clone_error;
    else if (errno == EAGAIN || errno == ENOMEM) error = errno;
    /* Unknown to the kernel: never again; refused for this cgroup (the
       fallback's write to cgroup.procs may be refused too): this once. */
    else if (errno == ENOSYS) clone3_unusable = 1;
  }
  if (child < 0 && !error) child = vfork_child(argv, safe, nfds, &exec_error);
  if (child < 0) error = error ? error : errno;
  else if (exec_error) {
    /* The child has exited already; reap it here so nobody mistakes it for the real one. */
    error = exec_error;
    waitpid(child, NULL, 0);
  } else *pid = child;
  for (unsigned int i = 0; i < nfds; i++)
    if (safe[i].source != fds[i].source) close(safe[i].source);
  return error;
}
