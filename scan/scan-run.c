/* vigil-scan: starting, restarting and stopping the supervisors of each
   service dir and of its logger, and the pipe between them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "deadline.h"
#include "linux-syscall.h"
#include "procstat.h"
#include "scan-instance.h"
#include "svinstance.h"
#include "spawn.h"
#include "svgroup.h"
#include "svstatus.h"
#include "svdir.h"
#include "trust.h"
#include "scan.h"
#include "scan-order.h"

/* While a part waits for its dir to settle, any change restarts the grace. */
#define WATCH_PENDING (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB | IN_MODIFY | IN_ONLYDIR)
/* A running service dir is watched only for a log/ that appears. */
#define WATCH_RUNNING (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

/* The longest part_path: a name of the scan dir (a dir entry: NAME_MAX
   at most), /log, and /FILE (run, up, ...). Not PATH_MAX: these buffers
   are on the stack of PID 1, whose deepest page stays its own for life. */
#define PART_PATH_MAX (sizeof SVINSTANCE_DIR + NAME_MAX + sizeof "/" SVDIR_LOG "/" + 32)

/* NAME, NAME/log, or either followed by /FILE. */
static int part_path(char *out, size_t size, uint32_t slot, enum part_role role, char const *file)
{
  char const *name = service_at(slot)->name;
  size_t len = scan_instance_path(out, size, name);
  size_t need = len + (role == PART_LOG ? sizeof "/" SVDIR_LOG - 1 : 0) + (file ? 1 + strlen(file) : 0) + 1;
  if (!len || need > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  if (role == PART_LOG) strcat(out, "/" SVDIR_LOG);
  if (file) {
    strcat(out, "/");
    strcat(out, file);
  }
  return 0;
}

static char const *part_label(enum part_role role)
{
  return role == PART_LOG ? "/" SVDIR_LOG : "";
}

/* Is ./run there and executable (or, for a oneshot, ./up with no ./run)?
   When not, errno says why (svdir_executable). */
static bool part_runnable(uint32_t slot, enum part_role role)
{
  char path[PART_PATH_MAX];
  int saved;
  if (part_path(path, sizeof path, slot, role, SVDIR_RUN) < 0) return false;
  if (svdir_executable(AT_FDCWD, path)) return true;
  saved = errno;
  if (saved == ENOENT && part_path(path, sizeof path, slot, role, SVDIR_UP) == 0 && svdir_executable(AT_FDCWD, path))
    return true;
  errno = saved;
  return false;
}

/* One warning per waiting part, saying why it waits. */
static void warn_not_runnable(uint32_t slot, enum part_role role)
{
  struct service *service = service_at(slot);
  struct part *part = &service->parts[role];
  if (part->warned) return;
  part->warned = true;
  if (errno == ENOENT || errno == ENOEXEC)
    strerr_warnw(scan.dir, "/", service->name, part_label(role), ": no executable run: not started until it has one");
  else
    strerr_warnwusys("look into ", scan.dir, "/", service->name, part_label(role), " (not started until it can)");
}

static void part_watch(uint32_t slot, enum part_role role, uint32_t mask)
{
  char path[PART_PATH_MAX];
  int watch;
  if (scan.inotify_fd < 0 || part_path(path, sizeof path, slot, role, 0) < 0) return;
  watch = inotify_add_watch(scan.inotify_fd, path, mask);
  if (watch < 0) {
    /* A dir we cannot read was warned about already; rescans try again. */
    if (!service_at(slot)->parts[role].warned) strerr_warnwusys("watch ", scan.dir, "/", path);
    return;
  }
  /* Watching a dir twice (a log/ that is a symlink to its parent, say) gives the same wd. */
  if (scan_table_find_watch(&scan.table, watch) == SCAN_INDEX_NONE || service_at(slot)->parts[role].watch == watch)
    scan_table_set_watch(&scan.table, slot, role, watch);
}

static void part_unwatch(uint32_t slot, enum part_role role)
{
  int watch = service_at(slot)->parts[role].watch;
  if (watch < 0) return;
  inotify_rm_watch(scan.inotify_fd, watch);
  scan_table_set_watch(&scan.table, slot, role, -1);
}

static void part_deadline_in(uint32_t slot, enum part_role role, unsigned int ms)
{
  tain deadline;
  deadline_in_ms(&deadline, ms);
  scan_table_set_deadline(&scan.table, slot, role, &deadline);
}

static void part_pending(uint32_t slot, enum part_role role)
{
  struct part *part = &service_at(slot)->parts[role];
  part->state = PART_PENDING;
  if (part->watch < 0) part_watch(slot, role, WATCH_PENDING);
  part_deadline_in(slot, role, scan.grace_ms);
}

static void close_pipe(uint32_t slot)
{
  struct service *service = service_at(slot);
  for (int end = 0; end < 2; end++) {
    if (service->pipe[end] >= 0) close(service->pipe[end]);
    service->pipe[end] = -1;
  }
}

/* Is /proc/CHILD/what (an fd, or cwd) the file (dev, ino)? */
static bool child_holds(pid_t child, char const *what, dev_t dev, ino_t ino)
{
  char path[PROCSTAT_PATH_MAX];
  struct stat st;
  procstat_path(path, child, what);
  return !stat(path, &st) && st.st_dev == dev && st.st_ino == ino;
}

void scan_each_child(int (*visit)(pid_t, void *), void *context)
{
  stralloc children = STRALLOC_ZERO;
  /* The scanner has one thread: its children are all this thread's. */
  if (!openslurpclose(&children, "/proc/thread-self/children") || !stralloc_0(&children)) {
    stralloc_free(&children);
    return;
  }
  for (char *p = children.s; *p;) {
    uint64_t pid;
    size_t len = uint64_scan(p, &pid);
    if (!len) break;
    p += len;
    while (*p == ' ') p++;
    if (scan_table_find_pid(&scan.table, (pid_t)pid) != SCAN_INDEX_NONE) continue;
    if (visit((pid_t)pid, context)) break;
  }
  stralloc_free(&children);
}

struct orphan_search {
  char const *what;       /* /fd/0, /fd/1 or /cwd */
  dev_t dev;
  ino_t ino;
  struct part *part;
};

static int orphan_found(pid_t pid, void *context)
{
  struct orphan_search *search = context;
  uint64_t start_time;
  if (!child_holds(pid, search->what, search->dev, search->ino)) return 0;
  if (procstat_start_time(pid, &start_time) < 0) return 0;
  search->part->orphan = pid;
  search->part->orphan_start_time = start_time;
  return 1;
}

/* The status is gone with its dir (removed as its supervisor died), so
   find what the supervisor left among our children (we are their
   subreaper) by what it was given: the pipe as stdin (a logger) or as
   stdout (a logged service), else the service dir as cwd. Rare and
   bounded by our number of children. */
static void find_orphan(uint32_t slot, enum part_role role)
{
  struct service *service = service_at(slot);
  int pipe_end = service->pipe[role == PART_LOG ? 0 : 1];
  struct orphan_search search = {
    .what = role == PART_LOG ? "/fd/0" : "/fd/1",
    .dev = service->dev,
    .ino = service->ino,
    .part = &service->parts[role],
  };
  if (pipe_end >= 0) {
    struct stat st;
    if (fstat(pipe_end, &st) < 0) return;
    search.dev = st.st_dev;
    search.ino = st.st_ino;
  } else if (role == PART_MAIN) search.what = "/cwd";
  else return;
  scan_each_child(orphan_found, &search);
}

/* The supervisor of a part died: remember the run it may have left
   (kept from an earlier death when the status cannot be read now). A
   successor adopts it; if the dir goes first, stop_orphan stops it. */
static void note_orphan(uint32_t slot, enum part_role role)
{
  char path[PART_PATH_MAX];
  struct svstatus status;
  struct part *part = &service_at(slot)->parts[role];
  int dirfd;
  int readable = 0;
  if (part_path(path, sizeof path, slot, role, 0) < 0) return;
  dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd >= 0) {
    readable = svstatus_read(dirfd, &status) > 0;
    if (readable && status.format == SVSTATUS_FORMAT_VIGIL
        && status.state == SVSTATUS_RUN && status.pid && status.pid_start_time) {
      part->orphan = (pid_t)status.pid;
      part->orphan_start_time = status.pid_start_time;
    }
    /* Also when the run is gone but not all of its group (the supervisor
       died while it waited for the rest). */
    if (readable && status.format == SVSTATUS_FORMAT_VIGIL) part->orphan_group = (pid_t)status.group;
    close(dirfd);
  }
  if (!readable && !part->orphan) find_orphan(slot, role);
}

/* Signal pid only if it is still the process that started at start_time,
   through a pidfd so that the pid cannot be recycled in between. */
static void signal_same(pid_t pid, uint64_t start_time, int const *signals, unsigned int count)
{
  int pidfd = procstat_pidfd_same(pid, start_time);
  if (pidfd < 0) return;
  for (unsigned int i = 0; i < count; i++) vigil_pidfd_send_signal(pidfd, signals[i]);
  close(pidfd);
}

/* What a dead supervisor's status said of its run and group, as
   svgroup_signal reads it. */
static struct svstatus orphan_status(struct part const *part)
{
  struct svstatus status = { .format = SVSTATUS_FORMAT_VIGIL, .group = (uint32_t)part->orphan_group };
  if (part->orphan > 0) {
    status.state = SVSTATUS_RUN;
    status.pid = (uint32_t)part->orphan;
    status.pid_start_time = part->orphan_start_time;
  }
  return status;
}

/* A dir removed while its supervisor was dead: nobody will adopt what it
   left running, so stop that here (TERM, then CONT). */
static void stop_orphan(uint32_t slot, enum part_role role)
{
  static int const stop_signals[] = { SIGTERM, SIGCONT };
  struct part *part = &service_at(slot)->parts[role];
  if (part->orphan_group > 0) {
    struct svstatus status = orphan_status(part);
    svgroup_signal(&status, SIGTERM);
    svgroup_signal(&status, SIGCONT);
  }
  if (part->orphan > 0) signal_same(part->orphan, part->orphan_start_time, stop_signals, 2);
  part->orphan = 0;
  part->orphan_group = 0;
}

void part_kill(uint32_t slot, enum part_role role)
{
  static int const kill_signal[] = { SIGKILL };
  char path[PART_PATH_MAX];
  struct svstatus status;
  struct part *part = &service_at(slot)->parts[role];
  int dirfd;
  if (part_path(path, sizeof path, slot, role, 0) == 0
      && (dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
    if (svstatus_read(dirfd, &status) > 0 && status.format == SVSTATUS_FORMAT_VIGIL) {
      /* kill-process-group: the group goes with the run, or after it
         (its supervisor, killed next, can no longer stop it). */
      svgroup_signal(&status, SIGKILL);
      if (status.state == SVSTATUS_RUN && status.pid && status.pid_start_time)
        signal_same((pid_t)status.pid, status.pid_start_time, kill_signal, 1);
    }
    close(dirfd);
  }
  if (part->orphan_group > 0) {
    struct svstatus orphan = orphan_status(part);
    svgroup_signal(&orphan, SIGKILL);
  }
  if (part->orphan > 0) signal_same(part->orphan, part->orphan_start_time, kill_signal, 1);
  part->orphan = 0;
  part->orphan_group = 0;
  if (part->pid > 0) kill(part->pid, SIGKILL);
}

/* Start vigil-supervise on a part. The service's stdout is the pipe's write
   end, the logger's stdin its read end; the rest is the scanner's. */
static void part_start(uint32_t slot, enum part_role role)
{
  char path[PART_PATH_MAX];
  struct service *service = service_at(slot);
  struct part *part = &service->parts[role];
  char const *argv[] = { scan.supervisor, path, 0 };
  struct spawn_fd fd = role == PART_LOG
    ? (struct spawn_fd){ .target = 0, .source = service->pipe[0] }
    : (struct spawn_fd){ .target = 1, .source = service->pipe[1] };
  pid_t pid;
  int error;
  if (part_path(path, sizeof path, slot, role, 0) < 0) return;
  error = spawn_clean(argv, &fd, fd.source >= 0 ? 1 : 0, &pid);
  if (error) {
    /* Out of processes or memory: say so once, keep the others, retry. */
    errno = error;
    if (!part->warned) strerr_warnwusys("start a supervisor for ", scan.dir, "/", path, " (retrying every second)");
    part->warned = true;
    part_deadline_in(slot, role, SUPERVISOR_RESTART_MS);
    return;
  }
  if (scan_table_set_pid(&scan.table, slot, role, pid) < 0) {
    /* Untracked, its death would go unseen and a later kill could hit a
       recycled pid: take it back at once and try again later. */
    kill(pid, SIGKILL);
    waitpid(pid, 0, 0);
    if (!part->warned) strerr_warnwu("track a supervisor for ", scan.dir, "/", path, ": out of memory (retrying every second)");
    part->warned = true;
    part_deadline_in(slot, role, SUPERVISOR_RESTART_MS);
    return;
  }
  part->warned = false;
  scan_table_clear_deadline(&scan.table, slot, role);
  tain_copynow(&part->last_start);
  part->handing_over = false;
}

/* A pipe for a logger; on failure (out of fds) the service runs unlogged for now. */
static int open_pipe(uint32_t slot)
{
  struct service *service = service_at(slot);
  if (service->pipe[0] >= 0) return 0;
  if (pipe2(service->pipe, O_CLOEXEC) < 0) {
    /* Out of fds: say so once, keep the others, retry. */
    if (!service->parts[PART_LOG].warned)
      strerr_warnwusys("create the log pipe of ", scan.dir, "/", service->name, " (retrying every second)");
    service->parts[PART_LOG].warned = true;
    service->pipe[0] = service->pipe[1] = -1;
    return -1;
  }
  return 0;
}

/* The logger is runnable: pipe, its supervisor, and, if the service's
   supervisor already runs without the pipe, a hand-over: it exits leaving
   the service up (SIGUSR1), and its successor, started with the pipe as
   stdout, adopts the service. Output reaches the logger from the
   service's next start. */
static void log_start(uint32_t slot)
{
  struct service *service = service_at(slot);
  struct part *main_part = &service->parts[PART_MAIN];
  bool unlogged_supervisor = main_part->pid > 0 && service->pipe[1] < 0;
  service->parts[PART_LOG].state = PART_READY;
  part_unwatch(slot, PART_LOG);
  if (open_pipe(slot) < 0) {
    part_deadline_in(slot, PART_LOG, SUPERVISOR_RESTART_MS);
    return;
  }
  part_start(slot, PART_LOG);
  if (unlogged_supervisor) {
    main_part->handing_over = true;
    kill(main_part->pid, SIGUSR1);
  }
}

/* DIR/log, a symlink or a dir, planted by a stranger (a user who may
   add entries to DIR but neither owns it nor is us): never gone into,
   its run never started (lib/trust.h). Said once; the service runs
   unlogged. */
static bool log_trusted(uint32_t slot, char const *path)
{
  char uid[UID_FMT];
  struct part *log = &service_at(slot)->parts[PART_LOG];
  char name[PART_PATH_MAX];
  uid_t owner;
  int r, dirfd = scan_instance_path(name, sizeof name, service_at(slot)->name)
    ? open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  /* Cannot tell now (out of fds, say): the logger's supervisor checks
     its own dir once in it, where nothing can be swapped. */
  if (dirfd < 0) return true;
  r = trust_entry(dirfd, SVDIR_LOG, TRUST_ANY_TYPE, &owner);
  close(dirfd);
  if (r != 0) return true;
  if (!log->warned) {
    uid[uid_fmt(uid, owner)] = 0;
    strerr_warnw(scan.dir, "/", path, " belongs to uid ", uid, ", neither the scanner's nor the owner of ", name,
                 ": not followed, ", name, " runs unlogged");
  }
  log->warned = true;
  return false;
}

/* Decide what DIR/log is: nothing (absent, or a file: "no logger"), a
   logger to start, or a dir still without an executable run. */
void part_check_log(uint32_t slot)
{
  char path[PART_PATH_MAX];
  struct stat st;
  struct part *log = &service_at(slot)->parts[PART_LOG];
  if (log->state == PART_READY || service_at(slot)->removing) return;
  if (part_path(path, sizeof path, slot, PART_LOG, 0) < 0) return;
  if (!log_trusted(slot, path)) {
    log->state = PART_ABSENT;
    return;
  }
  if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
    /* A log that is there but leads nowhere must not pass unseen: the
       service's output goes to our stdout instead of its logger. */
    if (!log->warned && !lstat(path, &st) && S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
      strerr_warnw(scan.dir, "/", path, " is a symlink to nothing: ", service_at(slot)->name, " runs unlogged");
      log->warned = true;
    }
    log->state = PART_ABSENT;
    return;
  }
  if (part_runnable(slot, PART_LOG)) {
    log_start(slot);
    return;
  }
  warn_not_runnable(slot, PART_LOG);
  part_pending(slot, PART_LOG);
}

static void main_start(uint32_t slot)
{
  struct part *part = &service_at(slot)->parts[PART_MAIN];
  part->state = PART_READY;
  part->warned = false;
  scan_table_clear_deadline(&scan.table, slot, PART_MAIN);
  part_check_log(slot);
  /* Same dir, same watch: this only narrows what it reports. */
  part_watch(slot, PART_MAIN, WATCH_RUNNING);
  part_start(slot, PART_MAIN);
}

void service_appeared(uint32_t slot, bool at_once)
{
  if (at_once && part_runnable(slot, PART_MAIN)) {
    main_start(slot);
    return;
  }
  if (at_once) warn_not_runnable(slot, PART_MAIN);
  part_pending(slot, PART_MAIN);
}

void service_changed(uint32_t slot, enum part_role role)
{
  struct part *part = &service_at(slot)->parts[role];
  if (service_at(slot)->removing) return;
  if (part->state == PART_PENDING) part_pending(slot, role);
  else if (role == PART_MAIN) part_check_log(slot);
}

static void finalize(uint32_t slot)
{
  close_pipe(slot);
  part_unwatch(slot, PART_MAIN);
  part_unwatch(slot, PART_LOG);
  scan_table_remove(&scan.table, slot);
}

/* The service's side is gone: let the logger read the pipe to EOF and exit
   (SIGHUP: exit once down), bounded by LOGGER_DRAIN_MS. */
static void drain_logger(uint32_t slot)
{
  struct service *service = service_at(slot);
  if (service->pipe[1] >= 0) close(service->pipe[1]);
  service->pipe[1] = -1;
  if (service->parts[PART_LOG].pid <= 0) {
    stop_orphan(slot, PART_LOG);
    finalize(slot);
    return;
  }
  kill(service->parts[PART_LOG].pid, SIGHUP);
  part_deadline_in(slot, PART_LOG, LOGGER_DRAIN_MS);
}

/* Services first, loggers last: nothing a service says while stopping is lost. */
void service_remove(uint32_t slot)
{
  struct service *service = service_at(slot);
  if (service->kind == SERVICE_IGNORED) {
    scan_table_remove(&scan.table, slot);
    return;
  }
  if (service->removing) return;
  service->removing = true;
  for (int role = 0; role < PART_COUNT; role++) {
    scan_table_clear_deadline(&scan.table, slot, role);
    part_unwatch(slot, role);
  }
  if (service->parts[PART_MAIN].pid > 0) kill(service->parts[PART_MAIN].pid, SIGTERM);
  else {
    stop_orphan(slot, PART_MAIN);
    drain_logger(slot);
  }
}

static void part_died(uint32_t slot, enum part_role role)
{
  struct service *service = service_at(slot);
  struct part *part = &service->parts[role];
  tain restart;
  scan_table_set_pid(&scan.table, slot, role, 0);
  note_orphan(slot, role);
  if (service->removing) {
    /* Killed rather than stopped: what it ran must not outlive the dir. */
    stop_orphan(slot, role);
    if (role == PART_MAIN) {
      order_service_down(slot);
      drain_logger(slot);
    }
    else if (service->parts[PART_MAIN].pid <= 0) finalize(slot);
    return;
  }
  if (part->handing_over) {
    part_start(slot, role);
    return;
  }
  /* Throttled: a supervisor that cannot start must not spin. */
  deadline_after_ms(&restart, &part->last_start, SUPERVISOR_RESTART_MS);
  scan_table_set_deadline(&scan.table, slot, role, &restart);
}

int service_child_exited(pid_t pid)
{
  /* Not ours: an orphan we reaped as subreaper, e.g. a service whose
     supervisor was killed, once it exits. */
  uint32_t found = scan_table_find_pid(&scan.table, pid);
  if (found == SCAN_INDEX_NONE) return 0;
  part_died(found / PART_COUNT, found % PART_COUNT);
  return 1;
}

static void part_due(uint32_t slot, enum part_role role)
{
  struct service *service = service_at(slot);
  struct part *part = &service->parts[role];
  scan_table_clear_deadline(&scan.table, slot, role);
  if (service->removing) {
    /* The drain is over: stop the logger. */
    if (role == PART_LOG && part->pid > 0) kill(part->pid, SIGTERM);
    return;
  }
  switch (part->state) {
    case PART_ABSENT:
      return;
    case PART_PENDING:
      if (!part_runnable(slot, role)) {
        warn_not_runnable(slot, role);
        return;
      }
      if (role == PART_MAIN) main_start(slot);
      else log_start(slot);
      return;
    case PART_READY:
      if (part->pid > 0) return;
      if (role == PART_LOG) log_start(slot);
      else part_start(slot, role);
      return;
  }
}

void service_deadlines(void)
{
  struct scan_table *table = &scan.table;
  /* Backwards: clearing a deadline moves the last timer into this place. */
  for (uint32_t i = table->timer_count; i-- > 0;) {
    uint32_t slot;
    if (i >= table->timer_count) continue;
    slot = table->timers[i];
    for (int role = 0; role < PART_COUNT; role++) {
      struct part *part = &service_at(slot)->parts[role];
      if (service_at(slot)->kind != SERVICE_DIR) break;
      if (part->has_deadline && !tain_future(&part->deadline)) part_due(slot, role);
    }
  }
}
