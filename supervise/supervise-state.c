/* The supervisor's state machine: what to do on each event, in each phase. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "deadline.h"
#include "supervise-state.h"

/* More actions than SUPERVISE_ACTIONS_MAX is a bug: supervise_step says so. */
static void emit(struct supervise_actions *out, enum supervise_action_type type, int signal)
{
  if (out->count < SUPERVISE_ACTIONS_MAX) out->list[out->count++] = (struct supervise_action){ type, signal };
  else out->overflow = true;
}

unsigned int supervise_restart_delay_ms(unsigned int crashes)
{
  unsigned int delay = RESTART_MIN_INTERVAL_MS;
  for (unsigned int i = RESTART_FREE_CRASHES; i < crashes && delay < RESTART_MAX_DELAY_MS; i++)
    delay *= 2;
  return delay < RESTART_MAX_DELAY_MS ? delay : RESTART_MAX_DELAY_MS;
}

static void start_run(struct supervise_state *state, struct supervise_clock const *now,
                      struct supervise_actions *out)
{
  state->phase = PHASE_STARTING;
  state->started_at = now->monotonic;
  emit(out, ACTION_SPAWN_RUN, 0);
}

/* The explicit u and o commands start at once: throttling is for restarts
   nobody asked for. */
static void start_on_request(struct supervise_state *state, struct supervise_clock const *now,
                             struct supervise_actions *out)
{
  state->crashes = 0;
  state->deaths = 0;
  state->status.reason = SVSTATUS_REASON_NONE;
  start_run(state, now, out);
}

/* Does a stop reach the whole process group of the run? */
static bool group_stops(struct supervise_state const *state)
{
  return state->config.kill_group && state->group > 0 && !state->oneshot;
}

/* A signal that stops the service (the down-signal and its CONT, t, k, the
   timeout's KILL): to the run's whole group when the dir says so. */
static void signal_stop(struct supervise_state *state, int signal, struct supervise_actions *out)
{
  if (state->cgroup_stopping) {
    emit(out, ACTION_SIGNAL_CGROUP, signal);
    return;
  }
  if (!group_stops(state)) {
    emit(out, ACTION_SIGNAL_RUN, signal);
    return;
  }
  state->group_signalled = true;
  emit(out, ACTION_SIGNAL_GROUP, signal);
}

/* The run goes down: a check alive is killed, none starts. */
static void stop_check(struct supervise_state *state, struct supervise_actions *out)
{
  state->check_armed = false;
  if (state->check_pid <= 0 || state->check_stale) return;
  state->check_stale = true;
  emit(out, ACTION_SIGNAL_CHECK, SIGKILL);
}

/* Do checks run now? From the start, or readiness, until a stop. */
static bool checking(struct supervise_state const *state)
{
  return state->config.check && state->phase == PHASE_RUNNING && !state->term_sent &&
         (state->ready || !state->config.check_after_ready);
}

static void arm_check(struct supervise_state *state, struct supervise_clock const *now)
{
  state->check_armed = true;
  deadline_after_ms(&state->check_at, &now->monotonic, state->config.check_interval_ms);
}

static void send_down(struct supervise_state *state, struct supervise_clock const *now,
                      struct supervise_actions *out)
{
  int signal = state->config.down_signal;
  signal_stop(state, signal, out);
  /* A stopped process would never see the signal. */
  if (signal != SIGCONT && signal != SIGKILL) signal_stop(state, SIGCONT, out);
  state->paused = false;
  state->term_sent = true;
  stop_check(state, out);
  if (state->config.timeout_kill_ms && !state->kill_armed) {
    state->kill_armed = true;
    deadline_after_ms(&state->kill_at, &now->monotonic, state->config.timeout_kill_ms);
  }
}

/* restart and give-up, after a death of ./run that nobody asked for: is it
   the end? Then down, wanted down (a successor keeps it), until svc -u. */
static bool policy_stops(struct supervise_state *state)
{
  bool restart = state->config.restart == RESTART_ALWAYS ||
                 (state->config.restart == RESTART_ON_FAILURE && state->run_failed);
  if (!restart) {
    state->status.reason = SVSTATUS_REASON_NOT_RESTARTED;
  } else if (state->give_up_due) {
    state->status.reason = SVSTATUS_REASON_GAVE_UP;
    state->deaths = 0;
  } else {
    return false;
  }
  state->want = WANT_DOWN;
  return true;
}

/* ./run is gone and ./finish is done (or absent): restart, rest or exit. */
static void after_stop(struct supervise_state *state, struct supervise_clock const *now,
                       struct supervise_actions *out)
{
  tain stable_at;
  bool died = state->run_died;
  state->run_died = false;
  state->phase = PHASE_DOWN;
  if (state->want == WANT_ONCE) state->want = WANT_DOWN;
  if (state->exit_requested) {
    emit(out, ACTION_EXIT, 0);
    return;
  }
  if (state->want != WANT_UP) return;
  if (died && policy_stops(state)) return;
  deadline_after_ms(&stable_at, &state->started_at, RESTART_MIN_INTERVAL_MS);
  if (!tain_less(&now->monotonic, &stable_at)) {
    state->crashes = 0;
    start_run(state, now, out);
    return;
  }
  state->crashes++;
  deadline_after_ms(&state->restart_at, &state->started_at, supervise_restart_delay_ms(state->crashes));
  if (!tain_less(&now->monotonic, &state->restart_at)) {
    start_run(state, now, out);
    return;
  }
  state->phase = PHASE_WAITING;
  if (state->status.reason == SVSTATUS_REASON_NONE) state->status.reason = SVSTATUS_REASON_THROTTLED;
}

static void on_command(struct supervise_state *state, struct svcontrol_command const *command,
                       struct supervise_clock const *now, struct supervise_actions *out)
{
  enum supervise_phase phase = state->phase;
  bool running = phase == PHASE_RUNNING;
  bool idle = phase == PHASE_DOWN || phase == PHASE_WAITING;
  bool held = phase == PHASE_HELD;
  switch (command->action) {
    case SVCONTROL_INVALID:
      return;
    case SVCONTROL_UP:
      state->want = WANT_UP;
      if (idle) start_on_request(state, now, out);
      return;
    case SVCONTROL_ONCE:
      state->want = WANT_ONCE;
      if (idle) start_on_request(state, now, out);
      return;
    case SVCONTROL_DOWN:
      state->want = WANT_DOWN;
      if (state->status.reason == SVSTATUS_REASON_UNHEALTHY) state->status.reason = SVSTATUS_REASON_NONE;
      if (running) send_down(state, now, out);
      if (phase == PHASE_ONESHOT_UP) {
        /* ./down, carried out as the finish of the oneshot. */
        state->phase = PHASE_FINISH_STARTING;
        state->ready = false;
        state->status.changed = now->wall;
        emit(out, ACTION_SPAWN_FINISH, 0);
      }
      if (phase == PHASE_WAITING || held) {
        state->phase = PHASE_DOWN;
        state->status.reason = SVSTATUS_REASON_NONE;
      }
      return;
    case SVCONTROL_EXIT:
      state->exit_requested = true;
      if (idle || held) {
        state->phase = PHASE_DOWN;
        emit(out, ACTION_EXIT, 0);
      }
      return;
    case SVCONTROL_PAUSE:
    case SVCONTROL_CONTINUE:
      if (!running) return;
      state->paused = command->action == SVCONTROL_PAUSE;
      emit(out, ACTION_SIGNAL_RUN, command->signal);
      return;
    case SVCONTROL_SIGNAL:
      /* What is left of the group can still be killed by hand. */
      if (phase == PHASE_GROUP_STOPPING && command->signal == SIGKILL)
        emit(out, state->cgroup_stopping ? ACTION_SIGNAL_CGROUP : ACTION_SIGNAL_GROUP, SIGKILL);
      if (!running) return;
      if (command->signal == SIGTERM) state->term_sent = true;
      if (command->signal == SIGTERM || command->signal == SIGKILL) signal_stop(state, command->signal, out);
      else emit(out, ACTION_SIGNAL_RUN, command->signal);
      return;
  }
}

/* The group is empty (or will not empty even after SIGKILL): ./finish. */
static void group_stopped(struct supervise_state *state, struct supervise_actions *out)
{
  state->phase = PHASE_FINISH_STARTING;
  state->kill_armed = false;
  state->group_killed = false;
  state->cgroup_stopping = false;
  emit(out, ACTION_SPAWN_FINISH, 0);
}

/* GROUP_STOPPING's timer: the kill deadline, then a bounded wait for the
   SIGKILL to take; and a look at the group at every poll. */
static void on_group_timer(struct supervise_state *state, struct supervise_clock const *now,
                           struct supervise_actions *out)
{
  if (state->kill_armed && !tain_less(&now->monotonic, &state->kill_at)) {
    if (state->group_killed) {
      group_stopped(state, out);
      return;
    }
    state->group_killed = true;
    emit(out, state->cgroup_stopping ? ACTION_SIGNAL_CGROUP : ACTION_SIGNAL_GROUP, SIGKILL);
    deadline_after_ms(&state->kill_at, &now->monotonic, GROUP_KILL_GRACE_MS);
  }
  if (!tain_less(&now->monotonic, &state->group_poll_at)) {
    deadline_after_ms(&state->group_poll_at, &now->monotonic, GROUP_POLL_MS);
    emit(out, ACTION_CHECK_GROUP, 0);
  }
}

/* A check is due, or the one alive outlived its interval: killed, its
   exit (by SIGKILL) is a failure, and the next is armed then. */
static void on_check_timer(struct supervise_state *state, struct supervise_clock const *now,
                           struct supervise_actions *out)
{
  if (state->check_pid > 0) {
    state->check_armed = false;
    emit(out, ACTION_SIGNAL_CHECK, SIGKILL);
    return;
  }
  arm_check(state, now);
  emit(out, ACTION_SPAWN_CHECK, 0);
}

/* A check ended (pid 0: it could not start). K failures in a row restart
   the run as svc -t does, and the status says unhealthy until one passes. */
static void on_check_exited(struct supervise_state *state, struct supervise_event const *event,
                            struct supervise_clock const *now, struct supervise_actions *out)
{
  bool passed = event->pid > 0 && WIFEXITED(event->wait_status) && !WEXITSTATUS(event->wait_status);
  bool stale = state->check_stale;
  if (event->pid > 0) {
    if (event->pid != state->check_pid) return;
    state->check_pid = 0;
    state->check_stale = false;
  }
  if (!checking(state)) return;
  /* A check of the run before: the checks of this one go on. */
  if (stale) {
    if (!state->check_armed) arm_check(state, now);
    return;
  }
  arm_check(state, now);
  if (passed) {
    state->check_failures = 0;
    if (state->status.reason == SVSTATUS_REASON_UNHEALTHY) state->status.reason = SVSTATUS_REASON_NONE;
    return;
  }
  if (++state->check_failures < state->config.check_failures_max) return;
  state->check_failures = 0;
  state->status.reason = SVSTATUS_REASON_UNHEALTHY;
  send_down(state, now, out);
}

static void on_timer(struct supervise_state *state, struct supervise_clock const *now,
                     struct supervise_actions *out)
{
  switch (state->phase) {
    case PHASE_WAITING:
      if (!tain_less(&now->monotonic, &state->restart_at)) start_run(state, now, out);
      return;
    case PHASE_RUNNING:
      if (state->kill_armed && !tain_less(&now->monotonic, &state->kill_at)) {
        state->kill_armed = false;
        signal_stop(state, SIGKILL, out);
      }
      if (state->check_armed && !tain_less(&now->monotonic, &state->check_at)) {
        if (checking(state)) on_check_timer(state, now, out);
        else state->check_armed = false;
      }
      return;
    case PHASE_GROUP_STOPPING:
      on_group_timer(state, now, out);
      return;
    case PHASE_FINISHING:
      if (state->finish_kill_armed && !tain_less(&now->monotonic, &state->finish_kill_at)) {
        state->finish_kill_armed = false;
        emit(out, ACTION_SIGNAL_FINISH, SIGKILL);
      }
      return;
    case PHASE_DOWN:
    case PHASE_STARTING:
    case PHASE_FINISH_STARTING:
    case PHASE_HELD:
    case PHASE_ONESHOT_UP:
      return;
  }
}

static void on_spawned(struct supervise_state *state, pid_t pid, bool oneshot, struct supervise_clock const *now)
{
  state->phase = PHASE_RUNNING;
  state->oneshot = oneshot;
  state->pid = pid;
  state->ready = false;
  state->paused = false;
  state->term_sent = false;
  state->status.changed = now->wall;
  /* Unhealthy is said across the restart it made, until a check passes. */
  if (state->status.reason != SVSTATUS_REASON_UNHEALTHY) state->status.reason = SVSTATUS_REASON_NONE;
  state->check_armed = false;
  state->check_failures = 0;
  if (state->config.check && !state->config.check_after_ready && !oneshot && !state->check_pid) arm_check(state, now);
  if (state->status.first_spawn_ns) state->status.restarts++;
  else state->status.first_spawn_ns = now->boot_ns;
  state->status.spawned_ns = now->boot_ns;
  /* Spawned with setsid: the run leads a group of its own. */
  state->group = oneshot ? 0 : pid;
  state->group_signalled = false;
  state->group_killed = false;
}

/* A oneshot's ./up ended. Exit 0: up and ready, with no process, unless it
   was asked down meanwhile (then its ./down runs, as a finish). Anything
   else: down and failed, and only svc -u tries again. Returns false when
   the usual finish follows. */
static bool oneshot_up_exited(struct supervise_state *state, struct supervise_event const *event,
                              struct supervise_clock const *now, struct supervise_actions *out)
{
  bool success = !event->exit_unknown && WIFEXITED(event->wait_status) && !WEXITSTATUS(event->wait_status);
  if (success && (state->want == WANT_DOWN || state->exit_requested)) return false;
  if (success) {
    state->phase = PHASE_ONESHOT_UP;
    state->ready = true;
    state->status.ready_at = now->wall;
    if (!state->status.first_ready_ns) state->status.first_ready_ns = now->boot_ns;
    return true;
  }
  state->phase = PHASE_DOWN;
  state->status.reason = SVSTATUS_REASON_UP_FAILED;
  if (state->want == WANT_ONCE) state->want = WANT_DOWN;
  if (state->exit_requested) emit(out, ACTION_EXIT, 0);
  return true;
}

/* GROUP_STOPPING's start, for the group or the cgroup (signal_stop
   chooses): the down-signal and CONT unless a stop reached it already,
   SIGKILL at the kill deadline a stop armed (or one armed now), and a
   look every GROUP_POLL_MS. */
static void stop_leftovers(struct supervise_state *state, struct supervise_clock const *now,
                           struct supervise_actions *out, bool signalled)
{
  state->phase = PHASE_GROUP_STOPPING;
  state->group_killed = false;
  if (!signalled) {
    int signal = state->config.down_signal;
    signal_stop(state, signal, out);
    if (signal != SIGCONT && signal != SIGKILL) signal_stop(state, SIGCONT, out);
  }
  if (!state->kill_armed) {
    state->kill_armed = true;
    deadline_after_ms(&state->kill_at, &now->monotonic,
                      state->config.timeout_kill_ms ? state->config.timeout_kill_ms : GROUP_KILL_DEFAULT_MS);
  }
  deadline_after_ms(&state->group_poll_at, &now->monotonic, GROUP_POLL_MS);
}

/* kill-process-group, and ./run is gone but not all of its group: that
   rest is part of the service and goes down too (the down-signal, unless
   a stop reached it already), before ./finish and any restart, so that
   the next run finds its port free. Bounded by timeout-kill (or
   GROUP_KILL_DEFAULT_MS), then SIGKILL. */
static void stop_group(struct supervise_state *state, struct supervise_clock const *now,
                       struct supervise_actions *out)
{
  stop_leftovers(state, now, out, state->group_signalled);
}

/* A failure: an exit code not 0, or a signal (a stop's signal never gets
   here: a run a stop ended is no death). Unknown (an adopted run's) is a
   failure: on-failure then restarts, as a supervisor would that knew
   nothing. */
static bool run_failed(struct supervise_event const *event)
{
  if (event->exit_unknown) return true;
  return !WIFEXITED(event->wait_status) || WEXITSTATUS(event->wait_status) != 0;
}

/* give-up N T: counts deaths from the first for T, then starts the count
   again (systemd's start-limit window, no history to keep). Returns: the Nth. */
static bool count_death(struct supervise_state *state, struct supervise_clock const *now)
{
  tain window_end;
  if (!state->config.give_up_deaths) return false;
  deadline_after_ms(&window_end, &state->deaths_since, state->config.give_up_window_ms);
  if (!state->deaths || !tain_less(&now->monotonic, &window_end)) {
    state->deaths = 0;
    state->deaths_since = now->monotonic;
  }
  return ++state->deaths >= state->config.give_up_deaths;
}

/* Kept for after_stop: the policy decides once ./finish is done. A run
   that a stop ended (d, t, the supervisor's TERM: the down-signal or TERM
   sent, and timeout-kill's KILL after) is no death: t restarts whatever
   the policy. */
static void note_death(struct supervise_state *state, struct supervise_event const *event,
                       struct supervise_clock const *now)
{
  state->run_died = !state->term_sent;
  if (!state->run_died) return;
  state->run_failed = run_failed(event);
  state->give_up_due = count_death(state, now);
}

/* The service has a cgroup, and a stop (not a death of its own: runit
   leaves what a crashed run started) ended ./run with processes still in
   it (after its group, with kill-process-group): they are part of what
   was stopped, and get what the group would: the down-signal and CONT,
   SIGKILL at timeout-kill (or GROUP_KILL_DEFAULT_MS), then a bounded wait
   for the cgroup to empty, before ./finish and any restart. */
static void stop_cgroup(struct supervise_state *state, struct supervise_clock const *now,
                        struct supervise_actions *out)
{
  state->cgroup_stopping = true;
  stop_leftovers(state, now, out, false);
}

/* Is what the cgroup holds to be stopped? A stop ended the run, not a death. */
static bool cgroup_stops(struct supervise_state const *state, struct supervise_event const *event)
{
  return event->cgroup_left && state->config.cgroup && !state->oneshot && !state->run_died;
}

static void on_run_exited(struct supervise_state *state, struct supervise_event const *event,
                          struct supervise_clock const *now, struct supervise_actions *out)
{
  bool group_left = event->group_left && group_stops(state);
  bool cgroup_left;
  if (!state->oneshot) note_death(state, event, now);
  cgroup_left = cgroup_stops(state, event);
  stop_check(state, out);
  state->phase = PHASE_FINISH_STARTING;
  state->pid = 0;
  state->ready = false;
  state->paused = false;
  state->term_sent = false;
  /* A kill deadline set by the stop still bounds the wait for the group. */
  if (!group_left && !cgroup_left) state->kill_armed = false;
  state->status.changed = now->wall;
  state->status.has_exited = !event->exit_unknown;
  state->status.last_wait_status = event->exit_unknown ? 0 : event->wait_status;
  state->status.pid_start_time = 0;
  if (state->oneshot && oneshot_up_exited(state, event, now, out)) return;
  if (group_left) {
    stop_group(state, now, out);
    return;
  }
  if (cgroup_left) {
    stop_cgroup(state, now, out);
    return;
  }
  emit(out, ACTION_SPAWN_FINISH, 0);
}

static void on_finish_spawned(struct supervise_state *state, pid_t pid, struct supervise_clock const *now)
{
  state->phase = PHASE_FINISHING;
  state->finish_pid = pid;
  state->finish_kill_armed = state->config.timeout_finish_ms != 0;
  if (state->finish_kill_armed)
    deadline_after_ms(&state->finish_kill_at, &now->monotonic, state->config.timeout_finish_ms);
}

static void on_finish_exited(struct supervise_state *state, int wait_status,
                             struct supervise_clock const *now, struct supervise_actions *out)
{
  state->finish_pid = 0;
  state->finish_kill_armed = false;
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == FINISH_EXIT_NO_RESTART) {
    state->want = WANT_DOWN;
    state->status.reason = SVSTATUS_REASON_FINISH_SAID_STOP;
  }
  after_stop(state, now, out);
}

/* Status fields that follow from the state, kept in one place. */
static void sync_status(struct supervise_state *state)
{
  struct svstatus *status = &state->status;
  status->format = SVSTATUS_FORMAT_VIGIL;
  status->pid = state->phase == PHASE_RUNNING ? (uint32_t)state->pid : 0;
  status->group = group_stops(state) && (state->phase == PHASE_RUNNING || state->phase == PHASE_GROUP_STOPPING)
    ? (uint32_t)state->group : 0;
  /* A oneshot up has no process: RUN with pid 0, ready. */
  status->paused = state->paused;
  status->term_sent = state->term_sent;
  status->ready = state->ready;
  /* Until asked to exit, this supervisor's want and paused are the
     service's: a successor after a kill -9 or a hand-over keeps them. */
  status->live = !state->exit_requested;
  switch (state->want) {
    case WANT_UP: status->want = SVSTATUS_WANT_UP; break;
    case WANT_DOWN: status->want = SVSTATUS_WANT_DOWN; break;
    case WANT_ONCE: status->want = SVSTATUS_WANT_NOTHING; break;
  }
  switch (state->phase) {
    case PHASE_RUNNING:
    case PHASE_ONESHOT_UP: status->state = SVSTATUS_RUN; break;
    case PHASE_FINISH_STARTING:
    case PHASE_FINISHING:
    case PHASE_GROUP_STOPPING: status->state = SVSTATUS_FINISH; break;
    case PHASE_DOWN:
    case PHASE_STARTING:
    case PHASE_WAITING:
    case PHASE_HELD: status->state = SVSTATUS_DOWN; break;
  }
}

void supervise_init(struct supervise_state *state, struct supervise_config const *config)
{
  memset(state, 0, sizeof *state);
  state->phase = PHASE_DOWN;
  state->want = WANT_DOWN;
  state->config = *config;
  sync_status(state);
}

/* Can this event come in this phase? The supervisor reports a spawn only
   after asking for one, a death only of the run or finish it watches, and
   boots once. Anything else is a bug. A late timer or a stray newline on
   the notification fd are not: they change nothing. */
static bool possible(enum supervise_phase phase, enum supervise_event_type type)
{
  switch (type) {
    case EVENT_BOOT:
    case EVENT_ADOPT:
      switch (phase) {
        case PHASE_DOWN: return true;
        case PHASE_STARTING:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISH_STARTING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    case EVENT_SPAWNED:
    case EVENT_SPAWN_FAILED:
      switch (phase) {
        case PHASE_STARTING: return true;
        case PHASE_DOWN:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISH_STARTING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    case EVENT_HELD:
      switch (phase) {
        case PHASE_STARTING: return true;
        case PHASE_DOWN:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISH_STARTING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    case EVENT_RUN_EXITED:
      switch (phase) {
        case PHASE_RUNNING: return true;
        case PHASE_DOWN:
        case PHASE_STARTING:
        case PHASE_WAITING:
        case PHASE_FINISH_STARTING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    case EVENT_FINISH_SPAWNED:
    case EVENT_NO_FINISH:
      switch (phase) {
        case PHASE_FINISH_STARTING: return true;
        case PHASE_DOWN:
        case PHASE_STARTING:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    case EVENT_FINISH_EXITED:
      switch (phase) {
        case PHASE_FINISHING: return true;
        case PHASE_DOWN:
        case PHASE_STARTING:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISH_STARTING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return false;
      }
      return false;
    /* Commands come between steps, never while a spawn is being reported. */
    case EVENT_COMMAND:
    case EVENT_TERMINATE:
      switch (phase) {
        case PHASE_DOWN:
        case PHASE_WAITING:
        case PHASE_RUNNING:
        case PHASE_FINISHING:
        case PHASE_HELD:
        case PHASE_ONESHOT_UP:
        case PHASE_GROUP_STOPPING: return true;
        case PHASE_STARTING:
        case PHASE_FINISH_STARTING: return false;
      }
      return false;
    /* A need's change may be seen after a command took the service down. */
    case EVENT_READY:
    case EVENT_TIMER:
    case EVENT_NEEDS_READY:
    case EVENT_MAIN_PID:
    /* A look at the group may report after a kill's grace ended the wait. */
    case EVENT_GROUP_EMPTY:
    /* A check killed as the run went down ends in any phase. */
    case EVENT_CHECK_SPAWNED:
    case EVENT_CHECK_EXITED:
      return true;
  }
  return false;
}

bool supervise_step(struct supervise_state *state, struct supervise_event const *event,
                    struct supervise_clock const *now, struct supervise_actions *out)
{
  enum supervise_phase phase = state->phase;
  if (!possible(phase, event->type)) return false;
  switch (event->type) {
    case EVENT_BOOT:
      state->want = event->initial_want;
      if (state->want != WANT_DOWN) start_run(state, now, out);
      break;
    case EVENT_ADOPT:
      /* The status the previous supervisor left (changed, ready) stays true. */
      state->want = event->initial_want;
      /* A oneshot left up (no pid): its ./up is done, not run again. A
         oneshot's ./up still running (a pid) is adopted as any run, and
         known as ./up: its exit, whose status we cannot know, is "up
         failed" (svc -u runs it again), never a finish and a restart. */
      state->oneshot = event->oneshot;
      if (event->oneshot && !event->pid) {
        state->phase = PHASE_ONESHOT_UP;
        state->ready = true;
        break;
      }
      state->phase = PHASE_RUNNING;
      state->pid = event->pid;
      state->group = event->group;
      state->ready = state->status.ready;
      state->paused = event->paused;
      if (state->config.check && (state->ready || !state->config.check_after_ready)) arm_check(state, now);
      /* It ran before we came: its death is no crash of a fresh start. */
      {
        tain interval;
        deadline_after_ms(&interval, &tain_zero, RESTART_MIN_INTERVAL_MS);
        tain_sub(&state->started_at, &now->monotonic, &interval);
      }
      break;
    case EVENT_COMMAND:
      on_command(state, event->command, now, out);
      break;
    case EVENT_TERMINATE:
      on_command(state, svcontrol_lookup('d'), now, out);
      on_command(state, svcontrol_lookup('x'), now, out);
      break;
    case EVENT_SPAWNED:
      on_spawned(state, event->pid, event->oneshot, now);
      break;
    case EVENT_SPAWN_FAILED:
      state->status.reason = event->reason;
      after_stop(state, now, out);
      break;
    case EVENT_RUN_EXITED:
      on_run_exited(state, event, now, out);
      break;
    case EVENT_FINISH_SPAWNED:
      on_finish_spawned(state, event->pid, now);
      break;
    case EVENT_NO_FINISH:
      after_stop(state, now, out);
      break;
    case EVENT_FINISH_EXITED:
      on_finish_exited(state, event->wait_status, now, out);
      break;
    case EVENT_READY:
      if (phase != PHASE_RUNNING || state->ready) break;
      state->ready = true;
      if (checking(state) && !state->check_armed && !state->check_pid) arm_check(state, now);
      state->status.ready_at = now->wall;
      if (!state->status.first_ready_ns && state->status.first_spawn_ns == state->status.spawned_ns)
        state->status.first_ready_ns = now->boot_ns;
      break;
    case EVENT_TIMER:
      on_timer(state, now, out);
      break;
    /* Said while the run was going down, or after: too late to matter. */
    case EVENT_MAIN_PID:
      if (phase != PHASE_RUNNING || event->pid <= 0 || event->pid == state->pid) break;
      state->pid = event->pid;
      state->status.pid_start_time = 0;
      break;
    case EVENT_HELD:
      state->phase = PHASE_HELD;
      state->status.reason = SVSTATUS_REASON_NEEDS;
      break;
    case EVENT_NEEDS_READY:
      if (phase != PHASE_HELD) break;
      state->status.reason = SVSTATUS_REASON_NONE;
      start_run(state, now, out);
      break;
    case EVENT_GROUP_EMPTY:
      if (phase != PHASE_GROUP_STOPPING) break;
      /* The group is gone; what left it is still in the cgroup. */
      if (!state->cgroup_stopping && cgroup_stops(state, event)) {
        stop_cgroup(state, now, out);
        break;
      }
      group_stopped(state, out);
      break;
    case EVENT_CHECK_SPAWNED:
      if (event->pid <= 0) {
        on_check_exited(state, event, now, out);
        break;
      }
      state->check_pid = event->pid;
      state->check_stale = false;
      /* Spawned as the run went down: killed at once. */
      if (!checking(state)) stop_check(state, out);
      break;
    case EVENT_CHECK_EXITED:
      on_check_exited(state, event, now, out);
      break;
  }
  sync_status(state);
  return !out->overflow;
}

int supervise_deadline(struct supervise_state const *state, tain *deadline)
{
  switch (state->phase) {
    case PHASE_WAITING:
      *deadline = state->restart_at;
      return 1;
    case PHASE_RUNNING:
      if (!state->kill_armed && !state->check_armed) return 0;
      *deadline = !state->check_armed || (state->kill_armed && tain_less(&state->kill_at, &state->check_at))
        ? state->kill_at : state->check_at;
      return 1;
    case PHASE_FINISHING:
      if (!state->finish_kill_armed) return 0;
      *deadline = state->finish_kill_at;
      return 1;
    case PHASE_GROUP_STOPPING:
      *deadline = state->kill_armed && tain_less(&state->kill_at, &state->group_poll_at)
        ? state->kill_at : state->group_poll_at;
      return 1;
    case PHASE_DOWN:
    case PHASE_STARTING:
    case PHASE_FINISH_STARTING:
    case PHASE_HELD:
    case PHASE_ONESHOT_UP:
      return 0;
  }
  return 0;
}
