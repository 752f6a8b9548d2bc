/* vigil-shutdown: asks PID 1 to halt, power off or reboot; as PID 1
   (--final), the last stage: kill what is left, sync, unmount, reboot(2). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "diagout.h"
#include "exitcode.h"
#include "svpaths.h"
#include "linux-syscall.h"
#include "pidns.h"
#include "procstat.h"

#define USAGE "vigil-shutdown [ -f ] halt|poweroff|reboot | vigil-shutdown --final [ -g GRACE_MS ] MODE | halt|poweroff|reboot [ -f ] | shutdown [ -f ] -h|-p|-r [ now | +MIN ]"

/* Stragglers get this long between SIGTERM and SIGKILL: the services had
   their own deadlines already, so what is left is mostly their orphans. */
#define FINAL_GRACE_MS 3000
/* After SIGKILL only a process stuck in the kernel (D state) can stay. */
#define FINAL_KILL_WAIT_MS 5000
/* The kernel's defaults for init (INR_OPEN_CUR, INR_OPEN_MAX): the scanner
   raised its own for thousands of pipes. */
#define DEFAULT_NOFILE_SOFT 1024
#define DEFAULT_NOFILE_HARD 4096
/* sync waits on every disk: a healthy one flushes in seconds. */
#define FINAL_SYNC_MS 15000
/* Unmounting everything takes milliseconds; a walk that hangs never ends. */
#define FINAL_UNMOUNT_MS 10000
/* The highest signal number of Linux. */
#define KERNEL_NSIG 64
/* Processes and busy mounts named one by one, at most: the console must
   not scroll for minutes past a fork bomb's leftovers. */
#define REPORT_MAX 32
/* /proc/PID/stat's flags (field 9) of a kernel thread (PF_KTHREAD in
   linux/sched.h): never ours to kill, never named. */
#define PROC_FLAG_KTHREAD 0x00200000U

char const *PROG = "vigil-shutdown";

enum mode { MODE_HALT, MODE_POWEROFF, MODE_REBOOT, MODE_COUNT };

/* Busybox's convention for the signal, so its halt/poweroff/reboot work too. */
static struct mode_info {
  char const *name;
  int signal;
  int howto;
} const modes[MODE_COUNT] = {
  [MODE_HALT] = { "halt", SIGUSR1, RB_HALT_SYSTEM },
  [MODE_POWEROFF] = { "poweroff", SIGUSR2, RB_POWER_OFF },
  [MODE_REBOOT] = { "reboot", SIGTERM, RB_AUTOBOOT },
};

/* Names PID 1 has when it is vigil. */
static char const *const vigil_names[] = { "vigil-scan", "vigil-init", "vigil-shutdown" };

static struct request {
  enum mode mode;
  int force;
  unsigned int delay_minutes;
} request;

static struct timespec final_start;

static int mode_by_name(char const *name, enum mode *mode)
{
  for (int i = 0; i < MODE_COUNT; i++)
    if (!strcmp(name, modes[i].name)) return (*mode = i, 1);
  return 0;
}

static char const *basename_of(char const *path)
{
  char const *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* ---- asking PID 1 ---- */

static int is_vigil_name(char const *name)
{
  for (size_t i = 0; i < sizeof vigil_names / sizeof vigil_names[0]; i++)
    if (!strcmp(name, vigil_names[i])) return 1;
  return 0;
}

/* PID 1's binary (or, for a script, its command name) is one of vigil's.
   A binary replaced by an upgrade reads "... (deleted)". */
static void check_pid1_is_vigil(void)
{
  char exe[PATH_MAX];
  char comm[64];
  ssize_t len = readlink("/proc/1/exe", exe, sizeof exe - 1);
  int fd;
  if (len > 0) {
    exe[len] = 0;
    if (len > 10 && !strcmp(exe + len - 10, " (deleted)")) exe[len - 10] = 0;
    if (is_vigil_name(basename_of(exe))) return;
  }
  fd = open("/proc/1/comm", O_RDONLY | O_CLOEXEC);
  len = fd < 0 ? -1 : read(fd, comm, sizeof comm - 1);
  if (fd >= 0) close(fd);
  if (len <= 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "read /proc/1/comm to find what PID 1 is");
  comm[len] = 0;
  comm[strcspn(comm, "\n")] = 0;
  if (is_vigil_name(comm)) return;
  strerr_dief(VIGIL_EXIT_USAGE, "PID 1 is not vigil (it is ", comm, "): use the tools of the running init");
}

/* -f: the scanner reads this file when the signal comes, and skips
   rc.shutdown and the services step. */
static void write_force_flag(void)
{
  char const *rundir = svpath_env_dir("VIGIL_RUNDIR", VIGIL_RUNDIR_DEFAULT);
  char path[PATH_MAX];
  char line[16];
  size_t len = strlen(modes[request.mode].name);
  if (svpath_join(path, rundir, VIGIL_FORCE_FLAG) < 0) strerr_dief(VIGIL_EXIT_USAGE, "VIGIL_RUNDIR is too long");
  memcpy(line, modes[request.mode].name, len);
  line[len++] = '\n';
  if (mkdir(rundir, 0755) < 0 && errno != EEXIST) strerr_diefusys(VIGIL_EXIT_SYSTEM, "create ", rundir);
  if (!openwritenclose_unsafe(path, line, len)) strerr_diefusys(VIGIL_EXIT_SYSTEM, "write ", path);
}

/* shutdown +MIN: the caller waits, in the foreground; interrupting it cancels. */
static void wait_minutes(unsigned int minutes)
{
  struct timespec until;
  if (!minutes) return;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += (time_t)minutes * 60;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, 0) == EINTR) {}
}

static void ask_pid1(void)
{
  char const *name = modes[request.mode].name;
  if (geteuid()) strerr_dief(VIGIL_EXIT_USAGE, "unable to ", name, ": permission denied: only root may stop the system");
  check_pid1_is_vigil();
  wait_minutes(request.delay_minutes);
  if (request.force) write_force_flag();
  if (kill(1, modes[request.mode].signal) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "signal PID 1 to ", name);
}

/* ---- the final stage, as PID 1 ---- */

/* "12.345s" since the final stage began. */
static void elapsed(char out[UINT64_FMT + 6])
{
  struct timespec now;
  uint64_t ms;
  size_t len;
  clock_gettime(CLOCK_MONOTONIC, &now);
  ms = (uint64_t)(now.tv_sec - final_start.tv_sec) * 1000 + (now.tv_nsec - final_start.tv_nsec) / 1000000;
  len = uint64_fmt(out, ms / 1000);
  out[len++] = '.';
  out[len++] = '0' + ms % 1000 / 100;
  out[len++] = '0' + ms % 100 / 10;
  out[len++] = '0' + ms % 10;
  out[len++] = 's';
  out[len] = 0;
}

#define step_line(...) do { \
  char when_[UINT64_FMT + 6]; \
  elapsed(when_); \
  strerr_warn(PROG, ": ", when_, ": ", __VA_ARGS__); \
} while (0)

static void noop_handler(int sig) { (void)sig; }

/* Empty mask, default dispositions, default fd limit, fds 0-2 only, cwd /:
   nothing the scanner had may hold us or a filesystem. */
static void clean_state(void)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  struct sigaction wake = { .sa_handler = noop_handler };
  struct rlimit files = { DEFAULT_NOFILE_SOFT, DEFAULT_NOFILE_HARD };
  sigset_t chld;
  sigemptyset(&dfl.sa_mask);
  /* glibc refuses its own two real-time signals: they stay as they are. */
  for (int sig = 1; sig <= KERNEL_NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, 0);
  sigemptyset(&chld);
  sigprocmask(SIG_SETMASK, &chld, 0);
  setrlimit(RLIMIT_NOFILE, &files);
  if (vigil_close_range(3, ~0U, 0) < 0)
    for (int fd = 3; fd < DEFAULT_NOFILE_HARD; fd++) close(fd);
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/console", O_RDWR | O_NOCTTY) < 0) open("/dev/null", O_RDWR);
  if (chdir("/") < 0) strerr_warnwusys("chdir to /");
  /* Child exits wake the waits below; blocked, they stay pending (PID 1
     would not get a signal at its default disposition at all). */
  sigemptyset(&wake.sa_mask);
  sigaction(SIGCHLD, &wake, 0);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, 0);
}

static void kill_all(int sig)
{
  if (getpid() != 1) strerr_dief(VIGIL_EXIT_BUG, "refusing kill(-1) when not PID 1");
  kill(-1, sig);
}

static void reboot_as_pid1(int howto)
{
  if (getpid() != 1) strerr_dief(VIGIL_EXIT_BUG, "refusing reboot(2) when not PID 1");
  reboot(howto);
}

/* Reaps until `which` is reaped (-1: until no process is left, ECHILD: as
   PID 1 every orphan is ours) or deadline_ms passes. Returns 1 when it is. */
static int wait_gone(pid_t which, unsigned int deadline_ms)
{
  struct timespec deadline, now;
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += deadline_ms / 1000;
  deadline.tv_nsec += (long)(deadline_ms % 1000) * 1000000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  for (;;) {
    struct timespec left;
    pid_t pid;
    while ((pid = waitpid(-1, 0, WNOHANG)) > 0)
      if (pid == which) return 1;
    if (pid < 0 && errno == ECHILD) return 1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    left.tv_sec = deadline.tv_sec - now.tv_sec;
    left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
    if (left.tv_nsec < 0) { left.tv_sec--; left.tv_nsec += 1000000000; }
    if (left.tv_sec < 0) return 0;
    sigtimedwait(&chld, 0, &left);
  }
}

/* How many children PID 1 still has (every process left is one, or the child of one). */
static char const *children_left(char out[UINT_FMT])
{
  char buf[4096];
  unsigned int count = 0;
  ssize_t len;
  int fd = open("/proc/1/task/1/children", O_RDONLY | O_CLOEXEC);
  len = fd < 0 ? -1 : read(fd, buf, sizeof buf);
  if (fd >= 0) close(fd);
  for (ssize_t i = 0; i < len; i++) count += buf[i] == ' ';
  out[uint_fmt(out, count)] = 0;
  return out;
}

/* One line for the process named by a /proc entry, unless it is us, a
   kernel thread or a zombie: "left after SIGKILL: PID (COMM) state D".
   Returns 1 when it was a process of ours to name. */
static int name_process(char const *when, char const *entry, int print)
{
  char path[PROCSTAT_PATH_MAX];
  char line[1024];
  char state[2] = { 0, 0 };
  char *comm, *end, *field;
  unsigned int flags = 0;
  pid_t pid;
  ssize_t len;
  if (!pid0_scan(entry, &pid) || pid <= 1) return 0;
  procstat_path(path, pid, "/stat");
  len = openreadnclose(path, line, sizeof line - 1);
  if (len <= 0) return 0;
  line[len] = 0;
  comm = strchr(line, '(');
  end = strrchr(line, ')');
  if (!comm || !end || end < comm || end[1] != ' ' || !end[2]) return 0;
  state[0] = end[2];
  /* Field 9, the sixth after the state. */
  field = end + 2;
  for (int i = 0; i < 6 && field; i++) field = strchr(field + 1, ' ');
  if (field) uint_scan(field + 1, &flags);
  if (flags & PROC_FLAG_KTHREAD || state[0] == 'Z' || state[0] == 'X') return 0;
  if (!print) return 1;
  *end = 0;
  /* A command name is the process's to choose: no control bytes on the console. */
  for (char *c = ++comm; *c; c++) if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
  step_line(when, entry, " (", comm, ") state ", state);
  return 1;
}

/* Every process still there (kernel threads and zombies aside), read from
   /proc with no allocation: PID 1's memory is what it is by now. */
static void name_processes(char const *when)
{
  /* Read as struct vigil_dirent64, whose fields are 8-byte aligned. */
  _Alignas(8) char entries[4096];
  unsigned int named = 0, more = 0;
  long len;
  int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    step_line("unable to open /proc to name what is left: ", strerror(errno));
    return;
  }
  while ((len = vigil_getdents64(fd, entries, sizeof entries)) > 0) {
    for (long at = 0; at < len;) {
      struct vigil_dirent64 const *entry = (struct vigil_dirent64 const *)(entries + at);
      at += entry->d_reclen;
      if (name_process(when, entry->d_name, named < REPORT_MAX)) {
        if (named < REPORT_MAX) named++;
        else more++;
      }
    }
  }
  close(fd);
  if (more) {
    char count[UINT_FMT];
    count[uint_fmt(count, more)] = 0;
    step_line(when, count, " more not named");
  }
}

/* Returns 1 when no process but us is left. */
static int kill_everything(unsigned int grace_ms)
{
  char count[UINT_FMT];
  kill_all(SIGTERM);
  kill_all(SIGCONT);
  if (wait_gone(-1, grace_ms)) {
    step_line("SIGTERM: every process is gone");
    return 1;
  }
  step_line("SIGTERM: ", children_left(count), " processes left after the grace time: SIGKILL");
  name_processes("left after SIGTERM: ");
  kill_all(SIGKILL);
  if (wait_gone(-1, FINAL_KILL_WAIT_MS)) {
    step_line("SIGKILL: every process is gone");
    return 1;
  }
  step_line("SIGKILL: ", children_left(count), " processes still left (stuck in the kernel?)");
  name_processes("left after SIGKILL: ");
  return 0;
}

/* In a child PID namespace the mounts belong to the host or the container
   manager, and the superblocks are shared with it. Without /proc nothing
   says: mount it; still nothing, and this is taken for the machine (a
   machine left read-write is the worse mistake). */
static int machine_namespace(void)
{
  enum pidns_kind kind = pidns_kind();
  if (kind == PIDNS_UNKNOWN) {
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
    kind = pidns_kind();
  }
  if (kind == PIDNS_UNKNOWN) step_line("no /proc to tell the PID namespace: taken for the machine's");
  return kind != PIDNS_CHILD;
}

/* sync(2) in a child, waited for at most FINAL_SYNC_MS: a dead NFS server
   with dirty pages would hold it forever; the remounts still try after. */
static void bounded_sync(void)
{
  pid_t pid = fork();
  if (pid < 0) {
    step_line("unable to fork for sync: ", strerror(errno), ": syncing in PID 1");
    sync();
    step_line("sync done");
    return;
  }
  if (!pid) {
    sync();
    _exit(0);
  }
  if (wait_gone(pid, FINAL_SYNC_MS)) step_line("sync done");
  else step_line("sync did not end in time: going on (a filesystem is not answering?)");
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
  char *out = s;
  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
      *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else *out++ = *s;
  }
  *out = 0;
}

/* The mount point of one mountinfo line (the fifth field), unescaped in
   place; 0 if the line is malformed. */
static char *mount_point(char *line)
{
  char *field = line;
  for (int i = 0; i < 4; i++) {
    field = strchr(field, ' ');
    if (!field) return 0;
    field++;
  }
  field[strcspn(field, " ")] = 0;
  unescape(field);
  return field;
}

static int under_root(char const *path, char const *root, size_t rootlen)
{
  if (rootlen == 1) return path[1] != 0;
  return !strncmp(path, root, rootlen) && path[rootlen] == '/';
}

static size_t lines_of(char const *s)
{
  size_t count = 1;
  for (; *s; s++) count += *s == '\n';
  return count;
}

/* The mount point the unmounting child works on, shared with PID 1: where
   it hangs, when it does. */
static char *unmounting;

/* Is PATH SKIP, or under it? */
static int at_or_under(char const *path, char const *skip)
{
  size_t len = strlen(skip);
  return !strncmp(path, skip, len) && (!path[len] || path[len] == '/' || (len == 1 && skip[0] == '/'));
}

/* Every mount under root, last mounted first, but SKIP and what is under
   it (0: none): unmounted, or remounted read-only when busy; then root
   itself read-only. */
static void unmount_all(char const *root, char const *skip)
{
  stralloc info = STRALLOC_ZERO;
  size_t rootlen = strlen(root);
  unsigned int gone = 0, readonly = 0, failed = 0;
  size_t count = 0;
  char **points;
  char n1[UINT_FMT], n2[UINT_FMT], n3[UINT_FMT];
  if (!openslurpclose(&info, "/proc/self/mountinfo") || !stralloc_0(&info)) {
    step_line("unable to read /proc/self/mountinfo: ", strerror(errno), ": unmounting nothing");
    return;
  }
  points = malloc((lines_of(info.s) + 1) * sizeof *points);
  if (!points) {
    step_line("unable to list the mounts: ", strerror(errno), ": unmounting nothing");
    stralloc_free(&info);
    return;
  }
  for (char *line = info.s; *line;) {
    char *newline = strchr(line, '\n');
    char *point;
    if (newline) *newline = 0;
    point = mount_point(line);
    if (point && under_root(point, root, rootlen)) points[count++] = point;
    line = newline ? newline + 1 : line + strlen(line);
  }
  /* Last mounted first: children before their parents. Each busy mount
     is named (what a process left behind holds), up to REPORT_MAX. */
  while (count--) {
    int busy;
    int named = readonly + failed < REPORT_MAX;
    if (skip && at_or_under(points[count], skip)) continue;
    if (unmounting) {
      size_t len = strlen(points[count]);
      if (len >= PATH_MAX) len = PATH_MAX - 1;
      memcpy(unmounting, points[count], len);
      unmounting[len] = 0;
    }
    if (!umount2(points[count], 0)) {
      gone++;
      continue;
    }
    if (errno == EINVAL || errno == ENOENT) continue;  /* went with another already */
    busy = errno;
    if (!mount(0, points[count], 0, MS_REMOUNT | MS_RDONLY, 0)) {
      if (named) step_line("not unmounted (", strerror(busy), "), remounted read-only: ", points[count]);
      readonly++;
    } else {
      if (named) step_line("not unmounted (", strerror(busy), "), nor remounted read-only (", strerror(errno), "): ", points[count]);
      failed++;
    }
  }
  free(points);
  stralloc_free(&info);
  n1[uint_fmt(n1, gone)] = 0;
  n2[uint_fmt(n2, readonly)] = 0;
  n3[uint_fmt(n3, failed)] = 0;
  step_line("unmount: ", n1, " unmounted, ", n2, " busy and remounted read-only, ", n3, " failed");
  if (unmounting) memcpy(unmounting, root, strlen(root) + 1);
  if (!mount(0, root, 0, MS_REMOUNT | MS_RDONLY, 0)) step_line("remounted ", root, " read-only");
  else step_line("unable to remount ", root, " read-only: ", strerror(errno));
}

/* The unmounts in a child, waited for at most FINAL_UNMOUNT_MS: a path
   through a filesystem that does not answer (a FUSE server stopped, an
   NFS server gone) holds umount2(2) on its walk forever. Returns 1 when
   it ended; else the child is killed (the wait is killable) and *STUCK
   names the mount it hung on. */
static int unmount_in_child(char const *root, char const *skip, char *stuck)
{
  pid_t pid = fork();
  if (pid < 0) {
    step_line("unable to fork to unmount: ", strerror(errno), ": unmounting in PID 1");
    unmount_all(root, skip);
    return 1;
  }
  if (!pid) {
    unmount_all(root, skip);
    _exit(0);
  }
  if (wait_gone(pid, FINAL_UNMOUNT_MS)) return 1;
  kill(pid, SIGKILL);
  if (unmounting) memcpy(stuck, unmounting, PATH_MAX);
  else stuck[0] = 0;
  return 0;
}

/* What hangs is passed over once: the second round unmounts the rest and
   remounts it, and the root, read-only, so that only the mounts on the
   path of the one not answering are left as they were. */
static void bounded_unmount(char const *root)
{
  char stuck[PATH_MAX];
  unmounting = mmap(0, PATH_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (unmounting == MAP_FAILED) unmounting = 0;
  if (unmounting) unmounting[0] = 0;
  if (unmount_in_child(root, 0, stuck)) return;
  if (!stuck[0] || !strcmp(stuck, root)) {
    step_line("unmounting did not end in time: going on (a filesystem is not answering?)");
    return;
  }
  step_line("unmounting did not end in time, stuck on ", stuck, ": going on without it (a filesystem is not answering?)");
  if (!unmount_in_child(root, stuck, stuck))
    step_line("unmounting without it did not end in time either: going on");
}

/* bad: why the mode is not what was asked (0 when it is). */
static void __attribute__((noreturn)) final_stage(enum mode mode, unsigned int grace_ms, char const *bad)
{
  char const *test_root = getenv("VIGIL_FINAL_ROOT");
  int alone;
  if (getpid() != 1) strerr_dief(VIGIL_EXIT_USAGE, "--final runs only as PID 1");
  clock_gettime(CLOCK_MONOTONIC, &final_start);
  clean_state();
  /* A console stopped or nobody reads must not keep the machine from
     reboot(2): what does not fit is dropped, and the count said. */
  diagout_init();
  if (bad) strerr_warnw(bad);
  step_line("final stage: ", modes[mode].name);
  alone = kill_everything(grace_ms);
  bounded_sync();
  /* A process stuck in the kernel (hard NFS, a dead disk) keeps its
     mounts busy, not the others: unmount what can be, and remount the
     rest read-only, which works while it only reads. */
  if (!alone) step_line("unmounting all the same: what is busy is remounted read-only");
  if (test_root && *test_root) bounded_unmount(test_root);
  else if (machine_namespace()) bounded_unmount("/");
  else step_line("in a child PID namespace: the mounts are left to the host");
  step_line(modes[mode].name);
  reboot_as_pid1(modes[mode].howto);
  strerr_warnwusys(modes[mode].name);
  for (;;)
    if (wait(0) < 0 && errno == ECHILD) pause();
}

/* ---- command lines ---- */

static void __attribute__((noreturn)) usage(void)
{
  strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
}

/* -f, then nothing: halt, poweroff, reboot. */
static void parse_force(int argc, char const *const *argv, int *next)
{
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "f", &l);
    if (opt == -1) break;
    if (opt != 'f') usage();
    request.force = 1;
  }
  *next = l.ind;
}

/* shutdown [-f] -h|-p|-r [now|+MIN] */
static void parse_shutdown(int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO;
  int chosen = 0;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "hprf", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'h': request.mode = MODE_HALT; chosen++; break;
      case 'p': request.mode = MODE_POWEROFF; chosen++; break;
      case 'r': request.mode = MODE_REBOOT; chosen++; break;
      case 'f': request.force = 1; break;
      default: usage();
    }
  }
  if (chosen != 1 || argc - l.ind > 1) usage();
  if (l.ind < argc && strcmp(argv[l.ind], "now")) {
    char const *when = argv[l.ind];
    size_t len = when[0] == '+' ? uint_scan(when + 1, &request.delay_minutes) : 0;
    if (!len || when[len + 1]) usage();
  }
}

static void __attribute__((noreturn)) parse_final(int argc, char const *const *argv)
{
  unsigned int grace_ms = FINAL_GRACE_MS;
  enum mode mode;
  int i = 2;
  int bad = 0;
  /* Whatever its arguments: started by hand, it touches nothing. */
  if (getpid() != 1) strerr_dief(VIGIL_EXIT_USAGE, "--final runs only as PID 1");
  if (i + 1 < argc && !strcmp(argv[i], "-g")) {
    bad = !uint0_scan(argv[i + 1], &grace_ms);
    i += 2;
  }
  bad = bad || argc != i + 1 || !mode_by_name(argv[i], &mode);
  if (!bad) final_stage(mode, grace_ms, 0);
  /* PID 1 must not exit on its arguments: the kernel would panic. */
  final_stage(MODE_HALT, FINAL_GRACE_MS, "bad arguments to --final: halting");
}

int main(int argc, char const *const *argv)
{
  char const *name = basename_of(argv[0]);
  int next;
  if (argc >= 2 && !strcmp(argv[1], "--final")) parse_final(argc, argv);
  if (!strcmp(name, "shutdown")) parse_shutdown(argc, argv);
  else if (mode_by_name(name, &request.mode)) {
    parse_force(argc, argv, &next);
    if (next != argc) usage();
  } else {
    parse_force(argc, argv, &next);
    if (next != argc - 1 || !mode_by_name(argv[next], &request.mode)) usage();
  }
  ask_pid1();
  return VIGIL_EXIT_OK;
}
