/* The scanner's stop: one state machine for every way it ends — svscan-style
   exit on SIGTERM, a machine's halt, poweroff or reboot when it is PID 1,
   and a container's exit with its main command's code. Events in,
   actions out, no system calls: scan.c carries the actions out and
   t/unit/scan-stop.c drives it on a synthetic clock. */
#ifndef VIGIL_SCAN_STOP_H
#define VIGIL_SCAN_STOP_H

#include <stdbool.h>

#include <skalibs/tai.h>

/* Docker's grace is 10 s: a stop that fits it by default. */
#define STOP_DEADLINE_DEFAULT_MS 10000
/* rc.shutdown is the distro's hook, not the services' time: it may use at
   most this share of the deadline (the rest is for the services). */
#define STOP_RC_SHARE_PERCENT 50
/* After SIGKILL, a process is gone as soon as the kernel gets to it; a
   supervisor stuck in the kernel past this is given up on. */
#define STOP_KILL_GRACE_MS 500
/* Loggers drain after their services: the deadline may be overrun by this
   much so that what the services said last still reaches the disk. */
#define STOP_LOGGER_EXTRA_MS 1000
/* So the longest stop is deadline + STOP_LOGGER_EXTRA_MS + 2 × STOP_KILL_GRACE_MS
   (documented in vigil-scan(8)). */

enum stop_phase {
  STOP_RUNNING,          /* not stopping: supervising */
  STOP_RC_SHUTDOWN,      /* rc.shutdown runs; services still up */
  STOP_SERVICES,         /* services told to go down (their down-signal, timeout-kill) */
  STOP_SERVICES_KILLED,  /* the deadline passed: services and their supervisors SIGKILLed */
  STOP_LOGGERS,          /* every service gone: loggers read their pipes to EOF */
  STOP_LOGGERS_TERMED,   /* the drain ran out: loggers told to stop */
  STOP_LOGGERS_KILLED,   /* loggers SIGKILLed: waiting for the kernel */
  STOP_DONE              /* nothing left: the exit action was given */
};

/* Why the scanner stops, and so how it ends. */
enum stop_goal {
  GOAL_EXIT,             /* exit with exit_code (svscan-style, or a container) */
  GOAL_HALT,
  GOAL_POWEROFF,
  GOAL_REBOOT
};

enum stop_event_type {
  STOP_EVENT_REQUEST,    /* goal, exit_code (-1: keep the one known), deadline_ms */
  STOP_EVENT_CHANGED,    /* a process went: look at the counts */
  STOP_EVENT_TIMER       /* the deadline given by scan_stop_deadline passed */
};

/* What is still alive, counted by the caller when it gives an event. */
struct stop_counts {
  bool rc_running;       /* rc.shutdown */
  unsigned int services; /* supervisors of services (not loggers) */
  unsigned int loggers;  /* supervisors of loggers */
};

struct stop_event {
  enum stop_event_type type;
  enum stop_goal goal;
  int exit_code;
  unsigned int deadline_ms;
  bool force;            /* REQUEST: skip rc.shutdown and the services (halt -f) */
  struct stop_counts counts;
};

enum stop_action_type {
  STOP_ACTION_STOP_SCANNING,   /* no more watches, rescans or new services */
  STOP_ACTION_RUN_RC,          /* start rc.shutdown with the goal's name */
  STOP_ACTION_KILL_RC,         /* rc.shutdown overran its share: SIGKILL it */
  STOP_ACTION_DOWN_SERVICES,   /* each service's supervisor: down, then exit */
  STOP_ACTION_KILL_SERVICES,   /* SIGKILL every service's run, then its supervisor */
  STOP_ACTION_TERM_STRAYS,     /* SIGTERM what services left behind (our children that no
                                  supervisor accounts for): they hold the loggers' pipes open */
  STOP_ACTION_TERM_LOGGERS,    /* each logger's supervisor: down, then exit */
  STOP_ACTION_KILL_LOGGERS,    /* SIGKILL every logger, then its supervisor */
  STOP_ACTION_EXIT             /* done: goal and exit_code say how */
};

/* One event produces at most: stop scanning (or kill rc), down services,
   term strays, and exit. */
#define STOP_ACTIONS_MAX 4

struct stop_actions {
  unsigned int count;
  enum stop_action_type list[STOP_ACTIONS_MAX];
};

struct scan_stop {
  enum stop_phase phase;
  enum stop_goal goal;
  int exit_code;
  bool has_rc;           /* there is an rc.shutdown to run */
  tain deadline;         /* the services' deadline: SIGKILL then */
  tain phase_deadline;   /* the current phase's end */
};

void scan_stop_init(struct scan_stop *stop, bool has_rc);

/* Apply one event at monotonic time now; actions are appended to out, to
   be carried out in order. Returns 0, or -1 if out would overflow (a bug). */
int scan_stop_step(struct scan_stop *stop, struct stop_event const *event,
                   tain const *now, struct stop_actions *out);

/* The phase's deadline, or 0 when none (running, or done). */
int scan_stop_deadline(struct scan_stop const *stop, tain *deadline);

/* What the scanner is, which decides what its signals mean and how its stop ends. */
enum scan_role {
  ROLE_DAEMON,           /* started by someone else: TERM and INT stop it, exit 0 */
  ROLE_MACHINE,          /* PID 1 of a machine: busybox init's signals; ends in vigil-shutdown --final */
  ROLE_CONTAINER         /* PID 1 of a container: TERM, INT, PWR stop it; exits with its main program's code */
};

enum signal_meaning {
  SIGNAL_REAP,           /* SIGCHLD */
  SIGNAL_RESCAN,
  SIGNAL_STOP,           /* with *goal */
  SIGNAL_FORWARD,        /* to the container's main program */
  SIGNAL_UNEXPECTED      /* trapped by mistake: said, and otherwise ignored */
};

/* What a signal means to a scanner of this role (with or without a main
   program). PID 1 of a machine follows busybox's init, so that busybox's
   own halt, poweroff and reboot work: USR1 halt, USR2 poweroff, TERM
   reboot, INT (ctrl-alt-del) reboot, PWR poweroff. A container stops on
   TERM (docker stop), INT and PWR (LXC), and passes HUP, QUIT, USR1, USR2
   and WINCH to its main program. */
enum signal_meaning scan_signal_meaning(int sig, enum scan_role role, bool has_main, enum stop_goal *goal);

/* The signals a scanner of this role traps, 0-terminated. */
int const *scan_role_signals(enum scan_role role);

/* The name of a goal as rc.shutdown and vigil-shutdown --final take it. */
char const *scan_stop_goal_name(enum stop_goal goal);

#endif
