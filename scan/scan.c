/* vigil-scan's life: the first scan, rescans, signals, children, and the
   stop, driven by the state machine of scan-stop.c. */
#include <errno.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "deadline.h"
#include "diagout.h"
#include "exitcode.h"
#include "sdnotify.h"
#include "spawn.h"
#include "scan.h"
#include "scan-order.h"

/* What the scan dir's watch reports: entries coming, going, renamed; and its own end. */
#define WATCH_DIR (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct scan_state scan = {
  .dir_watch = -1,
  .inotify_fd = -1,
  .notify_fd = -1,
  .grace_ms = GRACE_DEFAULT_MS,
  .stop_deadline_ms = STOP_DEADLINE_DEFAULT_MS,
};

bool scan_stopping(void)
{
  return scan.stop.phase != STOP_RUNNING;
}

/* Without a watch on DIR, changes are seen by rescans every second. */
static void watch_dir(void)
{
  if (scan.inotify_fd < 0) return;
  scan.dir_watch = inotify_add_watch(scan.inotify_fd, ".", WATCH_DIR);
  if (scan.dir_watch < 0 && !scan.dir_watch_warned)
    strerr_warnwusys("watch ", scan.dir, " (rescanning every second instead)");
  scan.dir_watch_warned = scan.dir_watch < 0;
}

void scan_schedule_rescan(void)
{
  unsigned int ms = scan.dir_gone || scan.dir_watch < 0 ? DEGRADED_RESCAN_MS : scan.rescan_ms;
  scan.has_next_rescan = ms > 0 && !scan_stopping();
  if (!scan.has_next_rescan) return;
  deadline_in_ms(&scan.next_rescan, ms);
}

/* A periodic rescan, a look for DIR's return, or a retry of its watch. */
void scan_rescan(void)
{
  if (scan_stopping()) return;
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

static void tell_runtime(char const *message)
{
  if (scan.runtime_socket[0] && sdnotify_send(scan.runtime_socket, message) < 0)
    strerr_warnwusys("send ", message, " to NOTIFY_SOCKET ", scan.runtime_socket);
}

/* vigil-init's rc.init runner waits for this: supervision is up. With no
   runner, the container's runtime hears READY=1 from us. */
static void notify_ready(void)
{
  if (scan.notify_fd < 0) {
    tell_runtime("READY=1");
    return;
  }
  if (write(scan.notify_fd, "\n", 1) < 0) strerr_warnwusys("write to the notification fd");
  close(scan.notify_fd);
  scan.notify_fd = -1;
}

void scan_start(void)
{
  /* A flag left by a request PID 1 never acted on must not force the next stop. */
  if (scan.force_flag) unlink(scan.force_flag);
  /* A child that exited before the trap was set sent its SIGCHLD to nobody. */
  scan_reap();
  scan_stop_init(&scan.stop, scan.rc_shutdown != 0);
  watch_dir();
  scan_schedule_rescan();
  scan_full();
  notify_ready();
}

/* Closing inotify drops every watch at once: nothing more is reported,
   so nothing wakes the loop for nothing while the services go down. */
static void stop_scanning(void)
{
  scan.has_next_rescan = false;
  if (scan.inotify_fd < 0) return;
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++) {
    if (scan.table.services[slot].kind == SERVICE_FREE) continue;
    for (int role = 0; role < PART_COUNT; role++) scan_table_set_watch(&scan.table, slot, role, -1);
  }
  close(scan.inotify_fd);
  scan.inotify_fd = -1;
  scan.dir_watch = -1;
}

static void run_rc_shutdown(void)
{
  char const *argv[] = { scan.rc_shutdown, scan_stop_goal_name(scan.stop.goal), 0 };
  int error = spawn_clean(argv, 0, 0, &scan.rc_pid);
  if (!error) return;
  errno = error;
  strerr_warnwusys("run ", scan.rc_shutdown);
  scan.rc_pid = 0;
}

static void kill_rc_shutdown(void)
{
  if (scan.rc_pid <= 0) return;
  strerr_warnw(scan.rc_shutdown, " did not end in its share of the stop deadline: killing it");
  /* It runs in its own session (spawn_clean): its children go with it. */
  kill(-scan.rc_pid, SIGKILL);
  kill(scan.rc_pid, SIGKILL);
}

static void for_each_part(enum part_role role, void (*act)(uint32_t, enum part_role))
{
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++)
    if (scan.table.services[slot].kind == SERVICE_DIR && scan.table.services[slot].parts[role].pid > 0)
      act(slot, role);
}

static void term_part(uint32_t slot, enum part_role role)
{
  kill(scan.table.services[slot].parts[role].pid, SIGTERM);
}

/* Our children that no supervisor accounts for: what services left
   behind. Ours, so their pids cannot be reused before we reap them. */
static int term_stray(pid_t pid, void *context)
{
  (void)context;
  if (pid == scan.rc_pid || pid == scan.main_pid) return 0;
  kill(pid, SIGTERM);
  kill(pid, SIGCONT);
  return 0;
}

static void warn_escalation(char const *what, unsigned int count)
{
  char number[UINT_FMT];
  number[uint_fmt(number, count)] = 0;
  strerr_warnw("stop: ", what, " (", number, " left)");
}

/* PID 1 of a machine ends in vigil-shutdown --final; any other scanner
   exits (a container's PID 1 with its main program's code: the kernel
   then kills whatever is left in it). */
static void finish_stop(void)
{
  switch (scan.role) {
    case ROLE_DAEMON:
    case ROLE_CONTAINER:
      _exit(scan.stop.exit_code);
    case ROLE_MACHINE: {
      char const *argv[] = { scan.shutdown, "--final", scan_stop_goal_name(scan.stop.goal), 0 };
      /* The final stage says what we could not (our count of dropped bytes). */
      diagout_handover();
      execv(argv[0], (char *const *)argv);
      diagout_handover_failed();
      strerr_warnwusys("exec ", argv[0]);
      /* PID 1 must not exit: the kernel would panic. Stay and reap. */
      for (;;) if (wait(0) < 0 && errno == ECHILD) pause();
    }
  }
}

static void signal_main(int sig)
{
  if (scan.main_pid > 0) kill(scan.main_pid, sig);
}

static void carry_out(enum stop_action_type action)
{
  switch (action) {
    case STOP_ACTION_STOP_SCANNING:
      tell_runtime("STOPPING=1");
      stop_scanning();
      return;
    case STOP_ACTION_RUN_RC:
      run_rc_shutdown();
      return;
    case STOP_ACTION_KILL_RC:
      kill_rc_shutdown();
      return;
    case STOP_ACTION_DOWN_SERVICES:
      signal_main(SIGTERM);
      signal_main(SIGCONT);
      order_stop_begin();
      return;
    case STOP_ACTION_KILL_SERVICES:
      warn_escalation("deadline passed: killing services", scan.table.alive[PART_MAIN]);
      order_stop_all();
      signal_main(SIGKILL);
      for_each_part(PART_MAIN, part_kill);
      return;
    case STOP_ACTION_TERM_STRAYS:
      scan_each_child(term_stray, 0);
      return;
    case STOP_ACTION_TERM_LOGGERS:
      warn_escalation("loggers did not drain in time: stopping them", scan.table.alive[PART_LOG]);
      for_each_part(PART_LOG, term_part);
      return;
    case STOP_ACTION_KILL_LOGGERS:
      warn_escalation("killing loggers", scan.table.alive[PART_LOG]);
      for_each_part(PART_LOG, part_kill);
      return;
    case STOP_ACTION_EXIT:
      finish_stop();
      return;
  }
}

/* Events go to the state machine one at a time; what it asks for is done
   after it has returned, so it is never re-entered. */
static void stop_step(enum stop_event_type type, enum stop_goal goal, int exit_code, bool force)
{
  struct stop_event event = {
    .type = type,
    .goal = goal,
    .exit_code = exit_code,
    .force = force,
    .deadline_ms = scan.stop_deadline_ms,
    .counts = {
      .rc_running = scan.rc_pid > 0,
      /* A container's main program goes down with the services. */
      .services = scan.table.alive[PART_MAIN] + (scan.main_pid > 0),
      .loggers = scan.table.alive[PART_LOG],
    },
  };
  struct stop_actions actions = { .count = 0 };
  /* A machine has no "exit": its main command ending (vigil-init -- CMD)
     powers it off, as a VM that ran one job should. */
  if (scan.role == ROLE_MACHINE && event.goal == GOAL_EXIT) event.goal = GOAL_POWEROFF;
  tain_now_g();
  if (scan_stop_step(&scan.stop, &event, &STAMP, &actions) < 0)
    strerr_dief(VIGIL_EXIT_BUG, "internal error: too many stop actions for one event");
  for (unsigned int i = 0; i < actions.count; i++) carry_out(actions.list[i]);
}

void scan_stop(enum stop_goal goal, int exit_code)
{
  stop_step(STOP_EVENT_REQUEST, goal, exit_code, false);
}

void scan_stop_force(enum stop_goal goal)
{
  stop_step(STOP_EVENT_REQUEST, goal, -1, true);
}

void scan_stop_progress(void)
{
  if (scan_stopping()) stop_step(STOP_EVENT_CHANGED, scan.stop.goal, scan.stop.exit_code, false);
}

void scan_stop_timer(void)
{
  tain deadline;
  if (scan_stop_deadline(&scan.stop, &deadline) && !tain_future(&deadline))
    stop_step(STOP_EVENT_TIMER, scan.stop.goal, scan.stop.exit_code, false);
}

void scan_on_signal(int sig)
{
  enum stop_goal goal = GOAL_EXIT;
  switch (scan_signal_meaning(sig, scan.role, scan.main_pid > 0, &goal)) {
    case SIGNAL_REAP:
      scan_reap();
      return;
    case SIGNAL_RESCAN:
      scan_rescan();
      return;
    case SIGNAL_STOP:
      /* vigil-shutdown -f leaves its flag before it signals: read once, removed. */
      if (scan.force_flag && !unlink(scan.force_flag)) {
        strerr_warnw("stop forced: no rc.shutdown, services not brought down one by one");
        scan_stop_force(goal);
        return;
      }
      /* A container's code is its main program's, once that has exited. */
      scan_stop(goal, -1);
      return;
    case SIGNAL_FORWARD:
      signal_main(sig);
      return;
    case SIGNAL_UNEXPECTED:
      strerr_warnw("ignoring an unexpected signal");
      return;
  }
}

/* The container's main program is done: so is the container, with its code. */
static void main_exited(int wstat)
{
  scan.main_pid = 0;
  scan_stop(GOAL_EXIT, WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat));
}

static void rc_shutdown_exited(int wstat)
{
  scan.rc_pid = 0;
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return;
  strerr_warnw(scan.rc_shutdown, WIFSIGNALED(wstat) ? " was killed" : " failed", ": going on with the stop");
}

void scan_reap(void)
{
  int wstat;
  pid_t pid;
  /* Every child, and as subreaper (or PID 1) every orphan handed to us. */
  while ((pid = waitpid(-1, &wstat, WNOHANG)) > 0) {
    if (pid == scan.rc_pid) rc_shutdown_exited(wstat);
    else if (pid == scan.main_pid) main_exited(wstat);
    else service_child_exited(pid);
  }
}

int scan_earliest(tain *deadline)
{
  tain candidate;
  int found = 0;
  if (scan.has_next_rescan) {
    *deadline = scan.next_rescan;
    found = 1;
  }
  if (scan_table_earliest(&scan.table, &candidate) && (!found || tain_less(&candidate, deadline))) {
    *deadline = candidate;
    found = 1;
  }
  if (scan_stop_deadline(&scan.stop, &candidate) && (!found || tain_less(&candidate, deadline))) {
    *deadline = candidate;
    found = 1;
  }
  return found;
}

void scan_on_time(void)
{
  if (scan.has_next_rescan && !tain_future(&scan.next_rescan)) scan_rescan();
  service_deadlines();
  scan_stop_timer();
}
