/* sdnotify-send [-n COUNT] [-s SIZE] [-w MS] MESSAGE: sends MESSAGE (or,
   with -s, SIZE bytes of "STATUS=xxx...") COUNT times to $NOTIFY_SOCKET,
   as sd_notify(3) does: one datagram each; with -w, lingers MS
   milliseconds after (so that the sender can be looked up). Exits 0 once
   all are sent, 111 on an error, 100 without NOTIFY_SOCKET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char const *path = getenv("NOTIFY_SOCKET");
  unsigned long count = 1, size = 0, linger_ms = 0;
  char *message;
  size_t len;
  int opt, fd;
  while ((opt = getopt(argc, argv, "n:s:w:")) != -1) {
    if (opt == 'n') count = strtoul(optarg, 0, 10);
    else if (opt == 's') size = strtoul(optarg, 0, 10);
    else if (opt == 'w') linger_ms = strtoul(optarg, 0, 10);
    else return 100;
  }
  if (!path || strlen(path) >= sizeof addr.sun_path) { fprintf(stderr, "sdnotify-send: no NOTIFY_SOCKET\n"); return 100; }
  if (size) {
    message = malloc(size);
    if (!message) return 111;
    memset(message, 'x', size);
    memcpy(message, "STATUS=", size < 7 ? size : 7);
    len = size;
  } else {
    if (optind >= argc) return 100;
    message = argv[optind];
    len = strlen(message);
  }
  strcpy(addr.sun_path, path);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) { perror("sdnotify-send: socket"); return 111; }
  for (unsigned long i = 0; i < count; i++)
    if (sendto(fd, message, len, 0, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("sdnotify-send: sendto"); return 111; }
  if (linger_ms) usleep(linger_ms * 1000);
  return 0;
}
