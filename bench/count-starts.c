/* count-starts FIFO N TIMEOUT_MS: read N bytes from FIFO (one per service
   start, from probe-service), and print the milliseconds from our start
   until the Nth. Exits 99 on timeout, printing how many arrived. */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
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
  char buffer[4096];
  long long start = now_ms(), deadline;
  long count = 0, want;
  int fd;
  if (argc != 4) return 100;
  want = atol(argv[2]);
  deadline = start + atol(argv[3]);
  /* O_RDWR: the fifo never reads EOF between writers. */
  fd = open(argv[1], O_RDWR | O_NONBLOCK);
  if (fd < 0) return 111;
  while (count < want) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    long long left = deadline - now_ms();
    ssize_t len;
    if (left <= 0 || poll(&p, 1, (int)left) == 0) {
      printf("timeout after %ld of %ld\n", count, want);
      return 99;
    }
    len = read(fd, buffer, sizeof buffer);
    if (len > 0) count += len;
  }
  printf("%lld\n", now_ms() - start);
  return 0;
}
