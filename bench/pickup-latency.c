/* pickup-latency SCANDIR COUNT [TRIGGER...]: COUNT times, populate
   SCANDIR/.pickN with probe-service as ./run, rename it to SCANDIR/pickN
   (the atomic way), run TRIGGER if given (e.g. s6-svscanctl -a SCANDIR),
   and print the microseconds from the rename to the service's start. Each
   wait is bounded (10 s, then "timeout"). $PROBE is the probe-service path. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Each wait is bounded; $PICKUP_DEADLINE_MS may shorten it. */
#define PICKUP_DEADLINE_MS 10000

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int copy(char const *from, char const *to)
{
  char buffer[65536];
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  size_t len;
  if (!in || !out) return -1;
  while ((len = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, len, out);
  fclose(in);
  return fclose(out) | chmod(to, 0755);
}

int main(int argc, char **argv)
{
  char const *probe = getenv("PROBE");
  long long deadline_ms = PICKUP_DEADLINE_MS;
  int count;
  if (argc < 3 || !probe) {
    fprintf(stderr, "usage: PROBE=path pickup-latency SCANDIR COUNT [TRIGGER...]\n");
    return 100;
  }
  count = atoi(argv[2]);
  if (getenv("PICKUP_DEADLINE_MS")) deadline_ms = atoll(getenv("PICKUP_DEADLINE_MS"));
  for (int i = 0; i < count; i++) {
    char hidden[4096], visible[4096], run[4200], started[4200];
    char events[4096];
    long long renamed_at, deadline;
    int inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC), found = 0;
    FILE *in;
    long long start_ns = 0;
    int pid;
    snprintf(hidden, sizeof hidden, "%s/.pick%d", argv[1], i);
    snprintf(visible, sizeof visible, "%s/pick%d", argv[1], i);
    snprintf(run, sizeof run, "%s/run", hidden);
    if (mkdir(hidden, 0755) < 0 || copy(probe, run) < 0) { perror("pickup-latency: prepare"); return 111; }
    /* Watch the dir before it becomes visible: the start cannot be missed. */
    if (inotify_add_watch(inotify_fd, hidden, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) { perror("pickup-latency: inotify"); return 111; }
    renamed_at = now_ns();
    if (rename(hidden, visible) < 0) { perror("pickup-latency: rename"); return 111; }
    if (argc > 3 && fork() == 0) {
      execvp(argv[3], argv + 3);
      _exit(127);
    }
    snprintf(started, sizeof started, "%s/started", visible);
    deadline = renamed_at + deadline_ms * 1000000LL;
    while (!found) {
      struct pollfd p = { .fd = inotify_fd, .events = POLLIN };
      long long left = (deadline - now_ns()) / 1000000;
      in = fopen(started, "r");
      if (in) {
        found = fscanf(in, "%d %lld", &pid, &start_ns) == 2;
        fclose(in);
        if (found) break;
      }
      if (left <= 0) break;
      if (poll(&p, 1, (int)left) > 0) while (read(inotify_fd, events, sizeof events) > 0) ;
    }
    while (waitpid(-1, 0, WNOHANG) > 0) ;
    close(inotify_fd);
    if (found) printf("%lld\n", (start_ns - renamed_at) / 1000);
    else printf("timeout\n");
    fflush(stdout);
  }
  return 0;
}
