/* latency MODE DIR [CMD...]: one measurement on a service dir whose ./run is
   probe-service (it writes "PID START_NS" to DIR/started when it starts),
   under any supervisor. Prints microseconds.
     kill       kill -9 the service, time until its successor starts
     restart    run CMD (e.g. svc -t DIR), time until a new service starts
     down       run CMD (e.g. svc -d DIR), time until the service is gone
     up         run CMD (e.g. svc -u DIR), time until a service starts
   kill and restart first let the service live over 1 s: every supervisor
   restarts at once only then. Each wait is bounded (10 s: exit 99). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UP_BEFORE_KILL_MS 1100
#define DEADLINE_MS 10000

static char started_path[4096];
static int inotify_fd;

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int read_started(int *pid, long long *start_ns)
{
  FILE *in = fopen(started_path, "r");
  int ok;
  if (!in) return 0;
  ok = fscanf(in, "%d %lld", pid, start_ns) == 2;
  fclose(in);
  return ok;
}

/* Wait for a start by a pid other than old (0: any, even the current one). */
static int wait_start(int old, int *pid, long long *start_ns, long long deadline)
{
  char events[4096];
  for (;;) {
    struct pollfd p = { .fd = inotify_fd, .events = POLLIN };
    long long left;
    if (read_started(pid, start_ns) && *pid != old && kill(*pid, 0) == 0) return 1;
    left = (deadline - now_ns()) / 1000000;
    if (left <= 0) return 0;
    if (poll(&p, 1, (int)left) > 0) while (read(inotify_fd, events, sizeof events) > 0) ;
  }
}

static void run(char **argv)
{
  pid_t child = fork();
  if (child == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  if (child > 0) waitpid(child, 0, 0);
}

static void age(long long start_ns)
{
  while (now_ns() < start_ns + UP_BEFORE_KILL_MS * 1000000LL) {
    struct timespec ts = { 0, 5000000 };
    nanosleep(&ts, 0);
  }
}

int main(int argc, char **argv)
{
  char const *mode;
  int pid = 0, new_pid, pidfd;
  long long start_ns, t0, new_start;
  if (argc < 3 || (strcmp(argv[1], "kill") && argc < 4)) {
    fprintf(stderr, "usage: latency kill|restart|down|up DIR [CMD...]\n");
    return 100;
  }
  mode = argv[1];
  snprintf(started_path, sizeof started_path, "%s/started", argv[2]);
  inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd < 0 || inotify_add_watch(inotify_fd, argv[2], IN_MOVED_TO | IN_CLOSE_WRITE) < 0) return 111;
  if (!strcmp(mode, "up")) {
    read_started(&pid, &start_ns);
    t0 = now_ns();
    run(argv + 3);
    if (!wait_start(pid, &new_pid, &new_start, t0 + DEADLINE_MS * 1000000LL)) return 99;
    printf("%lld\n", (new_start - t0) / 1000);
    return 0;
  }
  if (!wait_start(0, &pid, &start_ns, now_ns() + DEADLINE_MS * 1000000LL)) return 99;
  if (strcmp(mode, "down")) age(start_ns);
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  t0 = now_ns();
  if (!strcmp(mode, "kill")) kill(pid, SIGKILL);
  else run(argv + 3);
  if (!strcmp(mode, "down")) {
    struct pollfd p = { .fd = pidfd, .events = POLLIN };
    if (pidfd < 0 || poll(&p, 1, DEADLINE_MS) <= 0) return 99;
    printf("%lld\n", (now_ns() - t0) / 1000);
    return 0;
  }
  if (!wait_start(pid, &new_pid, &new_start, t0 + DEADLINE_MS * 1000000LL)) return 99;
  printf("%lld\n", (new_start - t0) / 1000);
  return 0;
}
