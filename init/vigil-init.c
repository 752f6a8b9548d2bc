/* vigil-init: PID 1 at boot or of a container. Mounts the API filesystems,
   populates the live service dir, forks the rc.init runner (and the main
   command's), and execs vigil-scan. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "bootargs.h"
#include "diagout.h"
#include "exitcode.h"
#include "findprog.h"
#include "pidns.h"
#include "sdnotify.h"
#include "spawn.h"
#include "svdir.h"
#include "svpaths.h"

#define USAGE "vigil-init [ -- ] [ CMD [ ARG... ] ]"

/* Every default a distro or a test may change through the environment. */
#define DEFAULT_LIVEDIR "/run/service"
#define DEFAULT_CMDLINE "/proc/cmdline"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define RESCUE_SHELL "/bin/sh"
/* The kernel's own bound on the command line is 2048 bytes on x86; room to spare. */
/* A rescue shell that exits at once (a broken rescue program) must not make
   PID 1 loop; three rounds leave an admin room to fix and retry. */
#define BOOT_ATTEMPTS_MAX 3
#define BOOT_ATTEMPT_VAR "VIGIL_BOOT_ATTEMPT"
/* One line saying why a rescue shell runs: long enough for a path and an error. */
#define WHY_MAX 512
/* A container's stop: Docker, podman and Kubernetes send SIGKILL 10 s
   after SIGTERM; services are killed 2 s before that, so that the
   loggers still drain and vigil exits with the main command's code. */
#define CONTAINER_STOP_DEADLINE_MS 8000
/* What CMD's runner exits with when CMD cannot run: the shell's codes. */
#define EXIT_CMD_NOT_FOUND 127
#define EXIT_CMD_NOT_EXECUTABLE 126

char const *PROG = "vigil-init";

/* A mount every boot needs. Data, not code: a container has a table of
   its own (below). */
enum mount_need { MOUNT_REQUIRED, MOUNT_OPTIONAL };

struct boot_mount {
  char const *target;
  char const *fstype;
  char const *source;
  unsigned long flags;
  char const *data;
  enum mount_need need;
};

/* A container's runtime gave it /dev (and often /proc and /run): it
   mounts only what may be missing, each skipped quietly when denied.
   /run a fresh tmpfs where it may: nothing of a previous run lingers
   there, and it is writable on a read-only root. */
static struct boot_mount const container_mounts[] = {
  { "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_OPTIONAL },
  { "/run", "tmpfs", "run", MS_NOSUID | MS_NODEV, "mode=0755", MOUNT_OPTIONAL },
};

/* Parents before children: /dev before /dev/pts. gid=5 is the tty group
   of Debian and most distributions. */
static struct boot_mount const boot_mounts[] = {
  { "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_REQUIRED },
  { "/sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_OPTIONAL },
  /* Where the scanner makes the services' cgroups (vigil-scan(8)). */
  { "/sys/fs/cgroup", "cgroup2", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_OPTIONAL },
  { "/dev", "devtmpfs", "dev", MS_NOSUID, "mode=0755", MOUNT_REQUIRED },
  { "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666", MOUNT_OPTIONAL },
  { "/dev/shm", "tmpfs", "shm", MS_NOSUID | MS_NODEV, "mode=1777", MOUNT_OPTIONAL },
  { "/run", "tmpfs", "run", MS_NOSUID | MS_NODEV, "mode=0755", MOUNT_REQUIRED },
};

/* Signals PID 1 keeps blocked across the exec of the scanner: an early
   ctrl-alt-del (SIGINT) or shutdown request waits for the scanner's trap. */
static int const held_signals[] = { SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGPWR };

/* What the scanner forwards to the main command (vigil-scan -m): before
   CMD runs, its runner drops them instead of dying of them. */
static int const forwarded_signals[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

enum rescue_reason { RESCUE_ASKED, RESCUE_FAILED, RESCUE_RCINIT };

static struct {
  char const *confdir;
  char const *rcdir;
  char const *livedir;
  char const *cmdline;
  int rescue_asked;
  int cmdline_read;
  char kill_deadline_ms[UINT_FMT];
  char const *role;             /* the scanner's -r, or 0: it tells from its pid namespace */
  unsigned int attempt;
  char why[WHY_MAX];
  char const *const *argv;
  int container;                /* PID 1 of a container: no console, no reboot(2), no rescue shell */
  char const *const *cmd;       /* the main command, or 0 */
  unsigned int cmd_wait_ms;     /* 0: CMD waits for the services with no timeout */
  char notify_socket[SDNOTIFY_PATH_MAX];  /* the runtime's NOTIFY_SOCKET, or "" */
} boot;

/* boot.why = a + b + c (+ ": " + strerror(error) when error), truncated. */
static void set_why(char const *a, char const *b, char const *c, int error)
{
  char const *parts[5] = { a, b, c, error ? ": " : "", error ? strerror(error) : "" };
  size_t len = 0;
  for (unsigned int i = 0; i < 5; i++) {
    size_t n = strlen(parts[i]);
    if (n > sizeof boot.why - 1 - len) n = sizeof boot.why - 1 - len;
    memcpy(boot.why + len, parts[i], n);
    len += n;
  }
  boot.why[len] = 0;
}

static void unblock_all_signals(void)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, 0);
}

/* Waits for child, reaping every other process on the way (orphans are
   ours). Returns its wait status, or -1 if it is gone already. */
static int wait_for(pid_t child)
{
  for (;;) {
    int status;
    pid_t pid = wait(&status);
    if (pid == child) return status;
    if (pid < 0 && errno != EINTR) return -1;
  }
}

/* A held signal is a power request (busybox's convention: USR1 halt,
   USR2 and PWR poweroff, TERM and INT reboot). */
static char const *power_request(int sig)
{
  switch (sig) {
    case SIGUSR1: return "halt";
    case SIGUSR2: case SIGPWR: return "poweroff";
    case SIGTERM: case SIGINT: return "reboot";
  }
  return 0;
}

/* A power request while PID 1 is vigil-init (a rescue shell, or reaping
   after failed boots): nothing is supervised yet, so forced or not it is
   the final stage at once. Its force flag is spent here. */
static void __attribute__((noreturn)) power_now(char const *mode)
{
  char path[PATH_MAX];
  char const *argv[4] = { 0, "--final", mode, 0 };
  if (!svpath_join(path, svpath_env_dir("VIGIL_RUNDIR", VIGIL_RUNDIR_DEFAULT), VIGIL_FORCE_FLAG)) unlink(path);
  strerr_warn(PROG, ": ", mode, " asked during the rescue: the final stage");
  argv[0] = findprog("vigil-shutdown", "VIGIL_SHUTDOWN", path);
  diagout_handover();
  if (argv[0]) execv(argv[0], (char *const *)argv);
  diagout_handover_failed();
  strerr_warnw("unable to run vigil-shutdown --final: sync, then reboot(2) directly");
  sync();
  reboot(!strcmp(mode, "halt") ? RB_HALT_SYSTEM : !strcmp(mode, "poweroff") ? RB_POWER_OFF : RB_AUTOBOOT);
  for (;;) pause();
}

/* Waits for child (or, with child 0, forever), reaping every other
   process on the way (orphans are ours) and acting on a power request.
   Returns child's wait status, or -1 if it is gone already. */
static int wait_for_or_power(pid_t child)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (size_t i = 0; i < sizeof held_signals / sizeof held_signals[0]; i++) sigaddset(&set, held_signals[i]);
  sigprocmask(SIG_BLOCK, &set, 0);
  for (;;) {
    int status, sig;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child) return status;
    if (pid < 0 && errno == ECHILD && child) return -1;
    sig = sigwaitinfo(&set, 0);
    if (power_request(sig)) power_now(power_request(sig));
  }
}

/* The last resort: PID 1 must never exit. It reaps, and a poweroff,
   reboot or halt (or the power button's SIGPWR) still ends the machine. */
static void __attribute__((noreturn)) reap_forever(void)
{
  strerr_warnw("nothing left to run: staying as PID 1 and reaping; poweroff, reboot or halt still work");
  wait_for_or_power(0);
  for (;;) pause();
}

/* Runs in a child (or the rc.init runner): the rescue program on the
   console, its own session, the console as its controlling tty when it is
   one. $VIGIL_CONFDIR/rescue when executable, else /bin/sh. */
static void __attribute__((noreturn)) exec_rescue(enum rescue_reason reason)
{
  char custom[PATH_MAX];
  char const *argv[3] = { RESCUE_SHELL, "-i", 0 };
  unblock_all_signals();
  /* Ignored by PID 1 (see main): the shell starts with it at its default. */
  signal(SIGPIPE, SIG_DFL);
  setsid();
  /* After rc.init, services run (a console getty, say): never steal their tty. */
  if (isatty(0)) ioctl(0, TIOCSCTTY, reason == RESCUE_RCINIT ? 0 : 1);
  setenv("VIGIL_RESCUE_REASON", boot.why, 1);
  if (strlen(boot.confdir) + sizeof "/rescue" <= sizeof custom) {
    strcpy(custom, boot.confdir);
    strcat(custom, "/rescue");
    if (!access(custom, X_OK)) {
      argv[0] = custom;
      argv[1] = boot.why;
    }
  }
  execv(argv[0], (char *const *)argv);
  strerr_warnwusys("run the rescue shell ", argv[0]);
  _exit(VIGIL_EXIT_SYSTEM);
}

static void banner(enum rescue_reason reason)
{
  char attempt[UINT_FMT];
  char max[UINT_FMT];
  attempt[uint_fmt(attempt, boot.attempt)] = 0;
  max[uint_fmt(max, BOOT_ATTEMPTS_MAX)] = 0;
  switch (reason) {
    case RESCUE_ASKED:
      strerr_warn(PROG, ": rescue shell, as the kernel command line asked: exit it to continue the boot, or poweroff, reboot, halt");
      return;
    case RESCUE_FAILED:
      strerr_warn(PROG, ": rescue shell: ", boot.why, ": fix it, then exit the shell to retry the boot (attempt ", attempt, " of ", max, "), or poweroff, reboot, halt");
      return;
    case RESCUE_RCINIT:
      strerr_warn(PROG, ": rescue shell: ", boot.why, ": services are still supervised (a console service may share this tty): exit the shell to leave it, or reboot");
      return;
  }
}

/* The rescue shell as a child of PID 1; returns its wait status, or -1
   when it could not run. */
static int run_rescue(enum rescue_reason reason)
{
  pid_t pid;
  banner(reason);
  pid = fork();
  if (pid < 0) {
    strerr_warnwusys("fork the rescue shell");
    return -1;
  }
  if (!pid) exec_rescue(reason);
  return wait_for_or_power(pid);
}

/* A boot step failed: the rescue shell, then a fresh boot when it exits
   (every step skips what is done already), at most BOOT_ATTEMPTS_MAX times. */
static void __attribute__((noreturn)) boot_failed(void)
{
  char next[UINT_FMT];
  int status;
  strerr_warn(PROG, ": fatal: ", boot.why);
  /* A container has no one at a console: it ends, and its runtime says so. */
  if (boot.container) _exit(VIGIL_EXIT_SYSTEM);
  status = run_rescue(RESCUE_FAILED);
  if (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == VIGIL_EXIT_SYSTEM)) reap_forever();
  next[uint_fmt(next, boot.attempt)] = 0;
  if (boot.attempt >= BOOT_ATTEMPTS_MAX) {
    strerr_warnw("the boot failed ", next, " times: not retrying");
    reap_forever();
  }
  next[uint_fmt(next, boot.attempt + 1)] = 0;
  setenv(BOOT_ATTEMPT_VAR, next, 1);
  strerr_warn(PROG, ": retrying the boot");
  diagout_handover();
  execv("/proc/self/exe", (char *const *)boot.argv);
  execvp(boot.argv[0], (char *const *)boot.argv);
  diagout_handover_failed();
  strerr_warnwusys("re-execute ", boot.argv[0]);
  reap_forever();
}

/* A target is mounted when its device differs from its parent's. A bind
   mount of the parent's own filesystem would not be seen: none is expected. */
static int is_mounted(char const *target)
{
  char parent[PATH_MAX];
  char const *slash = strrchr(target, '/');
  struct stat here, above;
  size_t len = slash > target ? (size_t)(slash - target) : 1;
  if (len >= sizeof parent || stat(target, &here) < 0) return 0;
  memcpy(parent, target, len);
  parent[len] = 0;
  return !stat(parent, &above) && here.st_dev != above.st_dev;
}

static void mount_api_filesystems(void)
{
  struct boot_mount const *table = boot.container ? container_mounts : boot_mounts;
  size_t count = boot.container ? sizeof container_mounts / sizeof container_mounts[0] : sizeof boot_mounts / sizeof boot_mounts[0];
  for (size_t i = 0; i < count; i++) {
    struct boot_mount const *m = &table[i];
    if (is_mounted(m->target)) continue;
    /* /dev/pts and /dev/shm live on the fresh /dev; any failure shows in the mount. */
    mkdir(m->target, 0755);
    if (!mount(m->source, m->target, m->fstype, m->flags, m->data)) continue;
    /* A container's PID 1 lacks the power to mount: what it has is what it gets. */
    if (errno == EPERM || errno == EACCES) continue;
    switch (m->need) {
      case MOUNT_OPTIONAL:
        strerr_warnwusys("mount ", m->fstype, " on ", m->target);
        continue;
      case MOUNT_REQUIRED:
        set_why("unable to mount ", m->target, "", errno);
        boot_failed();
    }
  }
}

/* fds 0-2 on the console when the kernel left them closed; /dev/null if
   there is no console (or in a container, whose runtime gave it the fds
   it meant to), so nothing of ours ever lands on 0-2. */
static void console_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    int opened = -1;
    if (fcntl(fd, F_GETFD) >= 0) continue;
    if (!boot.container) opened = open("/dev/console", O_RDWR | O_NOCTTY);
    if (opened < 0) opened = open("/dev/null", O_RDWR);
    if (opened >= 0 && opened != fd) {
      dup2(opened, fd);
      close(opened);
    }
  }
}

static void hold_signals(void)
{
  sigset_t held;
  sigemptyset(&held);
  for (size_t i = 0; i < sizeof held_signals / sizeof held_signals[0]; i++) sigaddset(&held, held_signals[i]);
  sigprocmask(SIG_BLOCK, &held, 0);
}

/* vigil.role=machine|container (or $VIGIL_ROLE): what PID 1 is, when its
   pid namespace does not say it right (a VM test in a namespace, say). */
static void set_role(char const *value)
{
  /* value may live in a buffer that goes: keep our own constant. */
  if (!strcmp(value, "machine")) boot.role = "machine";
  /* A container's PID 1 exits when it stops: the machine's must never. */
  else if (!strcmp(value, "container") && pidns_kind() == PIDNS_INITIAL)
    strerr_warnw("ignoring the role container: this is the machine's own PID namespace");
  else if (!strcmp(value, "container")) boot.role = "container";
  else strerr_warnw("ignoring the role ", value, ": neither machine nor container");
}

/* The kernel command line, read once. Missing: no knob, no failure. */
static void read_cmdline(void)
{
  char line[BOOTARGS_MAX];
  struct bootargs args;
  ssize_t len = 0;
  int fd = open(boot.cmdline, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    len = read(fd, line, sizeof line - 1);
    close(fd);
    boot.cmdline_read = 1;
  }
  if (len < 0) len = 0;
  bootargs_parse(line, (size_t)len, &args);
  if (args.truncated)
    strerr_warnw("the kernel command line is longer than ", BOOTARGS_MAX_TEXT, " bytes: its last word and what follows are ignored");
  if (args.rescue) boot.rescue_asked = 1;
  if (args.bad_timeout) strerr_warnw("ignoring vigil.timeout=", args.bad_timeout, ": not a number of seconds");
  if (args.has_timeout) boot.kill_deadline_ms[uint_fmt(boot.kill_deadline_ms, args.timeout_ms)] = 0;
  if (args.role) set_role(args.role);
}

/* vigil-populate RCDIR LIVEDIR, as a child, waited for. */
static void populate(void)
{
  char path[PATH_MAX];
  char const *argv[4] = { 0, boot.rcdir, boot.livedir, 0 };
  pid_t pid;
  int status, error;
  if (mkdir(boot.livedir, 0755) < 0 && errno != EEXIST) {
    set_why("unable to create ", boot.livedir,
            boot.container ? " (nothing writable for the live dir: give the container a writable /run, e.g. docker run --tmpfs /run, or set VIGIL_LIVEDIR)" : "",
            errno);
    boot_failed();
  }
  argv[0] = findprog("vigil-populate", "VIGIL_POPULATE", path);
  if (!argv[0]) {
    set_why("unable to find vigil-populate beside vigil-init or in PATH", "", "", 0);
    boot_failed();
  }
  error = spawn_clean(argv, 0, 0, &pid);
  if (error) {
    set_why("unable to run ", argv[0], "", error);
    boot_failed();
  }
  status = wait_for(pid);
  /* 100: some service dirs were refused (each said why) and the others
     installed: a machine with one broken package still boots. A
     container is built whole: one that cannot start stops it. */
  if (status > 0 && WIFEXITED(status) && WEXITSTATUS(status) == VIGIL_EXIT_USAGE) {
    if (boot.container) {
      set_why("some services of ", boot.rcdir, " cannot start (vigil-populate said why, above): the container does not start", 0);
      boot_failed();
    }
    strerr_warnw("some services of ", boot.rcdir, " were not installed: booting without them");
    return;
  }
  if (status != 0) {
    char code[UINT_FMT];
    int killed = status > 0 && WIFSIGNALED(status);
    code[uint_fmt(code, killed ? WTERMSIG(status) : status > 0 ? WEXITSTATUS(status) : 0)] = 0;
    set_why("vigil-populate ", killed ? "killed by signal " : "failed with exit code ", code, 0);
    boot_failed();
  }
}

/* rc.init once, if it exists. Returns 0, or -1 with boot.why set. */
static int run_rcinit(void)
{
  char path[PATH_MAX];
  char const *argv[2] = { path, 0 };
  char code[UINT_FMT];
  pid_t pid;
  int status, error;
  if (strlen(boot.confdir) + sizeof "/rc.init" > sizeof path) {
    set_why("unable to run ", boot.confdir, "/rc.init", ENAMETOOLONG);
    return -1;
  }
  strcpy(path, boot.confdir);
  strcat(path, "/rc.init");
  if (access(path, F_OK) < 0 && errno == ENOENT) return 0;
  error = spawn_clean(argv, 0, 0, &pid);
  if (error) {
    set_why("unable to run ", path, "", error);
    return -1;
  }
  /* A forwarded signal dropped by the runner interrupts the wait: not an error. */
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) _exit(VIGIL_EXIT_SYSTEM);
  if (WIFEXITED(status) && !WEXITSTATUS(status)) return 0;
  code[uint_fmt(code, WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status))] = 0;
  set_why(path, WIFSIGNALED(status) ? " was killed by signal " : " failed with exit code ", code, 0);
  return -1;
}

/* NAME's path in the live dir, plus suffix: malloc'd, or 0. */
static char *live_path(char const *name, char const *suffix)
{
  char *path = malloc(strlen(boot.livedir) + 1 + strlen(name) + strlen(suffix) + 1);
  if (!path) return 0;
  strcpy(path, boot.livedir);
  strcat(path, "/");
  strcat(path, name);
  strcat(path, suffix);
  return path;
}

static int is_dir(char const *path)
{
  struct stat st;
  return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Every service dir of the live dir that is wanted up (no ./down file),
   and its log/ when it has one: what CMD waits for. A null-terminated
   array on the heap, after `options` free slots for svwait's argv[0] and
   options; 0 when the dir cannot be read or memory runs out. The runner
   execs or exits soon after: nothing here is freed. */
static char const **services_to_wait_for(unsigned int options, unsigned int *count)
{
  DIR *dir = opendir(boot.livedir);
  size_t room = 16;
  char const **list = malloc((options + room + 1) * sizeof *list);
  struct dirent *entry;
  *count = 0;
  if (!dir || !list) return 0;
  while ((entry = readdir(dir))) {
    char *service, *log;
    if (entry->d_name[0] == '.') continue;
    service = live_path(entry->d_name, "");
    log = live_path(entry->d_name, "/" SVDIR_LOG);
    if (!service || !log) return 0;
    if (!is_dir(service)) continue;
    if (*count + 2 > room) {
      room *= 2;
      list = realloc(list, (options + room + 1) * sizeof *list);
      if (!list) return 0;
    }
    {
      int fd = open(service, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd >= 0 && !svdir_normally_down(fd)) list[options + (*count)++] = service;
      if (fd >= 0) close(fd);
    }
    if (is_dir(log)) list[options + (*count)++] = log;
  }
  closedir(dir);
  list[options + *count] = 0;
  return list;
}

/* Until every service is up, and ready where it signals readiness:
   svwait -R -F. Returns 0, or the code CMD's runner exits with. */
static int wait_for_services(void)
{
  enum { OPTIONS = 5 };  /* svwait -R -F -t MS */
  char svwait[PATH_MAX];
  char ms[UINT_FMT] = "0";
  char const **argv;
  unsigned int count, argc = 0;
  pid_t pid;
  int status, error;
  argv = services_to_wait_for(OPTIONS, &count);
  if (!argv) {
    strerr_warnwusys("list the services of ", boot.livedir);
    return VIGIL_EXIT_SYSTEM;
  }
  if (!count) return 0;
  if (!findprog("svwait", "VIGIL_SVWAIT", svwait)) {
    strerr_warnw("unable to find svwait beside vigil-init or in PATH");
    return VIGIL_EXIT_SYSTEM;
  }
  argv[argc++] = svwait;
  argv[argc++] = "-R";
  argv[argc++] = "-F";
  if (boot.cmd_wait_ms) {
    ms[uint_fmt(ms, boot.cmd_wait_ms)] = 0;
    argv[argc++] = "-t";
    argv[argc++] = ms;
  }
  /* The dirs follow the options: close the gap the unused -t left. */
  memmove(argv + argc, argv + OPTIONS, (count + 1) * sizeof *argv);
  error = spawn_clean(argv, 0, 0, &pid);
  if (error) {
    strerr_warnw("unable to run ", svwait, ": ", strerror(error));
    return VIGIL_EXIT_SYSTEM;
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return VIGIL_EXIT_SYSTEM;
  if (WIFEXITED(status) && !WEXITSTATUS(status)) return 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == VIGIL_EXIT_TIMEOUT) {
    strerr_warn(PROG, ": fatal: the services were not ready within ", ms, " ms (VIGIL_CMD_WAIT_MS): not running ", boot.cmd[0]);
    return VIGIL_EXIT_TIMEOUT;
  }
  strerr_warn(PROG, ": fatal: a service cannot start (svwait said why, above): not running ", boot.cmd[0]);
  return VIGIL_EXIT_SYSTEM;
}

static void drop_signal(int sig)
{
  (void)sig;
}

/* Before CMD runs, what is forwarded to it is dropped, not fatal. exec
   gives CMD the default action back (a caught signal is reset). */
static void drop_forwarded_signals(void)
{
  struct sigaction drop = { .sa_handler = drop_signal, .sa_flags = SA_RESTART };
  sigemptyset(&drop.sa_mask);
  for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++)
    sigaction(forwarded_signals[i], &drop, 0);
}

static void __attribute__((noreturn)) exec_cmd(void)
{
  /* Ignored by PID 1 (see main), and so far by the runner: CMD gets its default. */
  signal(SIGPIPE, SIG_DFL);
  execvp(boot.cmd[0], (char *const *)boot.cmd);
  strerr_warnwusys("run ", boot.cmd[0]);
  _exit(errno == ENOENT ? EXIT_CMD_NOT_FOUND : EXIT_CMD_NOT_EXECUTABLE);
}

/* podman --sdnotify=container: the container is up once its services
   are and CMD is about to run. */
static void tell_runtime_ready(void)
{
  if (boot.notify_socket[0] && sdnotify_send(boot.notify_socket, "READY=1") < 0)
    strerr_warnwusys("send READY=1 to NOTIFY_SOCKET ", boot.notify_socket);
}

/* The runner, a child that outlives our exec into the scanner: it waits
   until the scanner says its first scan has started every supervisor,
   runs rc.init once, then (with a main command) waits for the services
   and becomes CMD. EOF without a newline: the scanner never came up. */
static void __attribute__((noreturn)) run_runner(int notify)
{
  char byte = 0;
  int code;
  if (boot.cmd) drop_forwarded_signals();
  unblock_all_signals();
  while (byte != '\n') {
    ssize_t r = read(notify, &byte, 1);
    if (!r) _exit(boot.cmd ? VIGIL_EXIT_SYSTEM : VIGIL_EXIT_OK);
    if (r < 0 && errno != EINTR) _exit(VIGIL_EXIT_SYSTEM);
  }
  close(notify);
  if (run_rcinit() < 0) {
    strerr_warn(PROG, ": fatal: ", boot.why);
    if (boot.container) _exit(VIGIL_EXIT_SYSTEM);
    banner(RESCUE_RCINIT);
    exec_rescue(RESCUE_RCINIT);
  }
  if (!boot.cmd) {
    tell_runtime_ready();
    _exit(VIGIL_EXIT_OK);
  }
  code = wait_for_services();
  if (code) _exit(code);
  tell_runtime_ready();
  exec_cmd();
}

/* Forks the runner, then becomes the scanner. */
static void __attribute__((noreturn)) exec_scanner(void)
{
  char path[PATH_MAX];
  char fd_text[UINT_FMT];
  char pid_text[PID_FMT];
  char const *argv[11];
  unsigned int argc = 0;
  int notify[2];
  pid_t runner;
  char const *scanner = findprog("vigil-scan", "VIGIL_SCAN", path);
  char other[PATH_MAX];
  if (!scanner) {
    set_why("unable to find vigil-scan beside vigil-init or in PATH", "", "", 0);
    boot_failed();
  }
  /* The scanner cannot run without it: better said here, before the exec. */
  if (!findprog("vigil-supervise", "VIGIL_SUPERVISE", other)) {
    set_why("unable to find vigil-supervise beside vigil-init or in PATH", "", "", 0);
    boot_failed();
  }
  if (pipe(notify) < 0) {
    set_why("unable to create the rc.init pipe", "", "", errno);
    boot_failed();
  }
  fcntl(notify[0], F_SETFD, FD_CLOEXEC);
  runner = fork();
  if (runner < 0) {
    set_why("unable to fork the rc.init runner", "", "", errno);
    close(notify[0]);
    close(notify[1]);
    boot_failed();
  }
  if (!runner) {
    close(notify[1]);
    run_runner(notify[0]);
  }
  close(notify[0]);
  fd_text[uint_fmt(fd_text, notify[1])] = 0;
  argv[argc++] = scanner;
  argv[argc++] = "-d";
  argv[argc++] = fd_text;
  if (boot.kill_deadline_ms[0]) {
    argv[argc++] = "-k";
    argv[argc++] = boot.kill_deadline_ms;
  }
  if (boot.role) {
    argv[argc++] = "-r";
    argv[argc++] = boot.role;
  }
  if (boot.cmd) {
    pid_text[pid_fmt(pid_text, runner)] = 0;
    argv[argc++] = "-m";
    argv[argc++] = pid_text;
  }
  argv[argc++] = boot.livedir;
  argv[argc] = 0;
  /* Given back for the scanner alone: it says STOPPING=1. */
  if (boot.notify_socket[0]) setenv("NOTIFY_SOCKET", boot.notify_socket, 1);
  diagout_handover();
  execv(scanner, (char *const *)argv);
  diagout_handover_failed();
  set_why("unable to exec ", scanner, "", errno);
  /* The runner reads EOF once we are gone from its pipe: it exits. */
  close(notify[1]);
  boot_failed();
}

/* VIGIL_ROLE, else the PID namespace: is PID 1 a container's? */
static int in_container(void)
{
  if (boot.role) return !strcmp(boot.role, "container");
  return pidns_kind() == PIDNS_CHILD;
}

/* An environment variable holding milliseconds; fallback when unset. */
static unsigned int env_ms(char const *name, unsigned int fallback)
{
  char const *value = getenv(name);
  unsigned int ms;
  if (!value || !*value) return fallback;
  if (uint0_scan(value, &ms)) return ms;
  strerr_warnw("ignoring ", name, "=", value, ": not a number of milliseconds");
  return fallback;
}

/* A container: the role said to the scanner and, through the
   environment, to vigil-populate (its log template) and the services;
   the stop deadline that fits the runtime's grace; CMD's wait. */
static void settle_container(void)
{
  unsigned int deadline = env_ms("VIGIL_STOP_DEADLINE_MS", CONTAINER_STOP_DEADLINE_MS);
  boot.role = "container";
  setenv("VIGIL_ROLE", "container", 1);
  if (!boot.kill_deadline_ms[0]) boot.kill_deadline_ms[uint_fmt(boot.kill_deadline_ms, deadline)] = 0;
  boot.cmd_wait_ms = env_ms("VIGIL_CMD_WAIT_MS", 0);
  /* The runtime's, not the services' nor CMD's: they would say READY=1
     for the whole container. The runner says it; the scanner, STOPPING=1. */
  sdnotify_take(boot.notify_socket);
}

/* The main command: what follows "--"; in a container, any arguments
   (an image's ENTRYPOINT ["vigil-init"] gets CMD as they are). On a
   machine, the other words are the kernel's leftovers and are ignored. */
static void find_cmd(int argc, char const *const *argv)
{
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--")) {
      if (i + 1 < argc) boot.cmd = argv + i + 1;
      return;
    }
  if (boot.container && argc > 1) boot.cmd = argv + 1;
}

static void settle_process(void)
{
  char const *attempt = getenv(BOOT_ATTEMPT_VAR);
  umask(022);
  /* A container's CMD runs where its image said (WORKDIR). */
  if (!boot.container && chdir("/") < 0) strerr_warnwusys("chdir to /");
  setenv("PATH", DEFAULT_PATH, 0);
  boot.attempt = 1;
  if (attempt) uint_scan(attempt, &boot.attempt);
  boot.confdir = svpath_env_dir("VIGIL_CONFDIR", VIGIL_CONFDIR_DEFAULT);
  boot.rcdir = svpath_env_dir("VIGIL_RCDIR", VIGIL_RCDIR_DEFAULT);
  boot.livedir = svpath_env_dir("VIGIL_LIVEDIR", DEFAULT_LIVEDIR);
  boot.cmdline = svpath_env_dir("VIGIL_CMDLINE", DEFAULT_CMDLINE);
}

/* The PID namespace tells a container: /proc first, where it is missing
   (a chroot, a bare root). Each table mounts it too, and skips it now. */
static void mount_proc_early(void)
{
  struct stat st;
  if (!stat("/proc/self/ns/pid", &st)) return;
  mkdir("/proc", 0555);
  mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
}

/* A container's /proc/cmdline is its host's: read only when the role
   does not say container, or a test names the file. A machine's /proc
   may not be mounted yet: then the command line is read after the mounts. */
static void find_role(void)
{
  if (getenv("VIGIL_ROLE") && *getenv("VIGIL_ROLE")) set_role(getenv("VIGIL_ROLE"));
  if (!in_container() || getenv("VIGIL_CMDLINE")) read_cmdline();
  boot.container = in_container();
  if (boot.container) settle_container();
}

int main(int argc, char const *const *argv)
{
  boot.argv = argv;
  if (getpid() != 1)
    strerr_dief(VIGIL_EXIT_USAGE, "not PID 1: vigil-init is the system's init (run it as PID 1 of a PID namespace to test it)");
  hold_signals();
  /* A broken pipe on our stderr (a container's runtime gone) is an
     error to note, never a death (the runner's, not PID 1's: the kernel
     spares PID 1 anyway). */
  signal(SIGPIPE, SIG_IGN);
  boot.cmdline = svpath_env_dir("VIGIL_CMDLINE", DEFAULT_CMDLINE);
  mount_proc_early();
  /* A console nobody reads must not stop the boot: our messages never block. */
  diagout_init();
  find_role();
  find_cmd(argc, argv);
  settle_process();
  console_fds();
  mount_api_filesystems();
  console_fds();
  /* fd 2 may be the console just opened, or /dev/null. */
  diagout_init();
  /* Only the initial namespace's init may: elsewhere a harmless EINVAL. */
  if (!boot.container) reboot(RB_DISABLE_CAD);
  if (!boot.container && !boot.cmdline_read) read_cmdline();
  if (boot.rescue_asked && !boot.container) {
    set_why("the kernel command line asked for it", "", "", 0);
    run_rescue(RESCUE_ASKED);
  }
  /* The scanner could not set up as PID 1 and handed the machine back. */
  if (getenv(VIGIL_SCAN_FAILED_VAR)) {
    set_why("vigil-scan: ", getenv(VIGIL_SCAN_FAILED_VAR), "", 0);
    unsetenv(VIGIL_SCAN_FAILED_VAR);
    boot_failed();
  }
  populate();
  exec_scanner();
}
