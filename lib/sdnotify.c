/* sd_notify(3)'s sending side, for a container's PID 1. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "sdnotify.h"

int sdnotify_take(char *buf)
{
  char const *path = getenv("NOTIFY_SOCKET");
  size_t len = path ? strlen(path) : 0;
  buf[0] = 0;
  if (!len) {
    unsetenv("NOTIFY_SOCKET");
    return 0;
  }
  if (len >= SDNOTIFY_PATH_MAX) {
    strerr_warnw("ignoring NOTIFY_SOCKET: longer than a socket address can be");
    unsetenv("NOTIFY_SOCKET");
    return -1;
  }
  memcpy(buf, path, len + 1);
  unsetenv("NOTIFY_SOCKET");
  return 1;
}

int sdnotify_send(char const *path, char const *message)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t len = strlen(path);
  socklen_t addrlen;
  ssize_t sent;
  int fd, e;
  if (!len || len >= sizeof addr.sun_path) return (errno = ENAMETOOLONG, -1);
  memcpy(addr.sun_path, path, len);
  /* systemd's convention: a leading @ names an abstract socket. */
  if (path[0] == '@') addr.sun_path[0] = 0;
  addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] != '@'));
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sent = sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&addr, addrlen);
  e = errno;
  close(fd);
  errno = e;
  return sent < 0 ? -1 : 0;
}
