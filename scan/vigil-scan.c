/* vigil-scan: the service monitor. One vigil-supervise per service dir of
   DIR, a second one per DIR/NAME/log, and the pipe between them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "daemon.h"
#include "exitcode.h"
#include "spawn.h"
#include "deadline.h"
#include "scan.h"

#define USAGE "vigil-scan [ -t RESCAN_MS ] [ -g GRACE_MS ] DIR"
#define SUPERVISOR_NAME "vigil-supervise"
/* Room for the pipes of 100,000 logged services. */
#define FD_LIMIT_WANTED 262144
/* What the scan dir's watch reports: entries coming, going, renamed; and its own end. */
#define WATCH_DIR (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

char const *PROG = "vigil-scan";
struct scan_state scan = { .dir_watch = -1, .inotify_fd = -1 };
static int selfpipe_fd;

static int executable(char const *path)
{
  struct stat st;
  return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* $VIGIL_SUPERVISE, else beside our own binary, else in $PATH. Found once:
   a spawn must not search. */
static char const *find_supervisor(void)
{
  static char path[PATH_MAX];
  char const *env = getenv("VIGIL_SUPERVISE");
  char const *search = getenv("PATH");
  ssize_t len;
  if (env && *env) return env;
  len = readlink("/proc/self/exe", path, sizeof path - sizeof SUPERVISOR_NAME - 1);
  if (len > 0) {
    char *slash;
    path[len] = 0;
    slash = strrchr(path, '/');
    if (slash) {
      strcpy(slash + 1, SUPERVISOR_NAME);
      if (executable(path)) return path;
    }
  }
  while (search && *search) {
    size_t dirlen = strcspn(search, ":");
    if (dirlen && dirlen + sizeof SUPERVISOR_NAME + 1 < sizeof path) {
      memcpy(path, search, dirlen);
      path[dirlen] = '/';
      strcpy(path + dirlen + 1, SUPERVISOR_NAME);
      if (executable(path)) return path;
    }
    search += dirlen + (search[dirlen] == ':');
  }
  strerr_dief(VIGIL_EXIT_SYSTEM, "unable to find ", SUPERVISOR_NAME, " beside vigil-scan or in PATH");
}

/* Two fds per logged service: take what the hard limit allows, and as
   root raise the hard limit too. Children get the limit we started with. */
static void raise_fd_limit(void)
{
  struct rlimit original, limit;
  char nr_open[32];
  unsigned long kernel_max = 0;
  ssize_t len;
  if (getrlimit(RLIMIT_NOFILE, &original) < 0) return;
  spawn_set_child_fd_limit(&original);
  limit = original;
  len = openreadnclose("/proc/sys/fs/nr_open", nr_open, sizeof nr_open - 1);
  if (len > 0) {
    nr_open[len] = 0;
    ulong_scan(nr_open, &kernel_max);
  }
  if (kernel_max > FD_LIMIT_WANTED) kernel_max = FD_LIMIT_WANTED;
  if (kernel_max > limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max = kernel_max;
    if (!setrlimit(RLIMIT_NOFILE, &limit)) return;
    limit = original;
  }
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

/* Without a watch on DIR, changes are seen by rescans every second. */
static void watch_dir(void)
{
  scan.dir_watch = inotify_add_watch(scan.inotify_fd, ".", WATCH_DIR);
  if (scan.dir_watch < 0 && !scan.dir_watch_warned)
    strerr_warnwusys("watch ", scan.dir, " (rescanning every second instead)");
  scan.dir_watch_warned = scan.dir_watch < 0;
}

void scan_schedule_rescan(void)
{
  unsigned int ms = scan.dir_gone || scan.dir_watch < 0 ? DEGRADED_RESCAN_MS : scan.rescan_ms;
  scan.has_next_rescan = ms > 0 && !scan.stopping;
  if (!scan.has_next_rescan) return;
  deadline_in_ms(&scan.next_rescan, ms);
}

/* A periodic rescan, a look for DIR's return, or a retry of its watch. */
static void rescan(void)
{
  if (scan.dir_gone) {
    if (chdir(scan.dir_path) < 0) {
      scan_schedule_rescan();
      return;
    }
    strerr_warnw(scan.dir, " is back: rescanning");
    scan.dir_gone = false;
  }
  if (scan.dir_watch < 0) watch_dir();
  scan_schedule_rescan();
  scan_full();
}

static void begin_stopping(void)
{
  if (scan.stopping) return;
  scan.stopping = true;
  scan.has_next_rescan = false;
  if (scan.dir_watch >= 0) inotify_rm_watch(scan.inotify_fd, scan.dir_watch);
  scan.dir_watch = -1;
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++)
    if (scan.table.services[slot].kind != SERVICE_FREE) service_remove(slot);
}

static void handle_signals(void)
{
  int sig;
  while ((sig = selfpipe_read()) > 0) {
    switch (sig) {
      case SIGCHLD:
        service_reap();
        break;
      case SIGHUP:
      case SIGALRM:
        if (!scan.stopping) rescan();
        break;
      default: /* SIGTERM, SIGINT */
        begin_stopping();
        break;
    }
  }
  if (sig < 0) strerr_warnwusys("read the selfpipe");
}

static void loop(void)
{
  for (;;) {
    iopause_fd fds[2] = {
      { .fd = selfpipe_fd, .events = IOPAUSE_READ },
      { .fd = scan.inotify_fd, .events = IOPAUSE_READ },
    };
    tain deadline, table_deadline;
    int r;
    if (scan.stopping && !scan.table.count) _exit(VIGIL_EXIT_OK);
    deadline = tain_infinite;
    if (scan.has_next_rescan) deadline = scan.next_rescan;
    if (scan_table_earliest(&scan.table, &table_deadline) && tain_less(&table_deadline, &deadline))
      deadline = table_deadline;
    r = iopause_g(fds, 2, &deadline);
    if (r < 0) {
      if (errno != EINTR) strerr_warnwusys("iopause");
      continue;
    }
    if (fds[0].revents & IOPAUSE_READ) handle_signals();
    if (fds[1].revents & IOPAUSE_READ && !scan.stopping) scan_inotify_events();
    if (scan.has_next_rescan && !tain_future(&scan.next_rescan)) rescan();
    service_deadlines();
  }
}

static char *absolute(char const *dir)
{
  char cwd[PATH_MAX];
  char *path;
  if (dir[0] == '/') return strdup(dir);
  if (!getcwd(cwd, sizeof cwd)) return 0;
  path = malloc(strlen(cwd) + 1 + strlen(dir) + 1);
  if (path) {
    strcpy(path, cwd);
    strcat(path, "/");
    strcat(path, dir);
  }
  return path;
}

static void setup(void)
{
  static int const trapped[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM, 0 };
  daemon_sane_fds();
  scan.supervisor = find_supervisor();
  scan.dir_path = absolute(scan.dir);
  if (!scan.dir_path) strerr_diefusys(VIGIL_EXIT_SYSTEM, "resolve ", scan.dir);
  if (chdir(scan.dir) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "chdir to ", scan.dir);
  raise_fd_limit();
  /* What we send supervisors waits until they have trapped it. */
  spawn_set_child_blocked(1ULL << (SIGTERM - 1) | 1ULL << (SIGHUP - 1) | 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGINT - 1));
  /* Orphans (a service whose supervisor was killed) come to us, and we reap them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  selfpipe_fd = daemon_trap(trapped);
  scan.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (scan.inotify_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "inotify_init1");
  scan_table_init(&scan.table);
}

int main(int argc, char const *const *argv)
{
  subgetopt options = SUBGETOPT_ZERO;
  scan.grace_ms = GRACE_DEFAULT_MS;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "t:g:", &options);
    if (opt == -1) break;
    switch (opt) {
      case 't': if (!uint0_scan(options.arg, &scan.rescan_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'g': if (!uint0_scan(options.arg, &scan.grace_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  if (argc - options.ind != 1 || !argv[options.ind][0]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  scan.dir = argv[options.ind];
  setup();
  watch_dir();
  scan_schedule_rescan();
  scan_full();
  loop();
}
