/* vigil-init: PID 1 at boot. Mounts the API filesystems, populates the live
   service dir, forks the rc.init runner, and execs vigil-scan. */
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

#include "exitcode.h"
#include "findprog.h"
#include "spawn.h"
#include "svpaths.h"

#define USAGE "vigil-init"

/* Every default a distro or a test may change through the environment. */
#define DEFAULT_LIVEDIR "/run/service"
#define DEFAULT_CMDLINE "/proc/cmdline"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define RESCUE_SHELL "/bin/sh"
/* The kernel's own bound on the command line is 2048 bytes on x86; room to spare. */
#define CMDLINE_MAX 4096
/* A rescue shell that exits at once (a broken rescue program) must not make
   PID 1 loop; three rounds leave an admin room to fix and retry. */
#define BOOT_ATTEMPTS_MAX 3
#define BOOT_ATTEMPT_VAR "VIGIL_BOOT_ATTEMPT"
/* One line saying why a rescue shell runs: long enough for a path and an error. */
#define WHY_MAX 512

char const *PROG = "vigil-init";

/* A mount every boot needs. Data, not code, so a container profile
   (issue 13) can use a table of its own. */
enum mount_need { MOUNT_REQUIRED, MOUNT_OPTIONAL };

struct boot_mount {
  char const *target;
  char const *fstype;
  char const *source;
  unsigned long flags;
  char const *data;
  enum mount_need need;
};

/* Parents before children: /dev before /dev/pts. gid=5 is the tty group
   of Debian and most distributions. */
static struct boot_mount const boot_mounts[] = {
  { "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_REQUIRED },
  { "/sys", "sysfs", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, MOUNT_OPTIONAL },
  { "/dev", "devtmpfs", "dev", MS_NOSUID, "mode=0755", MOUNT_REQUIRED },
  { "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666", MOUNT_OPTIONAL },
  { "/dev/shm", "tmpfs", "shm", MS_NOSUID | MS_NODEV, "mode=1777", MOUNT_OPTIONAL },
  { "/run", "tmpfs", "run", MS_NOSUID | MS_NODEV, "mode=0755", MOUNT_REQUIRED },
};

/* Signals PID 1 keeps blocked across the exec of the scanner: an early
   ctrl-alt-del (SIGINT) or shutdown request waits for the scanner's trap. */
static int const held_signals[] = { SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGPWR };

enum rescue_reason { RESCUE_ASKED, RESCUE_FAILED, RESCUE_RCINIT };

static struct {
  char const *confdir;
  char const *rcdir;
  char const *livedir;
  char const *cmdline;
  int rescue_asked;
  char kill_deadline_ms[UINT_FMT];
  char const *role;             /* the scanner's -r, or 0: it tells from its pid namespace */
  unsigned int attempt;
  char why[WHY_MAX];
  char const *const *argv;
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

/* The last resort: PID 1 must never exit. Blocking waits; with no child
   left there is nothing to reap ever again (only a process can make one). */
static void __attribute__((noreturn)) reap_forever(void)
{
  strerr_warnw("nothing left to run: staying as PID 1 and reaping; reboot with reboot -f or the power button");
  for (;;)
    if (wait(0) < 0 && errno == ECHILD) pause();
}

/* Runs in a child (or the rc.init runner): the rescue program on the
   console, its own session, the console as its controlling tty when it is
   one. $VIGIL_CONFDIR/rescue when executable, else /bin/sh. */
static void __attribute__((noreturn)) exec_rescue(void)
{
  char custom[PATH_MAX];
  char const *argv[3] = { RESCUE_SHELL, "-i", 0 };
  unblock_all_signals();
  setsid();
  if (isatty(0)) ioctl(0, TIOCSCTTY, 1);
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
      strerr_warn(PROG, ": rescue shell, as the kernel command line asked: exit it to continue the boot, or reboot -f");
      return;
    case RESCUE_FAILED:
      strerr_warn(PROG, ": rescue shell: ", boot.why, ": fix it, then exit the shell to retry the boot (attempt ", attempt, " of ", max, "), or reboot -f");
      return;
    case RESCUE_RCINIT:
      strerr_warn(PROG, ": rescue shell: ", boot.why, ": services are still supervised: exit the shell to leave it, or reboot");
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
  if (!pid) exec_rescue();
  return wait_for(pid);
}

/* A boot step failed: the rescue shell, then a fresh boot when it exits
   (every step skips what is done already), at most BOOT_ATTEMPTS_MAX times. */
static void __attribute__((noreturn)) boot_failed(void)
{
  char next[UINT_FMT];
  int status;
  strerr_warn(PROG, ": fatal: ", boot.why);
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
  execv("/proc/self/exe", (char *const *)boot.argv);
  execvp(boot.argv[0], (char *const *)boot.argv);
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
  for (size_t i = 0; i < sizeof boot_mounts / sizeof boot_mounts[0]; i++) {
    struct boot_mount const *m = &boot_mounts[i];
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
   there is no console, so nothing of ours ever lands on 0-2. */
static void console_fds(void)
{
  for (int fd = 0; fd < 3; fd++) {
    int opened;
    if (fcntl(fd, F_GETFD) >= 0) continue;
    opened = open("/dev/console", O_RDWR | O_NOCTTY);
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

/* vigil.timeout=SECONDS: the scanner's global stop deadline. */
static void cmdline_timeout(char const *value)
{
  unsigned int seconds;
  size_t len = uint_scan(value, &seconds);
  if (!len || value[len] || seconds > UINT_MAX / 1000) {
    strerr_warnw("ignoring vigil.timeout=", value, ": not a number of seconds");
    return;
  }
  boot.kill_deadline_ms[uint_fmt(boot.kill_deadline_ms, seconds * 1000)] = 0;
}

/* vigil.role=machine|container (or $VIGIL_ROLE): what PID 1 is, when its
   pid namespace does not say it right (a VM test in a namespace, say). */
static void set_role(char const *value)
{
  /* value may live in a buffer that goes: keep our own constant. */
  if (!strcmp(value, "machine")) boot.role = "machine";
  else if (!strcmp(value, "container")) boot.role = "container";
  else strerr_warnw("ignoring the role ", value, ": neither machine nor container");
}

static void cmdline_word(char const *word)
{
  if (!strcmp(word, "vigil.rescue") || !strcmp(word, "single") || !strcmp(word, "emergency")) boot.rescue_asked = 1;
  else if (!strncmp(word, "vigil.timeout=", sizeof "vigil.timeout=" - 1)) cmdline_timeout(word + sizeof "vigil.timeout=" - 1);
  else if (!strncmp(word, "vigil.role=", sizeof "vigil.role=" - 1)) set_role(word + sizeof "vigil.role=" - 1);
}

/* The kernel command line, read once. Missing: no knob, no failure. */
static void read_cmdline(void)
{
  char line[CMDLINE_MAX];
  ssize_t len = 0;
  int fd = open(boot.cmdline, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    len = read(fd, line, sizeof line - 1);
    close(fd);
  }
  if (len < 0) len = 0;
  line[len] = 0;
  for (char *word = strtok(line, " \t\n"); word; word = strtok(0, " \t\n")) cmdline_word(word);
}

/* vigil-populate RCDIR LIVEDIR, as a child, waited for. */
static void populate(void)
{
  char path[PATH_MAX];
  char const *argv[4] = { 0, boot.rcdir, boot.livedir, 0 };
  pid_t pid;
  int status, error;
  if (mkdir(boot.livedir, 0755) < 0 && errno != EEXIST) {
    set_why("unable to create ", boot.livedir, "", errno);
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
     installed: a machine with one broken package still boots. */
  if (status > 0 && WIFEXITED(status) && WEXITSTATUS(status) == VIGIL_EXIT_USAGE) {
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

/* The rc.init runner, a child that outlives our exec into the scanner:
   it waits until the scanner says its first scan has started every
   supervisor, then runs rc.init once. EOF without a newline: the scanner
   never came up, and rc.init is not run. */
static void __attribute__((noreturn)) rcinit_runner(int notify)
{
  char path[PATH_MAX];
  char const *argv[2] = { path, 0 };
  char byte = 0;
  pid_t pid;
  int status, error;
  unblock_all_signals();
  while (byte != '\n') {
    ssize_t r = read(notify, &byte, 1);
    if (!r) _exit(VIGIL_EXIT_OK);
    if (r < 0 && errno != EINTR) _exit(VIGIL_EXIT_SYSTEM);
  }
  close(notify);
  if (strlen(boot.confdir) + sizeof "/rc.init" > sizeof path) _exit(VIGIL_EXIT_SYSTEM);
  strcpy(path, boot.confdir);
  strcat(path, "/rc.init");
  if (access(path, F_OK) < 0 && errno == ENOENT) _exit(VIGIL_EXIT_OK);
  error = spawn_clean(argv, 0, 0, &pid);
  if (error) set_why("unable to run ", path, "", error);
  else {
    char code[UINT_FMT];
    if (waitpid(pid, &status, 0) < 0) _exit(VIGIL_EXIT_SYSTEM);
    if (WIFEXITED(status) && !WEXITSTATUS(status)) _exit(VIGIL_EXIT_OK);
    code[uint_fmt(code, WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status))] = 0;
    set_why(path, WIFSIGNALED(status) ? " was killed by signal " : " failed with exit code ", code, 0);
  }
  strerr_warn(PROG, ": fatal: ", boot.why);
  banner(RESCUE_RCINIT);
  exec_rescue();
}

/* Forks the rc.init runner, then becomes the scanner. */
static void __attribute__((noreturn)) exec_scanner(void)
{
  char path[PATH_MAX];
  char fd_text[UINT_FMT];
  char const *argv[9];
  unsigned int argc = 0;
  int notify[2];
  pid_t runner;
  char const *scanner = findprog("vigil-scan", "VIGIL_SCAN", path);
  if (!scanner) {
    set_why("unable to find vigil-scan beside vigil-init or in PATH", "", "", 0);
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
    rcinit_runner(notify[0]);
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
  argv[argc++] = boot.livedir;
  argv[argc] = 0;
  execv(scanner, (char *const *)argv);
  set_why("unable to exec ", scanner, "", errno);
  /* The runner reads EOF once we are gone from its pipe: it exits. */
  close(notify[1]);
  boot_failed();
}

static void settle_process(void)
{
  char const *attempt = getenv(BOOT_ATTEMPT_VAR);
  umask(022);
  if (chdir("/") < 0) strerr_warnwusys("chdir to /");
  setenv("PATH", DEFAULT_PATH, 0);
  boot.attempt = 1;
  if (attempt) uint_scan(attempt, &boot.attempt);
  boot.confdir = svpath_env_dir("VIGIL_CONFDIR", VIGIL_CONFDIR_DEFAULT);
  boot.rcdir = svpath_env_dir("VIGIL_RCDIR", VIGIL_RCDIR_DEFAULT);
  boot.livedir = svpath_env_dir("VIGIL_LIVEDIR", DEFAULT_LIVEDIR);
  boot.cmdline = svpath_env_dir("VIGIL_CMDLINE", DEFAULT_CMDLINE);
  if (getenv("VIGIL_ROLE") && *getenv("VIGIL_ROLE")) set_role(getenv("VIGIL_ROLE"));
}

int main(int argc, char const *const *argv)
{
  /* Arguments are ignored: the kernel passes init the command line's
     words it does not know, and those are read from /proc/cmdline. */
  boot.argv = argv;
  if (getpid() != 1)
    strerr_dief(VIGIL_EXIT_USAGE, "not PID 1: vigil-init is the system's init (run it as PID 1 of a PID namespace to test it)");
  hold_signals();
  settle_process();
  console_fds();
  mount_api_filesystems();
  console_fds();
  /* Only the initial namespace's init may: elsewhere a harmless EINVAL. */
  reboot(RB_DISABLE_CAD);
  read_cmdline();
  if (boot.rescue_asked) {
    set_why("the kernel command line asked for it", "", "", 0);
    run_rescue(RESCUE_ASKED);
  }
  populate();
  exec_scanner();
}
