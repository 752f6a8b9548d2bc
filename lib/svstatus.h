/* supervise/status: the one module that knows its bytes.
   Layout (all offsets below live in svstatus.c only):
     daemontools' 18 bytes: TAI64N of last change, pid (LE32), paused, want
     runit's 2 more: TERM-sent flag, run state (0 down, 1 run, 2 finish)
     vigil's own: magic, TAI64N when ready, last wait status, flags, reason,
     start time of the pid (so a later supervisor can tell it is the same
     process); since layout 2, the history that svstat -a and vigil-analyze
     show: restarts, and the instants (CLOCK_BOOTTIME, immune to the wall
     clock being set during the boot) supervision began, the first run was
     spawned and was ready, and the current run was spawned. daemontools'
     svstat reads 18 bytes, runit's sv 20: both read ours. Last, the
     process group a supervisor is stopping as a whole. We read all
     three, and our layout 1 (52 bytes) of older supervisors. */
#ifndef VIGIL_SVSTATUS_H
#define VIGIL_SVSTATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svtime.h"

#define SVSTATUS_SIZE 92
#define SVSTATUS_SIZE_V1 52
#define SVSTATUS_SIZE_DAEMONTOOLS 18
#define SVSTATUS_SIZE_RUNIT 20

enum svstatus_format {
  SVSTATUS_FORMAT_DAEMONTOOLS,
  SVSTATUS_FORMAT_RUNIT,
  SVSTATUS_FORMAT_VIGIL
};

/* runit's run state byte; daemontools' files imply RUN when pid != 0. */
enum svstatus_runstate {
  SVSTATUS_DOWN = 0,
  SVSTATUS_RUN = 1,
  SVSTATUS_FINISH = 2
};

/* daemontools' want byte. */
enum svstatus_want {
  SVSTATUS_WANT_NOTHING = 0,   /* "once": neither up nor down is enforced */
  SVSTATUS_WANT_UP = 'u',
  SVSTATUS_WANT_DOWN = 'd'
};

/* Why the service is not running although it should: vigil only. */
enum svstatus_reason {
  SVSTATUS_REASON_NONE = 0,
  SVSTATUS_REASON_RUN_MISSING = 1,
  SVSTATUS_REASON_RUN_NOT_EXECUTABLE = 2,
  SVSTATUS_REASON_SPAWN_FAILED = 3,     /* fork failed: out of processes or memory */
  SVSTATUS_REASON_FINISH_SAID_STOP = 4, /* ./finish exited 125 */
  SVSTATUS_REASON_THROTTLED = 5,        /* dying too fast: waiting before a restart */
  SVSTATUS_REASON_NEEDS = 6,            /* held until its needs/ are ready (supervise/waiting names them) */
  SVSTATUS_REASON_UP_FAILED = 7,        /* a oneshot's ./up failed: down until svc -u */
  SVSTATUS_REASON_GAVE_UP = 8,          /* give-up: N deaths within T seconds: down until svc -u */
  SVSTATUS_REASON_NOT_RESTARTED = 9,    /* restart never or on-failure: ./run ended, not restarted */
  SVSTATUS_REASON_UNHEALTHY = 10        /* ./check failed check-failures times in a row: the run was
                                           restarted; said until a check passes (also while up) */
};

struct svstatus {
  enum svstatus_format format;
  struct svtime changed;      /* last start or stop */
  uint32_t pid;               /* 0 when down */
  bool paused;
  enum svstatus_want want;
  bool term_sent;             /* runit: TERM sent, exit not yet seen */
  enum svstatus_runstate state;
  /* vigil only: zero in the other formats */
  bool ready;
  struct svtime ready_at;
  bool has_exited;            /* last_wait_status holds a real status */
  int last_wait_status;       /* as waitpid() gave it */
  enum svstatus_reason reason;
  uint64_t pid_start_time;    /* /proc/PID/stat field 22, clock ticks since boot */
  bool live;                  /* written by a supervisor not asked to exit (x, TERM):
                                 a successor keeps its want and paused */
  /* Layout 2 (zero from layout 1): the history since supervision of the
     dir began (kept across a handover in the same boot). Instants are
     CLOCK_BOOTTIME in ns; 0 is "not yet". */
  uint32_t restarts;          /* starts of ./run (or ./up) after the first */
  uint64_t supervised_ns;     /* the first supervisor of the dir started */
  uint64_t first_spawn_ns;    /* the first ./run (or ./up) was spawned */
  uint64_t first_ready_ns;    /* ... and was ready (or up, without readiness) */
  uint64_t spawned_ns;        /* the current (or last) one was spawned */
  /* kill-process-group: the run's process group (its pid), while the
     supervisor may still have to stop it as a whole: as long as it runs,
     and after its exit until the rest of the group is gone. A scanner that
     kills the supervisor, or a successor, stops it in its place. */
  uint32_t group;
};

/* Pure byte functions. unpack returns 0, or -1 when the bytes are in no
   format we know (truncated, or another supervisor's, such as s6's). */
void svstatus_pack(char out[SVSTATUS_SIZE], struct svstatus const *status);
int svstatus_unpack(struct svstatus *status, char const *bytes, size_t len);

/* I/O. write replaces DIR/supervise/status atomically (write, rename);
   dirfd is the service dir. read returns 1 when read and understood,
   0 when the file holds no known format, -1 with errno on failure. */
int svstatus_write(int dirfd, struct svstatus const *status);
int svstatus_read(int dirfd, struct svstatus *status);

#endif
