/* stop-wait PID TIMEOUT_MS: send SIGTERM to PID (any process of ours to
   signal, not only a child) and print the milliseconds until it has
   exited, seen through a pidfd: no polling. Exits 99 on timeout, printing
   "timeout", 111 if PID cannot be watched or signalled. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
  long long start, deadline;
  pid_t pid;
  int fd;
  if (argc != 3) return 100;
  pid = (pid_t)atol(argv[1]);
  fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) {
    perror("stop-wait: pidfd_open");
    return 111;
  }
  start = now_ms();
  deadline = start + atol(argv[2]);
  if (kill(pid, SIGTERM) < 0) {
    perror("stop-wait: kill");
    return 111;
  }
  for (;;) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    long long left = deadline - now_ms();
    int r;
    if (left <= 0) break;
    r = poll(&p, 1, (int)left);
    if (r > 0) {
      printf("%lld\n", now_ms() - start);
      return 0;
    }
    if (r == 0) break;
  }
  printf("timeout\n");
  return 99;
}
