/* chaos-driver DIR SERVICES SECONDS SEED SCANNER_PID: the driver of
   bench/chaos. A vigil-scan (SCANNER_PID) runs on DIR/sv with services s0 ... s(SERVICES-1), each a chaos-writer
   (argv: DIR/state/sN) logged by vigil-log (argv: DIR/logs/sN), each dir
   also kept as DIR/template/sN. For SECONDS, every 50 to 250 ms, one
   random service gets one of: SIGKILL to its supervisor, to its logger's
   supervisor, to its writer, to its logger; svc -t of it or of its
   logger; its dir renamed to .sN and back 0 to 3 s later; its dir removed
   (rm -rf) and a fresh copy of the template renamed in 0 to 3 s later;
   SIGKILL to both its supervisors and at once the rename or the removal
   (what they left running must then be stopped by the scanner).
   Meanwhile, every 50 ms, the scanner's process tree is read (its
   children, and theirs: a service whose supervisor died is the
   scanner's, which is their subreaper): two live writers of one service
   at once are a double run. Only processes under the scanner are looked
   at or signalled. At the end every dir is put back. Prints one line of
   counts; writes DIR/logger-kills ("sN COUNT" a line) and DIR/doubles
   (one line per double run seen: service, pids, the service's last
   action and how long before). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SERVICES 1000
#define MAX_PIDS 4
#define SAMPLE_MS 50

enum action { KILL_SUPERVISOR, KILL_LOG_SUPERVISOR, KILL_WRITER, KILL_LOGGER, SVC_T, SVC_T_LOG, HIDE, REMOVE,
              KILL_HIDE, KILL_REMOVE, ACTIONS };
static char const *const action_names[ACTIONS] = {
  "kill_supervisor", "kill_log_supervisor", "kill_writer", "kill_logger", "svc_t", "svc_t_log", "hide", "remove",
  "kill_both_supervisors_then_hide", "kill_both_supervisors_then_remove"
};

struct service {
  pid_t supervisor, log_supervisor;
  pid_t writers[MAX_PIDS];
  int writer_count;
  pid_t logger;
  enum action away;         /* HIDE or REMOVE while away, else ACTIONS */
  long long back_at;
  enum action last;
  long long last_at;
  int logger_kills;
  pid_t double_a, double_b; /* the last double run counted */
};

static char const *dir;
static int services;
static pid_t scanner;
static struct service table[MAX_SERVICES];
static long long action_counts[ACTIONS], samples, doubles, double_samples, worst;
static FILE *doubles_file;

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* /proc/PID/cmdline with NULs as they are; its length, or -1. */
static ssize_t read_proc(pid_t pid, char const *what, char *buf, size_t size)
{
  char path[64];
  ssize_t len;
  int fd;
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  len = read(fd, buf, size - 1);
  close(fd);
  if (len >= 0) buf[len] = 0;
  return len;
}

static int zombie(pid_t pid)
{
  char buf[512], *p;
  if (read_proc(pid, "stat", buf, sizeof buf) <= 0) return 1;
  p = strrchr(buf, ')');
  return !p || p[2] == 'Z' || p[2] == 'X';
}

/* "sN" or "DIR/x/sN": N, if it is one of ours, else -1. */
static int service_number(char const *arg, char const *prefix, char const *suffix)
{
  size_t plen = strlen(prefix);
  char *end;
  long n;
  if (strncmp(arg, prefix, plen) || arg[plen] != 's') return -1;
  n = strtol(arg + plen + 1, &end, 10);
  if (end == arg + plen + 1 || strcmp(end, suffix) || n < 0 || n >= services) return -1;
  return (int)n;
}

static char state_prefix[4096], logs_prefix[4096];

/* One of the tree: a supervisor of ours (returns 1: look at its children
   too), a writer or a logger (noted), or something else. */
static int classify(pid_t pid)
{
  char cmd[4096], *arg0, *arg1;
  ssize_t len = read_proc(pid, "cmdline", cmd, sizeof cmd);
  size_t n0;
  int n;
  if (len <= 0) return 0;
  arg0 = cmd;
  n0 = strlen(arg0);
  if ((ssize_t)n0 + 1 >= len) return 0;
  arg1 = cmd + n0 + 1;
  if (n0 >= 15 && !strcmp(arg0 + n0 - 15, "vigil-supervise")) {
    if ((n = service_number(arg1, "", "")) >= 0) table[n].supervisor = pid;
    else if ((n = service_number(arg1, "", "/log")) >= 0) table[n].log_supervisor = pid;
    else return 0;
    return 1;
  }
  if (n0 >= 12 && !strcmp(arg0 + n0 - 12, "chaos-writer") && (n = service_number(arg1, state_prefix, "")) >= 0) {
    if (!zombie(pid) && table[n].writer_count < MAX_PIDS) table[n].writers[table[n].writer_count++] = pid;
    return 0;
  }
  if (n0 >= 9 && !strcmp(arg0 + n0 - 9, "vigil-log")) {
    /* vigil-log [options] DIR: the last argument. */
    char *last = arg1;
    for (char *p = arg1; p < cmd + len; p += strlen(p) + 1) last = p;
    if ((n = service_number(last, logs_prefix, "")) >= 0 && !zombie(pid)) table[n].logger = pid;
  }
  return 0;
}

static void children(pid_t pid, int depth)
{
  char path[64], buf[65536];
  ssize_t len;
  snprintf(path, sizeof path, "task/%d/children", (int)pid);
  len = read_proc(pid, path, buf, sizeof buf);
  if (len <= 0) return;
  for (char *p = buf; *p;) {
    char *end;
    long child = strtol(p, &end, 10);
    if (end == p) break;
    p = end;
    while (*p == ' ') p++;
    if (classify((pid_t)child) && depth == 0) children((pid_t)child, 1);
  }
}

static void sample(long long now)
{
  for (int i = 0; i < services; i++) {
    table[i].supervisor = table[i].log_supervisor = table[i].logger = 0;
    table[i].writer_count = 0;
  }
  children(scanner, 0);
  samples++;
  for (int i = 0; i < services; i++) {
    struct service *s = &table[i];
    pid_t a, b;
    if (s->writer_count < 2) continue;
    double_samples++;
    if (s->writer_count > worst) worst = s->writer_count;
    a = s->writers[0] < s->writers[1] ? s->writers[0] : s->writers[1];
    b = s->writers[0] < s->writers[1] ? s->writers[1] : s->writers[0];
    if (a == s->double_a && b == s->double_b) continue;
    s->double_a = a, s->double_b = b;
    doubles++;
    fprintf(doubles_file, "s%d pids %d %d, %d live; last action %s %lld ms before\n", i, (int)a, (int)b,
            s->writer_count, action_names[s->last], now - s->last_at);
    fflush(doubles_file);
  }
}

static void run(char *const argv[])
{
  pid_t pid = fork();
  int status;
  if (pid < 0) return;
  if (!pid) {
    execvp(argv[0], argv);
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}

static void path_of(char *out, size_t size, char const *sub, char const *name, int i)
{
  snprintf(out, size, "%s/%s/%s%d", dir, sub, name, i);
}

static void bring_back(int i)
{
  char live[4096], away[4096], fresh[4096], template[4096];
  struct service *s = &table[i];
  path_of(live, sizeof live, "sv", "s", i);
  if (s->away == HIDE) {
    path_of(away, sizeof away, "sv", ".s", i);
    if (rename(away, live) < 0) fprintf(stderr, "chaos: unable to rename %s back: %s\n", away, strerror(errno));
  } else if (s->away == REMOVE) {
    path_of(fresh, sizeof fresh, "sv", ".new-s", i);
    path_of(template, sizeof template, "template", "s", i);
    run((char *[]){ "rm", "-rf", fresh, 0 });
    run((char *[]){ "cp", "-a", template, fresh, 0 });
    if (rename(fresh, live) < 0) fprintf(stderr, "chaos: unable to rename %s in: %s\n", fresh, strerror(errno));
  }
  s->away = ACTIONS;
}

static void act(int i, enum action action, long long now)
{
  char live[4096], away[4096], log[4200];
  struct stat st;
  struct service *s = &table[i];
  path_of(live, sizeof live, "sv", "s", i);
  switch (action) {
    case KILL_SUPERVISOR:
      if (!s->supervisor) return;
      kill(s->supervisor, SIGKILL);
      break;
    case KILL_LOG_SUPERVISOR:
      if (!s->log_supervisor) return;
      kill(s->log_supervisor, SIGKILL);
      break;
    case KILL_WRITER:
      if (!s->writer_count) return;
      kill(s->writers[0], SIGKILL);
      break;
    case KILL_LOGGER:
      if (!s->logger) return;
      kill(s->logger, SIGKILL);
      s->logger_kills++;
      break;
    case SVC_T: run((char *[]){ "svc", "-t", live, 0 }); break;
    case SVC_T_LOG:
      snprintf(log, sizeof log, "%s/log", live);
      run((char *[]){ "svc", "-t", log, 0 });
      break;
    case KILL_HIDE:
    case KILL_REMOVE:
      /* The dir goes before a new supervisor can adopt what the dead
         ones left: the scanner must stop those itself. */
      if (s->supervisor) kill(s->supervisor, SIGKILL);
      if (s->log_supervisor) kill(s->log_supervisor, SIGKILL);
      act(i, action == KILL_HIDE ? HIDE : REMOVE, now);
      if (s->away == ACTIONS) return;
      action_counts[action == KILL_HIDE ? HIDE : REMOVE]--;
      break;
    case HIDE:
      path_of(away, sizeof away, "sv", ".s", i);
      if (rename(live, away) < 0) return;
      s->away = HIDE;
      s->back_at = now + rand() % 3000;
      break;
    case REMOVE:
      run((char *[]){ "rm", "-rf", live, 0 });
      /* A supervisor writing into it as it goes may leave some: again. */
      for (int tries = 0; tries < 10 && lstat(live, &st) == 0; tries++) run((char *[]){ "rm", "-rf", live, 0 });
      s->away = REMOVE;
      s->back_at = now + rand() % 3000;
      break;
    case ACTIONS: return;
  }
  s->last = action;
  s->last_at = now;
  action_counts[action]++;
}

int main(int argc, char **argv)
{
  char path[4096];
  long long start, end, next_sample, next_action, now;
  FILE *kills;
  if (argc != 6) {
    fprintf(stderr, "usage: chaos-driver DIR SERVICES SECONDS SEED SCANNER_PID\n");
    return 100;
  }
  dir = argv[1];
  services = atoi(argv[2]);
  if (services < 1 || services > MAX_SERVICES) return 100;
  srand((unsigned int)atoi(argv[4]));
  scanner = (pid_t)atoi(argv[5]);
  snprintf(state_prefix, sizeof state_prefix, "%s/state/", dir);
  snprintf(logs_prefix, sizeof logs_prefix, "%s/logs/", dir);
  snprintf(path, sizeof path, "%s/doubles", dir);
  doubles_file = fopen(path, "w");
  if (!doubles_file) return 111;
  for (int i = 0; i < services; i++) table[i].away = table[i].last = ACTIONS;
  start = now_ms();
  end = start + atoll(argv[3]) * 1000;
  next_sample = next_action = start;
  while ((now = now_ms()) < end) {
    struct timespec pause;
    long long wake;
    if (now >= next_sample) {
      sample(now);
      next_sample = now + SAMPLE_MS;
    }
    for (int i = 0; i < services; i++)
      if (table[i].away != ACTIONS && table[i].back_at <= now) bring_back(i);
    if (now >= next_action) {
      int i = rand() % services;
      if (table[i].away == ACTIONS) act(i, (enum action)(rand() % ACTIONS), now);
      next_action = now + 50 + rand() % 200;
    }
    wake = next_sample < next_action ? next_sample : next_action;
    now = now_ms();
    if (wake > now) {
      pause.tv_sec = (wake - now) / 1000;
      pause.tv_nsec = (wake - now) % 1000 * 1000000L;
      nanosleep(&pause, 0);
    }
  }
  for (int i = 0; i < services; i++)
    if (table[i].away != ACTIONS) bring_back(i);
  snprintf(path, sizeof path, "%s/logger-kills", dir);
  kills = fopen(path, "w");
  if (!kills) return 111;
  for (int i = 0; i < services; i++) fprintf(kills, "s%d %d\n", i, table[i].logger_kills);
  fclose(kills);
  fclose(doubles_file);
  printf("seconds=%s samples=%lld", argv[3], samples);
  for (int a = 0; a < ACTIONS; a++) printf(" %s=%lld", action_names[a], action_counts[a]);
  printf(" double_runs=%lld double_run_samples=%lld most_at_once=%lld\n", doubles, double_samples, worst);
  return 0;
}
