/* probe-service: a service for benchmarks. Installed as a service dir's
   ./run itself (no shell in between), it writes "PID START_NS" to
   ./started.new, renames it to ./started (CLOCK_MONOTONIC at its start),
   then waits for a signal. */
#include <stdio.h>
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
  for (;;) pause();
}
