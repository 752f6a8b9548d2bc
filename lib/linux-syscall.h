/* Linux system calls that not every libc wraps (musl 1.2.3 has no
   close_range, pidfd_open or pidfd_send_signal): raw syscalls, here and
   nowhere else. Each returns what the kernel does: -1 and errno on failure. */
#ifndef VIGIL_LINUX_SYSCALL_H
#define VIGIL_LINUX_SYSCALL_H

#include <sys/types.h>

/* CLOSE_RANGE_CLOEXEC, for libcs whose headers lack it. */
#define VIGIL_CLOSE_RANGE_CLOEXEC (1U << 2)

int vigil_close_range(unsigned int first, unsigned int last, unsigned int flags);
int vigil_pidfd_open(pid_t pid, unsigned int flags);
int vigil_pidfd_send_signal(int pidfd, int sig);
/* Reads directory entries (struct linux_dirent64) into buf: no DIR to
   allocate, for PID 1's last stage. Returns the bytes read, 0 at the end. */
long vigil_getdents64(int fd, void *buf, unsigned long len);

/* What vigil_getdents64 fills buf with, one after the other (d_reclen). */
struct vigil_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

#endif
