/* The supervisor's state machine: events in, actions out, no system calls.
   vigil-supervise.c turns signals, control bytes and timers into events and
   carries out the actions; t/unit/supervise-state.c drives it directly. */
#ifndef VIGIL_SUPERVISE_STATE_H
#define VIGIL_SUPERVISE_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include <skalibs/tai.h>

#include "svcontrol.h"
#include "svstatus.h"

/* check-failures when the dir has a health check but not that file; the
   interval is only a placeholder: without check-interval no check runs. */
#define CHECK_INTERVAL_DEFAULT_MS 30000
#define CHECK_FAILURES_DEFAULT 3

/* A run that lives less than this was a crash: the next start waits until
   this long after the last one, so a service that dies at once cannot spin. */
#define RESTART_MIN_INTERVAL_MS 1000
/* The first crashes in a row restart at the minimum interval; after that the
   delay doubles with each crash, so a service that can never start costs
   almost nothing, up to RESTART_MAX_DELAY_MS. A run that outlives the
   minimum interval resets the count. */
#define RESTART_FREE_CRASHES 3
#define RESTART_MAX_DELAY_MS 30000
/* s6's default: a finish script is cleanup and must not hold the restart. */
#define TIMEOUT_FINISH_DEFAULT_MS 5000
/* s6's convention: ./finish exiting this means "do not restart". */
#define FINISH_EXIT_NO_RESTART 125
/* kill-process-group: how often the run's group is looked at while the
   supervisor waits for it to empty (a group's end raises no event). Only
   during a stop: an idle supervisor never wakes. */
#define GROUP_POLL_MS 50
/* With no timeout-kill, what is left of the group after ./run exited gets
   SIGKILL this long after the down-signal: every wait is bounded. */
#define GROUP_KILL_DEFAULT_MS 5000
/* After the group's SIGKILL, how long to wait for it to be gone before
   going on regardless (a process in D state outlives SIGKILL). */
#define GROUP_KILL_GRACE_MS 2000

enum supervise_phase {
  PHASE_DOWN,            /* nothing running, nothing scheduled */
  PHASE_STARTING,        /* spawn of ./run asked; EVENT_SPAWNED or EVENT_SPAWN_FAILED follows */
  PHASE_WAITING,         /* want up, throttled until restart_at */
  PHASE_RUNNING,         /* ./run is alive */
  PHASE_FINISH_STARTING, /* spawn of ./finish asked; EVENT_FINISH_SPAWNED or EVENT_NO_FINISH follows */
  PHASE_FINISHING,       /* ./finish is alive */
  PHASE_HELD,            /* want up, ./run held until every need is ready (needs/) */
  PHASE_ONESHOT_UP,      /* a oneshot's ./up exited 0: up and ready, no process */
  PHASE_GROUP_STOPPING   /* kill-process-group: ./run is gone, what is left of its
                            process group is being stopped; then, with a cgroup,
                            what a stop left in it; ./finish follows */
};

enum supervise_want {
  WANT_UP,
  WANT_DOWN,
  WANT_ONCE              /* up now, and down when it exits */
};

enum supervise_event_type {
  EVENT_BOOT,            /* the supervisor starts: initial_want says how */
  EVENT_ADOPT,           /* the supervisor starts and finds ./run of a previous
                            supervisor still running: pid, initial_want, paused;
                            or, with oneshot, a oneshot it left up */
  EVENT_COMMAND,         /* a control byte: command */
  EVENT_TERMINATE,       /* SIGTERM to the supervisor: down, then exit */
  EVENT_SPAWNED,         /* ./run forked: pid */
  EVENT_SPAWN_FAILED,    /* ./run could not start: reason */
  EVENT_RUN_EXITED,      /* ./run died: wait_status, unless exit_unknown */
  EVENT_FINISH_SPAWNED,  /* ./finish forked: pid */
  EVENT_NO_FINISH,       /* no ./finish to run */
  EVENT_FINISH_EXITED,   /* ./finish died: wait_status */
  EVENT_READY,           /* a newline on the notification fd */
  EVENT_HELD,            /* instead of EVENT_SPAWNED: a need is not ready, ./run not started */
  EVENT_NEEDS_READY,     /* HELD: every need is ready now */
  EVENT_MAIN_PID,        /* RUNNING: sd_notify's MAINPID= from the service: pid,
                            a descendant of ./run, is what is watched and signalled now */
  EVENT_TIMER,           /* the earliest deadline passed */
  EVENT_GROUP_EMPTY,     /* ACTION_CHECK_GROUP found no process left in the group */
  EVENT_CHECK_SPAWNED,   /* ./check forked: pid (0: it could not start, a failed check) */
  EVENT_CHECK_EXITED     /* a ./check died: pid, wait_status */
};

struct supervise_event {
  enum supervise_event_type type;
  struct svcontrol_command const *command;
  pid_t pid;
  int wait_status;
  enum svstatus_reason reason;
  enum supervise_want initial_want;
  bool exit_unknown;     /* an adopted run is no child of ours: no wait status */
  bool group_left;       /* EVENT_RUN_EXITED: processes of the run's group remain */
  bool cgroup_left;      /* EVENT_RUN_EXITED, EVENT_GROUP_EMPTY: processes remain in the service's cgroup */
  bool paused;           /* EVENT_ADOPT: the run was left stopped by svc -p */
  bool oneshot;          /* EVENT_SPAWNED: what started is a oneshot's ./up;
                            EVENT_ADOPT: a oneshot's, left up (pid 0) or
                            with its ./up running (pid) */
  pid_t group;           /* EVENT_ADOPT: the run's process group, 0 when unknown */
};

/* The clock as the caller read it: monotonic for deadlines, wall for
   status, CLOCK_BOOTTIME (ns) for the status's history. */
struct supervise_clock {
  tain monotonic;
  struct svtime wall;
  uint64_t boot_ns;
};

enum supervise_action_type {
  ACTION_SPAWN_RUN,
  ACTION_SPAWN_FINISH,   /* with the last wait status of ./run */
  ACTION_SIGNAL_RUN,     /* signal */
  ACTION_SIGNAL_FINISH,  /* signal */
  ACTION_SIGNAL_GROUP,   /* signal, to the run's process group (and the run) */
  ACTION_CHECK_GROUP,    /* is the group empty (the cgroup, when cgroup_stopping)? EVENT_GROUP_EMPTY if so */
  ACTION_SIGNAL_CGROUP,  /* signal, to every process of the service's cgroup (SIGKILL: cgroup.kill) */
  ACTION_SPAWN_CHECK,    /* the health check: EVENT_CHECK_SPAWNED follows */
  ACTION_SIGNAL_CHECK,   /* signal, to the ./check alive */
  ACTION_EXIT
};

struct supervise_action {
  enum supervise_action_type type;
  int signal;
};

/* One event produces at most: down-signal, CONT, and an exit. */
#define SUPERVISE_ACTIONS_MAX 4

struct supervise_actions {
  unsigned int count;
  bool overflow;         /* a step wanted more than SUPERVISE_ACTIONS_MAX: a bug */
  struct supervise_action list[SUPERVISE_ACTIONS_MAX];
};

/* restart: after ./run ended by itself (no stop asked for it), start again
   always (the default), only on failure (an exit code not 0, a signal that
   no stop sent: see run_failed), or never. */
enum supervise_restart {
  RESTART_ALWAYS,
  RESTART_ON_FAILURE,
  RESTART_NEVER
};

struct supervise_config {
  int down_signal;                  /* down-signal, default SIGTERM */
  unsigned int timeout_kill_ms;     /* 0: never SIGKILL on down */
  unsigned int timeout_finish_ms;   /* 0: finish may run forever */
  bool kill_group;                  /* kill-process-group: stops reach the whole group */
  bool cgroup;                      /* the service has a cgroup of its own and kill-cgroup is not 0:
                                       what a stop leaves in it is stopped too */
  enum supervise_restart restart;   /* restart: when a death is followed by a start */
  unsigned int give_up_deaths;      /* give-up N: down after N deaths... 0: never */
  unsigned int give_up_window_ms;   /* ... within this long of the first of them */
  bool check;                       /* an executable ./check: the health check */
  bool check_after_ready;           /* ... from readiness on (the service tells it), else from its start */
  unsigned int check_interval_ms;   /* check-interval: between checks, and a check's longest run */
  unsigned int check_failures_max;  /* check-failures: failed checks in a row that restart the run */
};

struct supervise_state {
  enum supervise_phase phase;
  enum supervise_want want;
  bool exit_requested;
  bool paused;
  bool term_sent;
  bool ready;
  bool oneshot;              /* what runs (or ran last) is a oneshot's ./up, its finish ./down */
  pid_t pid;                 /* ./run while RUNNING */
  pid_t finish_pid;          /* ./finish while FINISHING */
  unsigned int crashes;      /* quick deaths in a row */
  tain started_at;           /* monotonic, last start attempt */
  tain restart_at;           /* WAITING: when to start */
  bool kill_armed;           /* RUNNING: SIGKILL at kill_at */
  tain kill_at;
  bool finish_kill_armed;    /* FINISHING: SIGKILL at finish_kill_at */
  tain finish_kill_at;
  pid_t group;               /* the run's process group (its pid: spawned with setsid), 0: none */
  bool group_signalled;      /* a stop reached the group since the run started */
  bool group_killed;         /* GROUP_STOPPING: SIGKILL sent, kill_at is when to give up */
  bool cgroup_stopping;      /* GROUP_STOPPING: what is stopped is the cgroup, not the group */
  tain group_poll_at;        /* GROUP_STOPPING: next look at the group */
  bool run_died;             /* ./run ended since the last after_stop: the policy decides */
  bool run_failed;           /* ... and it was a failure */
  bool give_up_due;          /* ... and it was the give-up's Nth death */
  unsigned int deaths;       /* give-up: deaths counted since deaths_since */
  tain deaths_since;         /* monotonic, the first death of the count */
  pid_t check_pid;           /* a ./check alive (or killed, its exit not seen yet) */
  bool check_stale;          /* check_pid was killed as the run went down: its exit counts for nothing */
  bool check_armed;          /* RUNNING: at check_at a check starts, or the one alive is killed */
  tain check_at;
  unsigned int check_failures; /* failed checks in a row */
  struct svstatus status;    /* what supervise/status says */
  struct supervise_config config;
};

void supervise_init(struct supervise_state *state, struct supervise_config const *config);

/* Apply one event. Actions are appended to out, to be carried out in order.
   Returns false on a bug: an event that cannot come in this phase (state
   unchanged, as told by the comment on each event), or more actions than
   out can hold. The supervisor then exits 101. */
bool supervise_step(struct supervise_state *state, struct supervise_event const *event,
                    struct supervise_clock const *now, struct supervise_actions *out);

/* The earliest deadline, or 0 when nothing is scheduled (wait forever). */
int supervise_deadline(struct supervise_state const *state, tain *deadline);

/* The restart delay after this many crashes in a row, in milliseconds. */
unsigned int supervise_restart_delay_ms(unsigned int crashes);

#endif
