/* probe-service: a service for benchmarks. Installed as a service dir's
   ./run itself (no shell in between), it writes "PID START_NS" to
   ./started.new, renames it to ./started (CLOCK_MONOTONIC at its start),
   writes one byte to the fifo $PROBE_NOTIFY if set (so a benchmark can
   count thousands of starts without polling), then waits for a signal;
   or, when the service dir holds a file probe-lifetime-ms, exits 0 that
   many milliseconds after its start (a service that ends by itself, for
   restarts nobody asks for). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
  struct timespec ts;
  FILE *out;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  out = fopen("started.new", "w");
  if (!out) return 111;
  fprintf(out, "%d %lld\n", (int)getpid(), (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
  if (fclose(out) != 0 || rename("started.new", "started") != 0) return 111;
  if (getenv("PROBE_NOTIFY")) {
    int fd = open(getenv("PROBE_NOTIFY"), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "u", 1) != 1) return 111;
    close(fd);
  }
  out = fopen("probe-lifetime-ms", "r");
  if (out) {
    long ms = 0;
    struct timespec rest;
    if (fscanf(out, "%ld", &ms) != 1 || ms < 0) return 100;
    fclose(out);
    rest.tv_sec = ms / 1000;
    rest.tv_nsec = ms % 1000 * 1000000L;
    while (nanosleep(&rest, &rest) < 0) {}
    return 0;
  }
  for (;;) pause();
}
