/* Taking a service down and waiting, bounded, for it and its supervisor. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/time.h>
#include <unistd.h>

#include <skalibs/iopause.h>
#include <skalibs/tai.h>

#include "svcontrol.h"
#include "svdown.h"
#include "svpaths.h"
#include "svstatus.h"

/* Room for a burst of inotify events; more are read on the next round. */
#define EVENT_BUFFER_SIZE 4096

int svdown_send(char const *dir, char const *letters)
{
  switch (svcontrol_send(dir, letters, strlen(letters))) {
    case SVCONTROL_SENT: return 1;
    case SVCONTROL_NOT_RUNNING: return 0;
    case SVCONTROL_NOT_FIFO: errno = EINVAL; return -1;
    case SVCONTROL_BUSY: errno = EAGAIN; return -1;
    /* No such dir (a service without log/): no supervisor to tell. */
    case SVCONTROL_ERROR: return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
  }
  return -1;
}

static int is_down(char const *dir)
{
  struct svstatus status;
  int r, dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return 0;
  r = svstatus_read(dirfd, &status);
  close(dirfd);
  return r > 0 && status.state != SVSTATUS_RUN;
}

static void drain(int fd)
{
  char events[EVENT_BUFFER_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
  while (read(fd, events, sizeof events) > 0) ;
}

enum svdown_result svdown_wait_down(char const *dir, tain const *deadline)
{
  char path[PATH_MAX];
  enum svdown_result result = SVDOWN_ERROR;
  int fd;
  if (strlen(dir) + sizeof "/" SVPATH_SUPERVISE > sizeof path) {
    errno = ENAMETOOLONG;
    return SVDOWN_ERROR;
  }
  strcpy(path, dir);
  strcat(path, "/" SVPATH_SUPERVISE);
  fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return SVDOWN_ERROR;
  /* The status file is replaced by a rename: IN_MOVED_TO. Watch first,
     then read, so a change between the two still wakes us. */
  if (inotify_add_watch(fd, path, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) goto out;
  for (;;) {
    iopause_fd x = { .fd = fd, .events = IOPAUSE_READ };
    if (is_down(dir)) {
      result = SVDOWN_DONE;
      break;
    }
    int r = iopause_g(&x, 1, deadline);
    if (r < 0 && errno != EINTR) break;
    if (r == 0) {
      result = SVDOWN_TIMEOUT;
      break;
    }
    if (r > 0) drain(fd);
  }
out:
  {
    int saved = errno;
    close(fd);
    errno = saved;
  }
  return result;
}

/* Only there to interrupt flock: no SA_RESTART. */
static void on_alarm(int sig)
{
  (void)sig;
}

static int lock_until(int fd, tain const *deadline)
{
  struct sigaction action = { .sa_handler = on_alarm }, previous;
  struct itimerval timer = { { 0, 0 }, { 0, 0 } }, off = { { 0, 0 }, { 0, 0 } };
  tain left;
  int r, ms;
  tain_now_g();
  if (!tain_less(&STAMP, deadline)) return flock(fd, LOCK_EX | LOCK_NB);
  tain_sub(&left, deadline, &STAMP);
  ms = tain_to_millisecs(&left);
  if (ms <= 0) return flock(fd, LOCK_EX | LOCK_NB);
  timer.it_value.tv_sec = ms / 1000;
  timer.it_value.tv_usec = (ms % 1000) * 1000 + 1;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGALRM, &action, &previous) < 0) return -1;
  setitimer(ITIMER_REAL, &timer, 0);
  r = flock(fd, LOCK_EX);
  int saved = errno;
  setitimer(ITIMER_REAL, &off, 0);
  sigaction(SIGALRM, &previous, 0);
  errno = saved;
  return r;
}

enum svdown_result svdown_wait_exit(char const *dir, tain const *deadline)
{
  char path[PATH_MAX];
  int fd, r;
  if (strlen(dir) + sizeof "/" SVPATH_LOCK > sizeof path) {
    errno = ENAMETOOLONG;
    return SVDOWN_ERROR;
  }
  strcpy(path, dir);
  strcat(path, "/" SVPATH_LOCK);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? SVDOWN_DONE : SVDOWN_ERROR;
  r = lock_until(fd, deadline);
  int saved = errno;
  close(fd);
  if (r == 0) return SVDOWN_DONE;
  errno = saved;
  return errno == EINTR || errno == EWOULDBLOCK ? SVDOWN_TIMEOUT : SVDOWN_ERROR;
}
