/* The scanner's stop: what to do on each event, in each phase. */
#include <signal.h>

#include "deadline.h"
#include "scan-stop.h"

static int emit(struct stop_actions *out, enum stop_action_type type)
{
  if (out->count >= STOP_ACTIONS_MAX) return -1;
  out->list[out->count++] = type;
  return 0;
}

void scan_stop_init(struct scan_stop *stop, bool has_rc)
{
  *stop = (struct scan_stop){ .phase = STOP_RUNNING, .goal = GOAL_EXIT, .has_rc = has_rc };
}

char const *scan_stop_goal_name(enum stop_goal goal)
{
  switch (goal) {
    case GOAL_EXIT: return "exit";
    case GOAL_HALT: return "halt";
    case GOAL_POWEROFF: return "poweroff";
    case GOAL_REBOOT: return "reboot";
  }
  return "exit";
}

enum signal_meaning scan_signal_meaning(int sig, enum scan_role role, bool has_main, enum stop_goal *goal)
{
  if (sig == SIGCHLD) return SIGNAL_REAP;
  if (sig == SIGALRM) return SIGNAL_RESCAN;
  *goal = GOAL_EXIT;
  switch (role) {
    case ROLE_DAEMON:
      if (sig == SIGHUP) return SIGNAL_RESCAN;
      if (sig == SIGTERM || sig == SIGINT) return SIGNAL_STOP;
      return SIGNAL_UNEXPECTED;
    case ROLE_MACHINE:
      switch (sig) {
        case SIGHUP: return SIGNAL_RESCAN;
        case SIGUSR1: *goal = GOAL_HALT; return SIGNAL_STOP;
        case SIGUSR2: *goal = GOAL_POWEROFF; return SIGNAL_STOP;
        case SIGTERM: *goal = GOAL_REBOOT; return SIGNAL_STOP;
        case SIGINT: *goal = GOAL_REBOOT; return SIGNAL_STOP;
        case SIGPWR: *goal = GOAL_POWEROFF; return SIGNAL_STOP;
      }
      return SIGNAL_UNEXPECTED;
    case ROLE_CONTAINER:
      switch (sig) {
        case SIGTERM: case SIGINT: case SIGPWR: return SIGNAL_STOP;
        case SIGHUP: return has_main ? SIGNAL_FORWARD : SIGNAL_RESCAN;
        case SIGQUIT: case SIGUSR1: case SIGUSR2: case SIGWINCH:
          return has_main ? SIGNAL_FORWARD : SIGNAL_UNEXPECTED;
      }
      return SIGNAL_UNEXPECTED;
  }
  return SIGNAL_UNEXPECTED;
}

int const *scan_role_signals(enum scan_role role)
{
  static int const daemon_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM, 0 };
  static int const machine_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGUSR1, SIGUSR2, SIGPWR, 0 };
  static int const container_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGPWR,
                                           SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0 };
  switch (role) {
    case ROLE_DAEMON: return daemon_signals;
    case ROLE_MACHINE: return machine_signals;
    case ROLE_CONTAINER: return container_signals;
  }
  return daemon_signals;
}

static int finish(struct scan_stop *stop, struct stop_actions *out)
{
  stop->phase = STOP_DONE;
  return emit(out, STOP_ACTION_EXIT);
}

/* Services are gone (or given up on): loggers read what is left in their
   pipes, a little past the services' deadline at most. */
static int enter_loggers(struct scan_stop *stop, struct stop_counts const *counts, struct stop_actions *out)
{
  /* A service's stray children (a run script's background job) keep its
     logger's pipe open: without them the loggers see EOF at once. */
  if (emit(out, STOP_ACTION_TERM_STRAYS) < 0) return -1;
  if (!counts->loggers) return finish(stop, out);
  stop->phase = STOP_LOGGERS;
  deadline_after_ms(&stop->phase_deadline, &stop->deadline, STOP_LOGGER_EXTRA_MS);
  return 0;
}

static int enter_services(struct scan_stop *stop, struct stop_counts const *counts, struct stop_actions *out)
{
  stop->phase = STOP_SERVICES;
  stop->phase_deadline = stop->deadline;
  if (emit(out, STOP_ACTION_DOWN_SERVICES) < 0) return -1;
  return counts->services ? 0 : enter_loggers(stop, counts, out);
}

static int on_request(struct scan_stop *stop, struct stop_event const *event, tain const *now,
                      struct stop_actions *out)
{
  /* A later request changes how the stop ends (the admin's last word),
     never when: the first deadline stands. */
  stop->goal = event->goal;
  if (event->exit_code >= 0) stop->exit_code = event->exit_code;
  /* halt -f: straight to the end, even from a stop that hangs. */
  if (event->force) {
    if (stop->phase == STOP_DONE) return 0;
    if (stop->phase == STOP_RUNNING && emit(out, STOP_ACTION_STOP_SCANNING) < 0) return -1;
    return finish(stop, out);
  }
  if (stop->phase != STOP_RUNNING) return 0;
  deadline_after_ms(&stop->deadline, now, event->deadline_ms);
  if (emit(out, STOP_ACTION_STOP_SCANNING) < 0) return -1;
  if (!stop->has_rc) return enter_services(stop, &event->counts, out);
  stop->phase = STOP_RC_SHUTDOWN;
  deadline_after_ms(&stop->phase_deadline, now, event->deadline_ms / 100 * STOP_RC_SHARE_PERCENT);
  return emit(out, STOP_ACTION_RUN_RC);
}

static int on_changed(struct scan_stop *stop, struct stop_counts const *counts, struct stop_actions *out)
{
  switch (stop->phase) {
    case STOP_RUNNING:
    case STOP_DONE:
      return 0;
    case STOP_RC_SHUTDOWN:
      return counts->rc_running ? 0 : enter_services(stop, counts, out);
    case STOP_SERVICES:
    case STOP_SERVICES_KILLED:
      return counts->services ? 0 : enter_loggers(stop, counts, out);
    case STOP_LOGGERS:
    case STOP_LOGGERS_TERMED:
    case STOP_LOGGERS_KILLED:
      return counts->loggers ? 0 : finish(stop, out);
  }
  return -1;
}

/* Each step of escalation gives the kernel STOP_KILL_GRACE_MS to act. */
static int escalate(struct scan_stop *stop, enum stop_phase next, enum stop_action_type action,
                    tain const *now, struct stop_actions *out)
{
  stop->phase = next;
  deadline_after_ms(&stop->phase_deadline, now, STOP_KILL_GRACE_MS);
  return emit(out, action);
}

static int on_timer(struct scan_stop *stop, struct stop_counts const *counts, tain const *now,
                    struct stop_actions *out)
{
  switch (stop->phase) {
    case STOP_RUNNING:
    case STOP_DONE:
      return 0;
    case STOP_RC_SHUTDOWN:
      if (emit(out, STOP_ACTION_KILL_RC) < 0) return -1;
      return enter_services(stop, counts, out);
    case STOP_SERVICES:
      return escalate(stop, STOP_SERVICES_KILLED, STOP_ACTION_KILL_SERVICES, now, out);
    case STOP_SERVICES_KILLED:
      /* Whatever is stuck in the kernel stays stuck: go on without it. */
      return enter_loggers(stop, counts, out);
    case STOP_LOGGERS:
      return escalate(stop, STOP_LOGGERS_TERMED, STOP_ACTION_TERM_LOGGERS, now, out);
    case STOP_LOGGERS_TERMED:
      return escalate(stop, STOP_LOGGERS_KILLED, STOP_ACTION_KILL_LOGGERS, now, out);
    case STOP_LOGGERS_KILLED:
      return finish(stop, out);
  }
  return -1;
}

int scan_stop_step(struct scan_stop *stop, struct stop_event const *event,
                   tain const *now, struct stop_actions *out)
{
  switch (event->type) {
    case STOP_EVENT_REQUEST:
      return on_request(stop, event, now, out);
    case STOP_EVENT_CHANGED:
      return on_changed(stop, &event->counts, out);
    case STOP_EVENT_TIMER:
      /* Early or late timers happen (a clock read before a long step): only a passed deadline counts. */
      if (stop->phase == STOP_RUNNING || stop->phase == STOP_DONE || tain_less(now, &stop->phase_deadline)) return 0;
      return on_timer(stop, &event->counts, now, out);
  }
  return -1;
}

int scan_stop_deadline(struct scan_stop const *stop, tain *deadline)
{
  if (stop->phase == STOP_RUNNING || stop->phase == STOP_DONE) return 0;
  *deadline = stop->phase_deadline;
  return 1;
}
