/* tcplisten PORT FILE: a test daemon that listens on 127.0.0.1:PORT (0: any
   free port) and writes "bound PORT PID PGID SID" to FILE.new, renamed to
   FILE; when the port is taken, "in-use PORT PID PGID SID" and exit 98.
   Then it waits for a signal. TCPLISTEN_IGNORE_TERM=1: SIGTERM is ignored
   (a helper that only SIGKILL ends). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int report(char const *file, char const *what, unsigned int port)
{
  char tmp[4096];
  FILE *out;
  snprintf(tmp, sizeof tmp, "%s.new", file);
  out = fopen(tmp, "w");
  if (!out) return -1;
  fprintf(out, "%s %u %d %d %d\n", what, port, (int)getpid(), (int)getpgid(0), (int)getsid(0));
  if (fclose(out) < 0) return -1;
  return rename(tmp, file);
}

int main(int argc, char **argv)
{
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  char const *ignore = getenv("TCPLISTEN_IGNORE_TERM");
  int fd, one = 1;
  if (argc != 3) return 100;
  if (ignore && !strcmp(ignore, "1")) signal(SIGTERM, SIG_IGN);
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 111;
  /* Only a listener may hold the port, not a TIME_WAIT of an old one. */
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(argv[1]));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    if (errno != EADDRINUSE) return 111;
    report(argv[2], "in-use", (unsigned int)atoi(argv[1]));
    return 98;
  }
  if (listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)&addr, &len) < 0) return 111;
  if (report(argv[2], "bound", ntohs(addr.sin_port)) < 0) return 111;
  for (;;) pause();
}
