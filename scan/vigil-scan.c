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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "daemon.h"
#include "diagout.h"
#include "exitcode.h"
#include "findprog.h"
#include "pidns.h"
#include "svdir.h"
#include "svpaths.h"
#include "sdnotify.h"
#include "spawn.h"
#include "scan.h"
#include "scan-cgroup.h"

#define USAGE "vigil-scan [ -t RESCAN_MS ] [ -g GRACE_MS ] [ -k STOP_DEADLINE_MS ] [ -d NOTIFY_FD ] [ -r ROLE ] [ -m MAIN_PID ] DIR"
#define SUPERVISOR_NAME "vigil-supervise"
#define SHUTDOWN_NAME "vigil-shutdown"
#define RC_SHUTDOWN_NAME "rc.shutdown"
/* Room for the pipes of 100,000 logged services. */
#define FD_LIMIT_WANTED 262144

char const *PROG = "vigil-scan";
static int selfpipe_fd;

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

static void handle_signals(void)
{
  int sig;
  while ((sig = daemon_signal_read(selfpipe_fd)) > 0) scan_on_signal(sig);
  if (sig < 0) strerr_warnwusys("read the signal fd");
}

/* One wait for everything: signals, inotify, the earliest deadline. */
static void loop(void)
{
  for (;;) {
    iopause_fd fds[2] = {
      { .fd = selfpipe_fd, .events = IOPAUSE_READ },
      { .fd = scan.inotify_fd, .events = IOPAUSE_READ },
    };
    unsigned int nfds = scan.inotify_fd >= 0 ? 2 : 1;
    tain deadline;
    int r;
    /* What the last round changed may end a phase of the stop. */
    scan_stop_progress();
    if (!scan_earliest(&deadline)) deadline = tain_infinite;
    r = iopause_g(fds, nfds, &deadline);
    if (r < 0) {
      /* ENOMEM and the like pass: a second's back-off, not a spin. */
      if (errno != EINTR) {
        struct timespec back_off = { .tv_sec = 1 };
        strerr_warnwusys("iopause: retrying in a second");
        nanosleep(&back_off, 0);
      }
      continue;
    }
    if (fds[0].revents & IOPAUSE_READ) handle_signals();
    if (nfds == 2 && scan.inotify_fd >= 0 && fds[1].revents & IOPAUSE_READ) scan_inotify_events();
    scan_on_time();
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

/* Paths kept for the scanner's life are copied to the heap at their
   length: PATH_MAX-sized static buffers would be pages of PID 1's
   memory for a few dozen bytes each. 0 when out of memory. */
static char const *keep(char const *path)
{
  return path ? strdup(path) : 0;
}

/* rc.shutdown runs only on a machine's stop, where the distro put it.
   path is scratch room, as are find_force_flag's and findprog's. */
static char const *find_rc_shutdown(char path[PATH_MAX])
{
  if (svpath_join(path, svpath_env_dir("VIGIL_CONFDIR", VIGIL_CONFDIR_DEFAULT), RC_SHUTDOWN_NAME) < 0) return 0;
  return svdir_executable(AT_FDCWD, path) ? keep(path) : 0;
}

/* vigil-shutdown -f writes it before its signal. */
static char const *find_force_flag(char path[PATH_MAX])
{
  if (svpath_join(path, svpath_env_dir("VIGIL_RUNDIR", VIGIL_RUNDIR_DEFAULT), VIGIL_FORCE_FLAG) < 0) return 0;
  return keep(path);
}

/* A setup failure. PID 1 of a machine must not exit (the kernel would
   panic): vigil-init takes it back and gives the rescue shell, told why. */
static void __attribute__((noreturn)) setup_failed(char const *what, char const *object, int error)
{
  char init[PATH_MAX];
  char told[PATH_MAX + 128];
  char const *argv[2] = { 0, 0 };
  char const *reason = error ? strerror(error) : "";
  char const *sep = error ? ": " : "";
  if (!object) object = "";
  if (scan.role != ROLE_MACHINE || getpid() != 1)
    strerr_dief(VIGIL_EXIT_SYSTEM, what, object, sep, reason);
  strerr_warnw(what, object, sep, reason, ": back to vigil-init's rescue");
  /* vigil-init's rescue banner says what failed, the object included. */
  {
    size_t a = strlen(what), b = strlen(object);
    if (a >= sizeof told) a = sizeof told - 1;
    if (b >= sizeof told - a) b = sizeof told - a - 1;
    memcpy(told, what, a);
    memcpy(told + a, object, b);
    told[a + b] = 0;
  }
  setenv(VIGIL_SCAN_FAILED_VAR, told, 1);
  argv[0] = findprog("vigil-init", "VIGIL_INIT", init);
  diagout_handover();
  if (argv[0]) execv(argv[0], (char *const *)argv);
  diagout_handover_failed();
  strerr_warnwusys("exec vigil-init: staying as PID 1 and reaping");
  for (;;) if (wait(0) < 0 && errno == ECHILD) pause();
}

static void find_programs(void)
{
  char path[PATH_MAX];
  scan.supervisor = keep(findprog(SUPERVISOR_NAME, "VIGIL_SUPERVISE", path));
  if (!scan.supervisor) setup_failed("unable to find " SUPERVISOR_NAME " beside vigil-scan or in PATH", 0, 0);
  if (scan.role != ROLE_MACHINE) return;
  scan.shutdown = keep(findprog(SHUTDOWN_NAME, "VIGIL_SHUTDOWN", path));
  /* PID 1 must come up all the same: the stop will say what is missing. */
  if (!scan.shutdown) {
    strerr_warnw("unable to find ", SHUTDOWN_NAME, " beside vigil-scan or in PATH: a stop cannot end cleanly");
    scan.shutdown = SHUTDOWN_NAME;
  }
  scan.rc_shutdown = find_rc_shutdown(path);
  scan.force_flag = find_force_flag(path);
}

static enum scan_role detect_role(void)
{
  if (getpid() != 1) return ROLE_DAEMON;
  return pidns_kind() == PIDNS_CHILD ? ROLE_CONTAINER : ROLE_MACHINE;
}

/* PID 1 of the machine's own namespace is the machine's, whatever -r
   says: any other role exits when it stops, and the kernel panics. */
static enum scan_role settle_role(enum scan_role asked)
{
  /* The machine's stop runs rc.shutdown and ends in vigil-shutdown
     --final: started by hand on a live system, it is a mistake. */
  if (asked == ROLE_MACHINE && getpid() != 1)
    strerr_dief(VIGIL_EXIT_USAGE, "not PID 1: -r machine is the system's init (run it as PID 1 of a PID namespace to test it)");
  if (asked == ROLE_MACHINE || getpid() != 1 || pidns_kind() != PIDNS_INITIAL) return asked;
  strerr_warnw("ignoring -r ", asked == ROLE_CONTAINER ? "container" : "daemon", ": PID 1 of the machine is a machine");
  return ROLE_MACHINE;
}

static void setup(void)
{
  daemon_sane_fds();
  /* PID 1 never blocks on a console nobody reads (nor a supervisor: see
     vigil-supervise); the services keep fd 2 as it was, blocking. */
  diagout_init();
  find_programs();
  scan.dir_path = absolute(scan.dir);
  if (!scan.dir_path) setup_failed("unable to resolve the scan dir ", scan.dir, errno);
  if (chdir(scan.dir) < 0) setup_failed("unable to chdir to the scan dir ", scan.dir, errno);
  raise_fd_limit();
  scan_cgroup_setup(scan.role);
  /* What we send supervisors waits until they have trapped it. */
  spawn_set_child_blocked(1ULL << (SIGTERM - 1) | 1ULL << (SIGHUP - 1) | 1ULL << (SIGUSR1 - 1) | 1ULL << (SIGINT - 1));
  /* Orphans (a service whose supervisor was killed) come to us, and we reap them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* A container runtime's socket (podman --sdnotify=container) is ours
     to answer, not our services'. */
  if (scan.role == ROLE_CONTAINER) sdnotify_take(scan.runtime_socket);
  selfpipe_fd = daemon_trap(scan_role_signals(scan.role));
  if (selfpipe_fd < 0) setup_failed("unable to trap signals", 0, errno);
  /* Without inotify, rescans every second see what it would have. */
  scan.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (scan.inotify_fd < 0) strerr_warnwusys("inotify_init1 (rescanning every second instead)");
  scan_table_init(&scan.table);
}

static enum scan_role parse_role(char const *name)
{
  if (!strcmp(name, "machine")) return ROLE_MACHINE;
  if (!strcmp(name, "container")) return ROLE_CONTAINER;
  if (!strcmp(name, "daemon")) return ROLE_DAEMON;
  strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
}

static void parse_options(int argc, char const *const *argv)
{
  subgetopt options = SUBGETOPT_ZERO;
  char const *role = 0;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "t:g:k:d:r:m:", &options);
    if (opt == -1) break;
    switch (opt) {
      case 't': if (!uint0_scan(options.arg, &scan.rescan_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'g': if (!uint0_scan(options.arg, &scan.grace_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'k': if (!uint0_scan(options.arg, &scan.stop_deadline_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'd': if (!int0_scan(options.arg, &scan.notify_fd) || scan.notify_fd < 3) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'r': role = options.arg; break;
      case 'm': if (!pid0_scan(options.arg, &scan.main_pid) || scan.main_pid <= 0) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  if (argc - options.ind != 1 || !argv[options.ind][0]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  scan.dir = argv[options.ind];
  scan.role = role ? settle_role(parse_role(role)) : detect_role();
}

int main(int argc, char const *const *argv)
{
  parse_options(argc, argv);
  setup();
  scan_start();
  loop();
}
