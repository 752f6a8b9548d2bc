/* restart-latency DIR COUNT: kill -9 the service in DIR (run by any
   supervisor, with bench/probe-service as ./run) COUNT times, each time
   after it has been up over 1 s, and print one latency per line in
   microseconds: from the kill to the new process's start. Waits on inotify,
   bounded by a 10 s deadline per restart. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

/* s6-supervise and the others restart at once only when the service
   lived over 1 s; this measures that case. */
#define UP_BEFORE_KILL_MS 1100
#define RESTART_DEADLINE_MS 10000

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int read_started(char const *path, int *pid, long long *start_ns)
{
  FILE *in = fopen(path, "r");
  int ok;
  if (!in) return 0;
  ok = fscanf(in, "%d %lld", pid, start_ns) == 2;
  fclose(in);
  return ok;
}

/* Wait until DIR/started names a pid other than old_pid. */
static int wait_new(int inotify_fd, char const *path, int old_pid, int *pid, long long *start_ns)
{
  long long deadline = now_ns() + RESTART_DEADLINE_MS * 1000000LL;
  char events[4096];
  for (;;) {
    struct pollfd p = { .fd = inotify_fd, .events = POLLIN };
    long long left;
    if (read_started(path, pid, start_ns) && *pid != old_pid) return 1;
    left = (deadline - now_ns()) / 1000000;
    if (left <= 0) return 0;
    if (poll(&p, 1, (int)left) > 0) while (read(inotify_fd, events, sizeof events) > 0) ;
  }
}

int main(int argc, char **argv)
{
  char path[4096];
  int count, inotify_fd, pid = 0;
  long long start_ns;
  if (argc != 3) {
    fprintf(stderr, "usage: restart-latency DIR COUNT\n");
    return 100;
  }
  count = atoi(argv[2]);
  snprintf(path, sizeof path, "%s/started", argv[1]);
  inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0 || inotify_add_watch(inotify_fd, argv[1], IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    perror("restart-latency: inotify");
    return 111;
  }
  if (!wait_new(inotify_fd, path, 0, &pid, &start_ns)) {
    fprintf(stderr, "restart-latency: the service never started\n");
    return 111;
  }
  for (int i = 0; i < count; i++) {
    long long killed_at, wake = start_ns + UP_BEFORE_KILL_MS * 1000000LL;
    int old = pid;
    while (now_ns() < wake) {
      struct timespec ts = { 0, 10000000 };
      nanosleep(&ts, 0);
    }
    killed_at = now_ns();
    if (kill(old, SIGKILL) < 0) {
      perror("restart-latency: kill");
      return 111;
    }
    if (!wait_new(inotify_fd, path, old, &pid, &start_ns)) {
      fprintf(stderr, "restart-latency: no restart within %d ms\n", RESTART_DEADLINE_MS);
      return 99;
    }
    printf("%lld\n", (start_ns - killed_at) / 1000);
    fflush(stdout);
  }
  return 0;
}
