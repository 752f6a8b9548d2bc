/* Raw system calls for what the libc may not wrap: see linux-syscall.h. */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-syscall.h"

/* Old kernel headers name none of these; the numbers are the same on
   every architecture since 5.1 (the unified syscall table). */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

int vigil_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
  return (int)syscall(SYS_close_range, first, last, flags);
}

int vigil_pidfd_open(pid_t pid, unsigned int flags)
{
  return (int)syscall(SYS_pidfd_open, pid, flags);
}

int vigil_pidfd_send_signal(int pidfd, int sig)
{
  return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (siginfo_t *)0, 0U);
}

long vigil_getdents64(int fd, void *buf, unsigned long len)
{
  return syscall(SYS_getdents64, fd, buf, len);
}
