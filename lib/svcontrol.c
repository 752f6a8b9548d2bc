/* The command letters, and sending them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "svcontrol.h"
#include "svpaths.h"
#include "trust.h"

struct svcontrol_command const svcontrol_commands[256] = {
  ['u'] = { SVCONTROL_UP, 0, "up" },
  ['d'] = { SVCONTROL_DOWN, 0, "down" },
  ['o'] = { SVCONTROL_ONCE, 0, "once" },
  ['x'] = { SVCONTROL_EXIT, 0, "exit" },
  ['p'] = { SVCONTROL_PAUSE, SIGSTOP, "pause" },
  ['c'] = { SVCONTROL_CONTINUE, SIGCONT, "continue" },
  ['h'] = { SVCONTROL_SIGNAL, SIGHUP, "hangup" },
  ['a'] = { SVCONTROL_SIGNAL, SIGALRM, "alarm" },
  ['i'] = { SVCONTROL_SIGNAL, SIGINT, "interrupt" },
  ['q'] = { SVCONTROL_SIGNAL, SIGQUIT, "quit" },
  ['1'] = { SVCONTROL_SIGNAL, SIGUSR1, "usr1" },
  ['2'] = { SVCONTROL_SIGNAL, SIGUSR2, "usr2" },
  ['t'] = { SVCONTROL_SIGNAL, SIGTERM, "terminate" },
  ['k'] = { SVCONTROL_SIGNAL, SIGKILL, "kill" },
};

/* A service dir exists but has no fifo yet: never supervised, or not now. */
static int dir_exists(char const *dir)
{
  struct stat st;
  return !stat(dir, &st) && S_ISDIR(st.st_mode);
}

/* Open a supervise/ fifo for writing without blocking: -2 when nobody
   reads it, -3 when it is not a fifo. */
static int open_fifo_writer(char const *dir, char const *file)
{
  char path[PATH_MAX];
  struct stat st;
  uid_t owner;
  int fd, trusted = 1;
  if (svpath_join(path, dir, file) < 0) return -1;
  /* Not through a stranger's supervise: an open for writing can start a
     device (a watchdog) where a fifo was expected (lib/trust.h). */
  fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    trusted = trust_entry(fd, SVPATH_SUPERVISE, TRUST_ANY_TYPE, &owner);
    close(fd);
  }
  if (trusted <= 0) {
    if (!trusted) errno = EPERM;
    return -1;
  }
  /* And only a fifo: looked at through O_PATH, which opens nothing, then
     opened as the very file looked at (a supervise/ made after the check
     above by someone else cannot swap in a device meanwhile). */
  fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT && dir_exists(dir) ? -2 : -1;
  if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
    int e = fstat(fd, &st) < 0 ? errno : ENODEV;
    close(fd);
    errno = e;
    return -3;
  }
  {
    char self[sizeof "/proc/self/fd/" + UINT_FMT];
    int writer;
    memcpy(self, "/proc/self/fd/", sizeof "/proc/self/fd/" - 1);
    self[sizeof "/proc/self/fd/" - 1 + uint_fmt(self + sizeof "/proc/self/fd/" - 1, (unsigned int)fd)] = 0;
    writer = open(self, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    /* No /proc (early in a boot, a bare chroot): by name, as checked. */
    if (writer < 0 && errno == ENOENT) writer = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    close(fd);
    fd = writer;
  }
  if (fd >= 0) return fd;
  if (errno == ENXIO || (errno == ENOENT && dir_exists(dir))) return -2;
  return -1;
}

enum svcontrol_send_result svcontrol_send(char const *dir, char const *letters, size_t len)
{
  struct stat st;
  ssize_t w;
  int fd = open_fifo_writer(dir, SVPATH_CONTROL);
  if (fd == -2) return SVCONTROL_NOT_RUNNING;
  if (fd == -3 && errno == ENODEV) return SVCONTROL_NOT_FIFO;
  if (fd < 0) return SVCONTROL_ERROR;
  if (fstat(fd, &st) < 0) goto error;
  if (!S_ISFIFO(st.st_mode)) {
    close(fd);
    return SVCONTROL_NOT_FIFO;
  }
  do w = write(fd, letters, len);
  while (w < 0 && errno == EINTR);
  if (w < 0 && errno == EAGAIN) {
    close(fd);
    return SVCONTROL_BUSY;
  }
  /* The reader went away after our open: the supervisor exited. */
  if (w < 0 && errno == EPIPE) {
    close(fd);
    return SVCONTROL_NOT_RUNNING;
  }
  if (w < 0) goto error;
  close(fd);
  return SVCONTROL_SENT;
error:
  {
    int e = errno;
    close(fd);
    errno = e;
  }
  return SVCONTROL_ERROR;
}

int svcontrol_supervised(char const *dir)
{
  int fd = open_fifo_writer(dir, SVPATH_OK);
  if (fd == -2) return 0;
  if (fd < 0) return -1;
  close(fd);
  return 1;
}
