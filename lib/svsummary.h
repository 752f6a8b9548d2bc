/* What svstat -a says of a service in one word or number: pure
   functions over a status (lib/svstatus) and plain numbers. */
#ifndef VIGIL_SVSUMMARY_H
#define VIGIL_SVSUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "svstatus.h"

enum svsummary_state {
  /* from a status a supervisor stands behind */
  SVSUMMARY_UP,
  SVSUMMARY_READY,              /* up, and it reported readiness */
  SVSUMMARY_PAUSED,             /* up, stopped with svc -p */
  SVSUMMARY_FINISHING,          /* ./finish runs */
  SVSUMMARY_DOWN,
  SVSUMMARY_WAITING,            /* held for its needs/ (supervise/waiting names them) */
  SVSUMMARY_FAILED,             /* a oneshot's ./up failed, or ./finish said stop */
  SVSUMMARY_DYING_TOO_FAST,     /* restart delayed */
  SVSUMMARY_RUN_MISSING,
  SVSUMMARY_RUN_NOT_EXECUTABLE,
  SVSUMMARY_FORK_FAILED,
  /* from what svstat could not read */
  SVSUMMARY_NO_SUPERVISOR,      /* svok would exit 100 */
  SVSUMMARY_NO_STATUS,          /* supervised, no status written yet */
  SVSUMMARY_UNREADABLE,         /* truncated, or in no format we know */
  SVSUMMARY_GONE,               /* removed while read */
  SVSUMMARY_UNKNOWN,            /* an error: svstat warns why */
  SVSUMMARY_UNHEALTHY           /* up, but ./check failed: restarted, not passed since */
};

/* The state a status read from a supervised dir shows. */
enum svsummary_state svsummary_state(struct svstatus const *status);

/* Its word, as svstat -a and --json print it ("dying too fast"). */
char const *svsummary_state_word(enum svsummary_state state);

/* Is it a state that needs a look (svstat -a colours it red)? */
int svsummary_state_bad(enum svsummary_state state);

/* A duration, short and readable: "42s", "5m07s", "2h03m", "3d04h".
   Returns the length; OUT holds SVSUMMARY_DURATION_MAX bytes with its NUL. */
#define SVSUMMARY_DURATION_MAX 24
size_t svsummary_fmt_duration(char *out, uint64_t seconds);

/* A memory size in KiB, short: "812K", "12.3M", "1.5G". OUT holds
   SVSUMMARY_KIB_MAX bytes with its NUL. */
#define SVSUMMARY_KIB_MAX 24
size_t svsummary_fmt_kib(char *out, uint64_t kib);

/* A CPU time in microseconds, short: "0ms", "340ms", "1.2s" (tenths,
   rounded down, under a minute), then as a duration: "3m07s", "2h03m".
   Returns the length; OUT holds SVSUMMARY_DURATION_MAX bytes with its NUL. */
size_t svsummary_fmt_cpu(char *out, uint64_t usec);

#endif
