/* Reading the small configuration files of a service dir. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/sig.h>
#include <skalibs/types.h>

#include "svdir.h"

/* Large enough for any number or signal name; longer files are invalid. */
#define SVDIR_VALUE_MAX 32

/* A fifo would block the open or the read for good, and the supervisor
   with it; a device may act when opened (a watchdog, a tape) or never
   end (/dev/zero). Looked at before the open, so none is ever opened,
   and after it, for one put there in between. */
int svdir_open_regular(int dirfd, char const *file, int flags)
{
  int nofollow = flags & AT_SYMLINK_NOFOLLOW;
  struct stat st;
  int fd;
  if (fstatat(dirfd, file, &st, nofollow) < 0) return -1;
  if (nofollow && S_ISLNK(st.st_mode)) {
    errno = ELOOP;
    return -1;
  }
  if (S_ISREG(st.st_mode)) {
    fd = openat(dirfd, file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0) return -1;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode)) return fd;
    close(fd);
  }
  errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
  return -1;
}

/* Shared by the readers of one-value files (svdir-policy.c too). */
enum svdir_read_result svdir_read_line(int dirfd, char const *file, char *out, size_t size)
{
  ssize_t len;
  size_t start = 0;
  int fd = svdir_open_regular(dirfd, file, 0);
  if (fd < 0) return errno == ENOENT ? SVDIR_ABSENT : SVDIR_INVALID;
  do len = read(fd, out, size - 1);
  while (len < 0 && errno == EINTR);
  close(fd);
  if (len < 0) return SVDIR_INVALID;
  if ((size_t)len == size - 1) {
    /* It may go on: a value this long is no number or signal name anyway. */
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  out[len] = 0;
  while (len && strchr(" \t\r\n", out[len - 1])) out[--len] = 0;
  while (out[start] == ' ' || out[start] == '\t') start++;
  memmove(out, out + start, (size_t)len - start + 1);
  return SVDIR_READ;
}

enum svdir_read_result svdir_read_uint(int dirfd, char const *file, unsigned int *value)
{
  char text[SVDIR_VALUE_MAX];
  unsigned int number;
  size_t used;
  enum svdir_read_result r = svdir_read_line(dirfd, file, text, sizeof text);
  if (r != SVDIR_READ) return r;
  used = uint_scan(text, &number);
  if (!used || text[used]) {
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  *value = number;
  return SVDIR_READ;
}

enum svdir_read_result svdir_read_signal(int dirfd, char const *file, int *signal)
{
  char text[SVDIR_VALUE_MAX];
  size_t used;
  enum svdir_read_result r = svdir_read_line(dirfd, file, text, sizeof text);
  if (r != SVDIR_READ) return r;
  used = sig0_scan(text, signal);
  /* sig0_scan takes any number: one past the last signal is none. */
  if (!used || text[used] || *signal <= 0 || *signal >= NSIG) {
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  return SVDIR_READ;
}

enum svdir_read_result svdir_read_flag(int dirfd, char const *file, int *on)
{
  char text[SVDIR_VALUE_MAX];
  enum svdir_read_result r = svdir_read_line(dirfd, file, text, sizeof text);
  if (r != SVDIR_READ) return r;
  if (!text[0] || !strcmp(text, "1")) *on = 1;
  else if (!strcmp(text, "0")) *on = 0;
  else {
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  return SVDIR_READ;
}

int svdir_exists(int dirfd, char const *file)
{
  struct stat st;
  return !fstatat(dirfd, file, &st, 0);
}

int svdir_executable(int dirfd, char const *file)
{
  struct stat st;
  if (fstatat(dirfd, file, &st, 0) < 0) return 0;
  if (S_ISREG(st.st_mode) && !faccessat(dirfd, file, X_OK, 0)) return 1;
  errno = ENOEXEC;
  return 0;
}

int svdir_oneshot(int dirfd)
{
  return !svdir_exists(dirfd, SVDIR_RUN) && svdir_executable(dirfd, SVDIR_UP);
}

int svdir_normally_down(int dirfd)
{
  if (!svdir_exists(dirfd, SVDIR_DOWN)) return 0;
  /* A oneshot's executable down is its script, not the flag. */
  return !(svdir_oneshot(dirfd) && svdir_executable(dirfd, SVDIR_ONESHOT_DOWN));
}
