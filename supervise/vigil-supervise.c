/* vigil-supervise: keep one service dir's ./run running and obey supervise/control. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/iopause.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "daemon.h"
#include "deadline.h"
#include "diagout.h"
#include "exitcode.h"
#include "linux-syscall.h"
#include "procstat.h"
#include "spawn.h"
#include "svcontrol.h"
#include "svdir.h"
#include "svdir-policy.h"
#include "svpaths.h"
#include "svgroup.h"
#include "svstatus.h"
#include "supervise-cgroup.h"
#include "supervise-env.h"
#include "supervise-needs.h"
#include "supervise-notify.h"
#include "supervise-instance.h"
#include "supervise-spawn.h"
#include "supervise-state.h"

#define USAGE "vigil-supervise DIR"
/* Control bytes read per wakeup; more simply wait for the next one. */
#define CONTROL_READ_MAX 64
/* PROG names the service in every message: "vigil-supervise DIR". */
#define PROG_PREFIX "vigil-supervise "
#define PROG_MAX 256

char const *PROG = "vigil-supervise";

static struct {
  char prog[PROG_MAX];
  char const *dir;
  char const *instance;    /* an instance's ARG (its $1), or 0 */
  int selfpipe_fd;
  int control_fd;
  int control_writer_fd;   /* held so the fifo never reads EOF */
  int ok_fd;               /* held so svok's open succeeds */
  int notify_fd;           /* read end of the notification pipe, or -1 */
  int pidfd;               /* an adopted run's pidfd, or -1 */
  struct supervise_state state;
  char written[SVSTATUS_SIZE];  /* what supervise/status holds now */
  bool status_warned;
  enum svstatus_reason warned_reason;
  bool poll_armed;         /* held with no inotify: next_poll is set */
  tain next_poll;
} g;  /* zero, in .bss; the fds that start at -1 are set in setup */

/* Events an action reports back (a spawn: its pid or its failure). One
   step's actions report at most one; more waiting is a bug. */
#define EVENT_QUEUE_MAX 4

struct event_queue {
  unsigned int count;
  struct supervise_event list[EVENT_QUEUE_MAX];
};

static void bug(char const *what)
{
  strerr_dief(VIGIL_EXIT_BUG, "internal bug: ", what);
}

static void queue_push(struct event_queue *queue, struct supervise_event const *event)
{
  if (queue->count == EVENT_QUEUE_MAX) bug("event queue overflow");
  queue->list[queue->count++] = *event;
}

static uint64_t boot_ns(void)
{
  struct timespec since_boot;
  if (clock_gettime(CLOCK_BOOTTIME, &since_boot) < 0) return 0;
  return (uint64_t)since_boot.tv_sec * 1000000000u + (uint64_t)since_boot.tv_nsec;
}

static void read_clock(struct supervise_clock *now)
{
  tain_now_g();
  tain_copynow(&now->monotonic);
  svtime_now(&now->wall);
  now->boot_ns = boot_ns();
}

/* Warn once per streak of failures, so a full disk does not flood the log. */
static void write_status(void)
{
  char bytes[SVSTATUS_SIZE];
  svstatus_pack(bytes, &g.state.status);
  if (!memcmp(bytes, g.written, sizeof bytes)) return;
  if (svstatus_write(AT_FDCWD, &g.state.status) < 0) {
    if (!g.status_warned) strerr_warnwusys("write ", SVPATH_STATUS);
    g.status_warned = true;
    return;
  }
  g.status_warned = false;
  memcpy(g.written, bytes, sizeof bytes);
}

/* The same bytes again, replaced all the same: the rename is an event. */
static void write_status_again(void)
{
  memset(g.written, 0, sizeof g.written);
  write_status();
}

/* kill-process-group: on, off, or a warning and off. */
static bool group_flag(void)
{
  int on = 0;
  if (svdir_read_flag(AT_FDCWD, SVDIR_KILL_GROUP, &on) == SVDIR_INVALID) {
    strerr_warnwusys("read ", SVDIR_KILL_GROUP, " (must be empty, 0 or 1: signalling the run only)");
    return false;
  }
  return on;
}

/* kill-cgroup: absent, empty or 1, what a stop leaves in the cgroup is
   stopped too; 0, it is left (systemd's KillMode=process: an sshd whose
   sessions outlive its restart). */
static bool cgroup_kill_flag(void)
{
  int on = 1;
  switch (svdir_read_flag(AT_FDCWD, SVDIR_KILL_CGROUP, &on)) {
    case SVDIR_ABSENT:
      return true;
    case SVDIR_INVALID:
      strerr_warnwusys("read ", SVDIR_KILL_CGROUP, " (must be empty, 0 or 1: stopping the cgroup)");
      return true;
    case SVDIR_READ:
      break;
  }
  return on;
}

/* restart and give-up: bad contents are warned, and the service runs as
   without the file. */
static void read_policy(struct supervise_config *config)
{
  int restart = SVDIR_RESTART_ALWAYS;
  unsigned int deaths = 0, seconds = 0;
  if (svdir_read_restart(AT_FDCWD, &restart) == SVDIR_INVALID) {
    strerr_warnwusys("read ", SVDIR_RESTART, " (must be always, on-failure or never: restarting always)");
    restart = SVDIR_RESTART_ALWAYS;
  }
  config->restart = restart == SVDIR_RESTART_NEVER ? RESTART_NEVER
                  : restart == SVDIR_RESTART_ON_FAILURE ? RESTART_ON_FAILURE : RESTART_ALWAYS;
  if (svdir_read_give_up(AT_FDCWD, &deaths, &seconds) == SVDIR_INVALID) {
    strerr_warnwusys("read ", SVDIR_GIVE_UP, " (must be N T, both at least 1: never giving up)");
    deaths = 0;
  }
  config->give_up_deaths = deaths;
  config->give_up_window_ms = deaths ? seconds * 1000u : 0;
}

/* runit's ./check answers "is it working?" for sv, when asked: it is
   run every check-interval only when that file says so, so that the
   dirs written for runit (Debian's have a check) keep their behaviour. A
   dir without a ./check costs a stat. A bad check-interval is warned
   and no check runs; a bad check-failures is warned and 3 used. */
static void read_check(struct supervise_config *config)
{
  enum svdir_read_result r;
  config->check = false;
  config->check_interval_ms = CHECK_INTERVAL_DEFAULT_MS;
  config->check_failures_max = CHECK_FAILURES_DEFAULT;
  if (!svdir_executable(AT_FDCWD, SVDIR_CHECK)) return;
  r = svdir_read_uint(AT_FDCWD, SVDIR_CHECK_INTERVAL, &config->check_interval_ms);
  if (r == SVDIR_ABSENT) return;
  if (r == SVDIR_INVALID || !config->check_interval_ms) {
    if (r == SVDIR_READ) errno = EINVAL;
    strerr_warnwusys("read ", SVDIR_CHECK_INTERVAL, " (must be milliseconds, at least 1: no health check)");
    return;
  }
  config->check = true;
  config->check_after_ready = svdir_exists(AT_FDCWD, SVDIR_NOTIFICATION_FD) || svdir_exists(AT_FDCWD, SVDIR_NOTIFY_SOCKET);
  if (svdir_read_uint(AT_FDCWD, SVDIR_CHECK_FAILURES, &config->check_failures_max) == SVDIR_INVALID
      || !config->check_failures_max) {
    if (!config->check_failures_max) errno = EINVAL;
    strerr_warnwusys("read ", SVDIR_CHECK_FAILURES, " (must be a number, at least 1: using 3)");
    config->check_failures_max = CHECK_FAILURES_DEFAULT;
  }
}

static void read_config(struct supervise_config *config)
{
  config->down_signal = SIGTERM;
  config->timeout_kill_ms = 0;
  config->timeout_finish_ms = TIMEOUT_FINISH_DEFAULT_MS;
  if (svdir_read_signal(AT_FDCWD, SVDIR_DOWN_SIGNAL, &config->down_signal) == SVDIR_INVALID)
    strerr_warnwusys("read ", SVDIR_DOWN_SIGNAL, " (using TERM)");
  if (svdir_read_uint(AT_FDCWD, SVDIR_TIMEOUT_KILL, &config->timeout_kill_ms) == SVDIR_INVALID)
    strerr_warnwusys("read ", SVDIR_TIMEOUT_KILL, " (never killing)");
  if (svdir_read_uint(AT_FDCWD, SVDIR_TIMEOUT_FINISH, &config->timeout_finish_ms) == SVDIR_INVALID)
    strerr_warnwusys("read ", SVDIR_TIMEOUT_FINISH, " (using 5000)");
  config->kill_group = group_flag();
  config->cgroup = supervise_cgroup_on() && cgroup_kill_flag();
  read_policy(config);
  read_check(config);
}

static void close_notify(void)
{
  if (g.notify_fd >= 0) close(g.notify_fd);
  g.notify_fd = -1;
}

/* The notification fd the service wants, or -1. Opens the pipe in pipefd. */
static int open_notify(int pipefd[2])
{
  unsigned int fd;
  switch (svdir_read_uint(AT_FDCWD, SVDIR_NOTIFICATION_FD, &fd)) {
    case SVDIR_ABSENT:
      return -1;
    case SVDIR_INVALID:
      strerr_warnwusys("read ", SVDIR_NOTIFICATION_FD);
      return -1;
    case SVDIR_READ:
      break;
  }
  if (fd < 3 || fd > 1023) {
    strerr_warnw(SVDIR_NOTIFICATION_FD, " must be between 3 and 1023: ignored");
    return -1;
  }
  if (pipe2(pipefd, O_CLOEXEC) < 0) {
    strerr_warnwusys("create the notification pipe");
    return -1;
  }
  ndelay_on(pipefd[0]);
  return (int)fd;
}

static void warn_reason(enum svstatus_reason reason)
{
  if (reason == g.warned_reason) return;
  g.warned_reason = reason;
  switch (reason) {
    case SVSTATUS_REASON_RUN_MISSING:
      strerr_warnw("./", SVDIR_RUN, " is missing: retrying");
      return;
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE:
      strerr_warnw("./", SVDIR_RUN, " is not an executable file: retrying");
      return;
    case SVSTATUS_REASON_GAVE_UP: {
      char n[UINT_FMT], t[UINT_FMT];
      n[uint_fmt(n, g.state.config.give_up_deaths)] = 0;
      t[uint_fmt(t, g.state.config.give_up_window_ms / 1000)] = 0;
      strerr_warnw("gave up after ", n, " deaths within ", t, " seconds: down until svc -u");
      return;
    }
    case SVSTATUS_REASON_NOT_RESTARTED:   /* as asked, by ./restart */
    case SVSTATUS_REASON_UNHEALTHY:       /* said at the restart */
    case SVSTATUS_REASON_NONE:
    case SVSTATUS_REASON_SPAWN_FAILED:
    case SVSTATUS_REASON_FINISH_SAID_STOP:
    case SVSTATUS_REASON_THROTTLED:
    case SVSTATUS_REASON_UP_FAILED:   /* said with its exit code, at the exit */
    case SVSTATUS_REASON_NEEDS:       /* said by the gate, with the names */
      return;
  }
}

/* A oneshot (s6-rc's name): an executable ./up and no ./run. */
static bool is_oneshot(void)
{
  return svdir_oneshot(AT_FDCWD);
}

static void spawn_run(struct event_queue *queue)
{
  char const *run_argv[] = { "./" SVDIR_RUN, g.instance, 0 };
  char const *up_argv[] = { "./" SVDIR_UP, g.instance, 0 };
  char const *const *argv = run_argv;
  struct supervise_event event = { .type = EVENT_SPAWNED };
  int pipefd[2] = { -1, -1 };
  struct spawn_fd notify;
  int error;
  pid_t pid;
  /* needs/ first: a run held for them is not a start, nor a crash. */
  if (gate_check()) {
    event.type = EVENT_HELD;
    queue_push(queue, &event);
    return;
  }
  read_config(&g.state.config);
  event.oneshot = is_oneshot();
  /* A user that cannot be had: no run as root instead (backing off). */
  if (supervise_env_load() < 0) {
    event.type = EVENT_SPAWN_FAILED;
    event.reason = SVSTATUS_REASON_SPAWN_FAILED;
    queue_push(queue, &event);
    return;
  }
  if (event.oneshot) argv = up_argv;
  /* ./up ends when it is up: there is nothing to signal readiness. */
  notify.target = event.oneshot ? -1 : open_notify(pipefd);
  notify.source = pipefd[1];
  sdnotify_reset();
  if (!event.oneshot) sdnotify_before_spawn();
  error = spawn_clean(argv, &notify, notify.target >= 0 ? 1 : 0, &pid);
  sdnotify_after_spawn();
  if (pipefd[1] >= 0) close(pipefd[1]);
  if (error) {
    if (pipefd[0] >= 0) close(pipefd[0]);
    event.type = EVENT_SPAWN_FAILED;
    event.reason = spawn_failure_reason(error);
    if (event.reason == SVSTATUS_REASON_SPAWN_FAILED) {
      errno = error;
      strerr_warnwusys("spawn ./", SVDIR_RUN, " (backing off)");
    }
    warn_reason(event.reason);
    queue_push(queue, &event);
    return;
  }
  warn_reason(SVSTATUS_REASON_NONE);
  close_notify();
  g.notify_fd = pipefd[0];
  if (procstat_start_time(pid, &g.state.status.pid_start_time) < 0) g.state.status.pid_start_time = 0;
  event.pid = pid;
  queue_push(queue, &event);
}

/* ./finish gets s6's arguments: exit code (256 when killed, -1 when
   unknown), signal, dir. */
static void spawn_finish(struct event_queue *queue)
{
  int wstat = g.state.status.last_wait_status;
  char code[UINT_FMT], sig[UINT_FMT];
  char const *argv[] = { "./" SVDIR_FINISH, code, sig, g.dir, 0 };
  struct supervise_event event = { .type = EVENT_FINISH_SPAWNED };
  int error;
  code[uint_fmt(code, WIFSIGNALED(wstat) ? 256 : (unsigned int)WEXITSTATUS(wstat))] = 0;
  sig[uint_fmt(sig, WIFSIGNALED(wstat) ? (unsigned int)WTERMSIG(wstat) : 0)] = 0;
  /* An adopted run's exit status is unknown: say so rather than guess. */
  if (!g.state.status.has_exited) argv[1] = "-1";
  /* Its user could not be had: no finish as root instead. */
  if (!supervise_env_usable()) {
    event.type = EVENT_NO_FINISH;
    queue_push(queue, &event);
    return;
  }
  /* A oneshot's finish is its ./down, with no arguments (s6-rc's). */
  if (g.state.oneshot) {
    char const *down_argv[] = { "./" SVDIR_ONESHOT_DOWN, g.instance, 0 };
    if (access(SVDIR_ONESHOT_DOWN, X_OK) < 0) event.type = EVENT_NO_FINISH;
    else if ((error = spawn_clean(down_argv, 0, 0, &event.pid))) {
      errno = error;
      strerr_warnwusys("spawn ./", SVDIR_ONESHOT_DOWN, " (skipping it)");
      event.type = EVENT_NO_FINISH;
    }
    queue_push(queue, &event);
    return;
  }
  /* No finish is the common case: one access() instead of a failed spawn. */
  if (access(SVDIR_FINISH, X_OK) < 0) event.type = EVENT_NO_FINISH;
  else if ((error = spawn_clean(argv, 0, 0, &event.pid))) {
    errno = error;
    strerr_warnwusys("spawn ./", SVDIR_FINISH, " (skipping it)");
    event.type = EVENT_NO_FINISH;
  }
  queue_push(queue, &event);
}

/* ./check, as ./finish: the supervisor's fds 0-2 (the service's logger,
   when it has one). pid 0 when it cannot start: a failed check. */
static void spawn_check(struct event_queue *queue)
{
  static char const *const argv[] = { "./" SVDIR_CHECK, 0 };
  struct supervise_event event = { .type = EVENT_CHECK_SPAWNED };
  int error = spawn_clean(argv, 0, 0, &event.pid);
  if (error) {
    errno = error;
    strerr_warnwusys("spawn ./", SVDIR_CHECK, " (a failed check)");
    event.pid = 0;
  }
  queue_push(queue, &event);
}

/* An adopted run is signalled through its pidfd: its pid may be recycled
   once it dies, and it is no child of ours to keep the pid reserved. */
static void signal_child(pid_t pid, int pidfd, int sig)
{
  int r;
  if (pid <= 0) return;
  r = pidfd >= 0 ? vigil_pidfd_send_signal(pidfd, sig) : kill(pid, sig);
  if (r < 0 && errno != ESRCH) strerr_warnwusys("signal ", sig_name(sig));
}

/* Any process left in the run's group? (A zombie counts until reaped.) */
static bool group_alive(void)
{
  return g.state.group > 0 && (kill(-g.state.group, 0) == 0 || errno != ESRCH);
}

/* kill-process-group: the whole group, and the run itself when it is not
   in it (a MAINPID daemon that made a session of its own). */
static void signal_group(int sig)
{
  pid_t group = g.state.group, pid = g.state.pid;
  bool reached = group > 0 && kill(-group, sig) == 0;
  if (group > 0 && !reached && errno != ESRCH) strerr_warnwusys("signal ", sig_name(sig), " to the process group");
  if (pid > 0 && (!reached || getpgid(pid) != group)) signal_child(pid, g.pidfd, sig);
}

static void carry_out(struct supervise_action const *action, struct event_queue *queue)
{
  switch (action->type) {
    case ACTION_SPAWN_RUN:
      spawn_run(queue);
      return;
    case ACTION_SPAWN_FINISH:
      spawn_finish(queue);
      return;
    case ACTION_SIGNAL_RUN:
      signal_child(g.state.pid, g.pidfd, action->signal);
      return;
    case ACTION_SIGNAL_FINISH:
      signal_child(g.state.finish_pid, -1, action->signal);
      return;
    case ACTION_SIGNAL_GROUP:
      signal_group(action->signal);
      return;
    case ACTION_SIGNAL_CGROUP:
      supervise_cgroup_signal(action->signal);
      return;
    case ACTION_SPAWN_CHECK:
      spawn_check(queue);
      return;
    case ACTION_SIGNAL_CHECK:
      /* It leads a session of its own: what it started goes too. */
      if (g.state.check_pid > 0 && kill(-g.state.check_pid, action->signal) < 0)
        signal_child(g.state.check_pid, -1, action->signal);
      return;
    case ACTION_CHECK_GROUP:
      if (g.state.cgroup_stopping ? !supervise_cgroup_populated() : !group_alive())
        queue_push(queue, &(struct supervise_event){ .type = EVENT_GROUP_EMPTY, .cgroup_left = supervise_cgroup_populated() });
      return;
    case ACTION_EXIT:
      write_status();
      supervise_cgroup_remove();
      _exit(VIGIL_EXIT_OK);
  }
}

/* Step the state machine, write the status it implies, then act; events
   the actions report (a spawn's pid) are stepped in turn, from a queue:
   no action re-enters dispatch. */
static void dispatch(struct supervise_event const *first)
{
  struct event_queue queue = { .count = 1, .list = { *first } };
  unsigned int next = 0;
  while (next < queue.count) {
    struct supervise_event event = queue.list[next++];
    /* Emptied: the actions below may fill it from the start again. */
    if (next == queue.count) next = queue.count = 0;
    struct supervise_clock now;
    struct supervise_actions actions = { .count = 0 };
    read_clock(&now);
    enum svstatus_reason before = g.state.status.reason;
    if (!supervise_step(&g.state, &event, &now, &actions)) bug("impossible event, or too many actions, in the state machine");
    if (g.state.status.reason == SVSTATUS_REASON_GAVE_UP) warn_reason(SVSTATUS_REASON_GAVE_UP);
    if (g.state.status.reason == SVSTATUS_REASON_UNHEALTHY && before != SVSTATUS_REASON_UNHEALTHY)
      strerr_warnw("./", SVDIR_CHECK, " failed too many times in a row: restarting the service");
    /* Not held: no watch, no supervise/waiting, before the status says so. */
    if (g.state.phase != PHASE_HELD && (gate_fd() >= 0 || gate_polled())) gate_release();
    /* A spawn in progress reports back at once: write only the settled state. */
    if (g.state.phase != PHASE_STARTING && g.state.phase != PHASE_FINISH_STARTING) write_status();
    for (unsigned int i = 0; i < actions.count; i++) carry_out(&actions.list[i], &queue);
  }
}

static void handle_sdnotify(bool all);

static void reap_children(void)
{
  for (;;) {
    siginfo_t info = { .si_pid = 0 };
    int wstat;
    pid_t pid;
    /* Looked at before it is reaped: while the run is a zombie, what it
       said is still placed as its (its sender's /proc names it), and all
       of it is heard before its exit: a forking daemon's MAINPID= makes
       this the exit of its launcher, not of the service. */
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || !info.si_pid) return;
    pid = info.si_pid;
    if (pid == g.state.pid && g.state.phase == PHASE_RUNNING && sdnotify_fd() >= 0) handle_sdnotify(true);
    if (waitpid(pid, &wstat, WNOHANG) != pid) return;
    struct supervise_event event = { .wait_status = wstat };
    if (pid == g.state.pid && g.state.phase == PHASE_RUNNING) {
      close_notify();
      /* A MAINPID that became our child: its status is known, its pidfd done with. */
      if (g.pidfd >= 0) {
        close(g.pidfd);
        g.pidfd = -1;
      }
      event.type = EVENT_RUN_EXITED;
      event.group_left = g.state.config.kill_group && group_alive();
      event.cgroup_left = supervise_cgroup_populated();
    } else if (pid == g.state.finish_pid && g.state.phase == PHASE_FINISHING) {
      event.type = EVENT_FINISH_EXITED;
    } else if (pid == g.state.check_pid) {
      event.type = EVENT_CHECK_EXITED;
      event.pid = pid;
    } else {
      continue;
    }
    dispatch(&event);
  }
}

static void handle_signals(void)
{
  int sig;
  while ((sig = daemon_signal_read(g.selfpipe_fd)) > 0) {
    struct supervise_event event = { .type = EVENT_TERMINATE };
    switch (sig) {
      case SIGCHLD:
        reap_children();
        continue;
      case SIGHUP:
        event.type = EVENT_COMMAND;
        event.command = svcontrol_lookup('x');
        break;
      case SIGUSR1:
        /* Hand-over: the scanner starts a successor with other fds, which
           adopts the service. Leave it running, and go. */
        write_status();
        _exit(VIGIL_EXIT_OK);
      default: /* SIGTERM, SIGINT */
        break;
    }
    dispatch(&event);
  }
  if (sig < 0) strerr_warnwusys("read the signal fd");
}

static void handle_control(void)
{
  char bytes[CONTROL_READ_MAX];
  ssize_t len = read(g.control_fd, bytes, sizeof bytes);
  if (len < 0 && errno != EAGAIN && errno != EINTR) strerr_warnwusys("read ", SVPATH_CONTROL);
  for (ssize_t i = 0; i < len; i++) {
    struct supervise_event event = { .type = EVENT_COMMAND, .command = svcontrol_lookup((unsigned char)bytes[i]) };
    dispatch(&event);
  }
}

/* A newline means ready; anything else is ignored; EOF means never mind. */
static void handle_notify(void)
{
  char bytes[CONTROL_READ_MAX];
  ssize_t len = read(g.notify_fd, bytes, sizeof bytes);
  if (len < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (len > 0 && !memchr(bytes, '\n', (size_t)len)) return;
  close_notify();
  if (len > 0) {
    struct supervise_event event = { .type = EVENT_READY };
    dispatch(&event);
  }
}

/* An adopted run is no child of ours: its pidfd says when it is gone. */
static void handle_adopted_exit(void)
{
  struct supervise_event event = { .type = EVENT_RUN_EXITED, .exit_unknown = true };
  close(g.pidfd);
  g.pidfd = -1;
  event.group_left = g.state.config.kill_group && group_alive();
  event.cgroup_left = supervise_cgroup_populated();
  if (g.state.phase == PHASE_RUNNING) dispatch(&event);
}

/* MAINPID=: a forking daemon's real process, below the run, is watched
   through a pidfd as an adopted run is (it is no child of ours), and is
   what svc signals. The run, still our child, is reaped unheeded. */
static void watch_main_pid(pid_t pid)
{
  struct supervise_event event = { .type = EVENT_MAIN_PID, .pid = pid };
  int fd = vigil_pidfd_open(pid, 0);
  if (fd < 0) {
    strerr_warnwusys("watch the MAINPID the service named (keeping ./run's)");
    return;
  }
  coe(fd);
  if (g.pidfd >= 0) close(g.pidfd);
  g.pidfd = fd;
  dispatch(&event);
  if (procstat_start_time(pid, &g.state.status.pid_start_time) < 0) g.state.status.pid_start_time = 0;
  write_status();
}

static void handle_sdnotify(bool all)
{
  bool running = g.state.phase == PHASE_RUNNING;
  pid_t main_pid = 0;
  bool ready = sdnotify_read(running ? g.state.pid : 0, running ? g.state.status.pid_start_time : 0, all, &main_pid);
  if (main_pid && g.state.phase == PHASE_RUNNING && main_pid != g.state.pid) watch_main_pid(main_pid);
  if (ready) {
    struct supervise_event event = { .type = EVENT_READY };
    dispatch(&event);
  }
}

/* Something a held run waits for changed: look again. */
static void handle_gate(void)
{
  gate_drain();
  if (g.state.phase == PHASE_HELD && !gate_check()) {
    struct supervise_event event = { .type = EVENT_NEEDS_READY };
    dispatch(&event);
  }
}

enum loop_fd { FD_SELFPIPE, FD_CONTROL, FD_NOTIFY, FD_PIDFD, FD_GATE, FD_SDNOTIFY, FD_COUNT };

static void loop(void)
{
  for (;;) {
    iopause_fd fds[FD_COUNT];
    int slot[FD_COUNT];
    unsigned int nfds = 0;
    int wanted[FD_COUNT] = { g.selfpipe_fd, g.control_fd, g.notify_fd, g.pidfd, gate_fd(), sdnotify_fd() };
    tain deadline;
    int r;
    for (int which = 0; which < FD_COUNT; which++) {
      slot[which] = -1;
      if (wanted[which] < 0) continue;
      slot[which] = (int)nfds;
      fds[nfds++] = (iopause_fd){ .fd = wanted[which], .events = IOPAUSE_READ };
    }
    bool polling = g.state.phase == PHASE_HELD && gate_polled();
    if (!supervise_deadline(&g.state, &deadline)) deadline = tain_infinite;
    /* A fixed next look, not one pushed back by every other wakeup. */
    if (!polling) g.poll_armed = false;
    else {
      if (!g.poll_armed) {
        tain_now_g();
        deadline_after_ms(&g.next_poll, &STAMP, GATE_POLL_MS);
        g.poll_armed = true;
      }
      if (tain_less(&g.next_poll, &deadline)) deadline = g.next_poll;
    }
    r = iopause_g(fds, nfds, &deadline);
    if (r < 0) {
      if (errno != EINTR) strerr_warnwusys("iopause");
      continue;
    }
    if (r == 0) {
      struct supervise_event event = { .type = EVENT_TIMER };
      dispatch(&event);
    } else {
      /* Each handler may close fds: check each still is what we polled. */
      if (fds[slot[FD_SELFPIPE]].revents & IOPAUSE_READ) handle_signals();
      if (fds[slot[FD_CONTROL]].revents & IOPAUSE_READ) handle_control();
      if (slot[FD_NOTIFY] >= 0 && g.notify_fd == wanted[FD_NOTIFY] && fds[slot[FD_NOTIFY]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
        handle_notify();
      if (slot[FD_PIDFD] >= 0 && g.pidfd == wanted[FD_PIDFD] && fds[slot[FD_PIDFD]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))
        handle_adopted_exit();
      if (slot[FD_GATE] >= 0 && gate_fd() == wanted[FD_GATE] && fds[slot[FD_GATE]].revents & IOPAUSE_READ)
        handle_gate();
      if (slot[FD_SDNOTIFY] >= 0 && fds[slot[FD_SDNOTIFY]].revents & IOPAUSE_READ)
        handle_sdnotify(false);
    }
    if (polling && g.poll_armed && !tain_less(&STAMP, &g.next_poll)) {
      g.poll_armed = false;
      handle_gate();
    }
  }
}

static void make_fifo(char const *path)
{
  struct stat st;
  if (mkfifo(path, 0600) < 0 && errno != EEXIST) strerr_diefusys(VIGIL_EXIT_SYSTEM, "mkfifo ", g.dir, "/", path);
  if (stat(path, &st) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "stat ", g.dir, "/", path);
  if (!S_ISFIFO(st.st_mode))
    strerr_dief(VIGIL_EXIT_SYSTEM, "unable to use ", g.dir, "/", path, ": not a fifo (remove it)");
}

static int open_fifo(char const *path, int flags)
{
  struct stat st;
  int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", g.dir, "/", path);
  /* Checked again on the open fd: it may have been swapped since. */
  if (fstat(fd, &st) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "stat ", g.dir, "/", path);
  if (!S_ISFIFO(st.st_mode))
    strerr_dief(VIGIL_EXIT_SYSTEM, "unable to use ", g.dir, "/", path, ": not a fifo (remove it)");
  return fd;
}

static void take_lock(void)
{
  int fd = open(SVPATH_LOCK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", g.dir, "/", SVPATH_LOCK);
  /* flock, as daemontools and runit: each refuses to run beside the other. */
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK) strerr_dief(VIGIL_EXIT_SYSTEM, "unable to supervise ", g.dir, ": already supervised");
    strerr_diefusys(VIGIL_EXIT_SYSTEM, "lock ", g.dir, "/", SVPATH_LOCK);
  }
}

static void set_prog(char const *dir)
{
  size_t prefix = sizeof PROG_PREFIX - 1, len = strlen(dir);
  if (len > PROG_MAX - prefix - 1) len = PROG_MAX - prefix - 1;
  memcpy(g.prog, PROG_PREFIX, prefix);
  memcpy(g.prog + prefix, dir, len);
  g.prog[prefix + len] = 0;
  PROG = g.prog;
}

/* DIR/supervise, made or checked: a stranger's (a symlink or a dir
   planted in a dir others may write to) is never gone through. */
static void make_supervise(char const *dir)
{
  char uid[UID_FMT];
  uid_t owner;
  int r = svpath_make_supervise(AT_FDCWD, &owner);
  if (r < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "create ", dir, "/", SVPATH_SUPERVISE);
  if (r > 0) {
    uid[uid_fmt(uid, owner)] = 0;
    strerr_dief(VIGIL_EXIT_SYSTEM, "unable to use ", dir, "/", SVPATH_SUPERVISE, ": it belongs to uid ", uid,
                ", neither this supervisor's nor the owner of ", dir, ": not followed (remove it)");
  }
}

/* The dir we now stand in, whoever swapped what since the scanner looked
   (lib/trust.h): ours, or its parent's owner's; a dir a stranger slipped
   into a service dir (a log/ of theirs) would have us run their ./run. */
static void check_dir_owner(char const *dir)
{
  struct stat here, parent;
  char owner[UID_FMT];
  if (stat(".", &here) < 0 || stat("..", &parent) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "stat ", dir);
  if (here.st_uid == geteuid() || here.st_uid == parent.st_uid) return;
  owner[uid_fmt(owner, here.st_uid)] = 0;
  strerr_dief(VIGIL_EXIT_SYSTEM, "refusing ", dir, ": it belongs to uid ", owner,
              ", neither this supervisor's nor the owner of the dir that holds it");
}

static void setup(char const *dir)
{
  static int const trapped[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, 0 };
  g.dir = dir;
  g.instance = supervise_instance_setup(dir);
  g.notify_fd = g.pidfd = -1;
  sdnotify_init();
  daemon_sane_fds();
  /* A supervisor blocked on the console could not answer svc: its
     messages never block (its service's fd 2 still does). */
  diagout_init();
  gate_setup(dir);
  if (chdir(dir) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "chdir to ", dir);
  set_prog(dir);
  check_dir_owner(dir);
  make_supervise(dir);
  take_lock();
  supervise_cgroup_setup(dir);
  /* A cycle the supervisor before us showed may be mended: looked for
     again at the first wait. */
  unlink(SVPATH_CYCLE);
  make_fifo(SVPATH_OK);
  make_fifo(SVPATH_CONTROL);
  g.control_fd = open_fifo(SVPATH_CONTROL, O_RDONLY);
  g.control_writer_fd = open(SVPATH_CONTROL, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (g.control_writer_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", dir, "/", SVPATH_CONTROL);
  g.selfpipe_fd = daemon_trap(trapped);
  if (g.selfpipe_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "trap signals");
}

static enum supervise_want want_of(enum svstatus_want want)
{
  switch (want) {
    case SVSTATUS_WANT_UP: return WANT_UP;
    case SVSTATUS_WANT_DOWN: return WANT_DOWN;
    case SVSTATUS_WANT_NOTHING: return WANT_ONCE;
  }
  return WANT_UP;
}

/* A status written since the machine booted: one on a disk that kept it
   across a reboot (a live dir not on a tmpfs) speaks of processes gone.
   Only a oneshot up needs it (no process to check); a run is checked by
   its pid's start time, which a clock set forward (no RTC, then NTP)
   cannot fool. */
static bool status_of_this_boot(struct svstatus const *status)
{
  struct timespec since_boot;
  struct svtime now;
  if (clock_gettime(CLOCK_BOOTTIME, &since_boot) < 0) return true;
  svtime_now(&now);
  /* A second of slack for the two clocks read apart. */
  return status->changed.sec + (uint64_t)since_boot.tv_sec + 1 >= now.sec;
}

/* The process group of an adopted run: its own when it leads a session
   (as the run our spawn setsid()s, or a MAINPID daemon that made its
   own), else unknown, and never signalled as a group. */
static pid_t adopted_group(pid_t pid)
{
  pid_t group = getpgid(pid);
  return group > 1 && group == getsid(pid) ? group : 0;
}

/* The status of what is adopted; a supervisor of an earlier release
   (layout 1) kept no history: ours, begun at our start, goes on. */
static void adopt_status(struct svstatus const *previous)
{
  uint64_t supervised_ns = g.state.status.supervised_ns;
  g.state.status = *previous;
  if (!previous->supervised_ns) g.state.status.supervised_ns = supervised_ns;
}

/* A run left by a previous supervisor (killed -9, say, or handed over)
   is still running: take it over rather than start a second copy. Its
   identity is the pid and the pid's start time recorded in the status:
   the pidfd is opened first, so the pid checked is the one we keep. */
static int try_adopt(struct svstatus const *previous)
{
  struct supervise_event event = { .type = EVENT_ADOPT, .oneshot = is_oneshot() };
  uint64_t start_time;
  if (previous->state != SVSTATUS_RUN) return 0;
  /* A oneshot up has no process: what is kept is that ./up succeeded. */
  if (!previous->pid && previous->live && previous->ready && event.oneshot && status_of_this_boot(previous)) {
    adopt_status(previous);
    event.initial_want = want_of(previous->want);
    dispatch(&event);
    return 1;
  }
  if (!previous->pid || !previous->pid_start_time) return 0;
  g.pidfd = vigil_pidfd_open((pid_t)previous->pid, 0);
  if (g.pidfd < 0) return 0;
  coe(g.pidfd);
  if (procstat_start_time((pid_t)previous->pid, &start_time) < 0 || start_time != previous->pid_start_time) {
    close(g.pidfd);
    g.pidfd = -1;
    return 0;
  }
  adopt_status(previous);
  event.pid = (pid_t)previous->pid;
  event.group = adopted_group(event.pid);
  event.initial_want = want_of(previous->want);
  event.paused = previous->paused;
  strerr_warnw("adopting ./", SVDIR_RUN, " left running by a previous supervisor");
  dispatch(&event);
  return 1;
}

/* How to start when nothing is adopted. A status from a supervisor that
   was not asked to exit (killed -9, or handed over) still says what the
   service should be: svc -d holds. Otherwise ./down decides. A "once"
   whose run is gone is done: down. */
static enum supervise_want boot_want(struct svstatus const *previous, bool have_previous)
{
  if (have_previous && previous->live) {
    enum supervise_want want = want_of(previous->want);
    return want == WANT_ONCE ? WANT_DOWN : want;
  }
  return svdir_normally_down(AT_FDCWD) ? WANT_DOWN : WANT_UP;
}

static void start(void)
{
  struct svstatus previous;
  struct supervise_event boot = { .type = EVENT_BOOT };
  bool have_previous = svstatus_read(AT_FDCWD, &previous) > 0 && previous.format == SVSTATUS_FORMAT_VIGIL;
  if (have_previous && try_adopt(&previous)) return;
  /* Killed (or handed over) while it waited for the rest of a run's
     group: what is left of it must not hold the port of the next run. */
  if (have_previous && previous.group && svgroup_signal(&previous, SIGKILL))
    strerr_warnw("killed what was left of the process group of the previous run");
  /* Handed over, or killed and restarted, in this boot: the dir's
     history goes on (svstat -a's restarts, vigil-analyze's instants). */
  if (have_previous && previous.live && previous.supervised_ns && status_of_this_boot(&previous)) {
    g.state.status.restarts = previous.restarts;
    g.state.status.supervised_ns = previous.supervised_ns;
    g.state.status.first_spawn_ns = previous.first_spawn_ns;
    g.state.status.first_ready_ns = previous.first_ready_ns;
    g.state.status.spawned_ns = previous.spawned_ns;
  }
  boot.initial_want = boot_want(&previous, have_previous);
  dispatch(&boot);
}

int main(int argc, char const *const *argv)
{
  struct supervise_config config;
  if (argc != 2 || !argv[1][0]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  setup(argv[1]);
  read_config(&config);
  /* Also for an adopted run's ./finish, which follows no spawn of ours. */
  supervise_env_load();
  supervise_init(&g.state, &config);
  svtime_now(&g.state.status.changed);
  g.state.status.supervised_ns = boot_ns();
  start();
  /* Only now, with a status written: whoever sees svok succeed can read it. */
  write_status();
  g.ok_fd = open_fifo(SVPATH_OK, O_RDONLY);
  /* And once more: a dependent that read the status before ok had a
     reader took it for one left by a supervisor gone, and waits for a
     change in supervise/ (the open of ok is none). */
  write_status_again();
  loop();
}
