/* A daemon's diagnostics (skalibs' buffer_2, so every strerr_warn*) never
   block: a console nobody reads, with its flow stopped, or hung up must
   not stop PID 1, a supervisor or the final stage. What cannot be written
   at once is dropped and counted; the count is said in one line before
   the next message that gets through. */
#ifndef VIGIL_DIAGOUT_H
#define VIGIL_DIAGOUT_H

#include <stdint.h>

/* Carries a count of dropped bytes across an exec into the next stage
   (vigil-init → vigil-scan → vigil-shutdown --final); never reaches a service. */
#define DIAGOUT_DROPPED_VAR "VIGIL_CONSOLE_DROPPED"

/* When fd 2 is a tty or a fifo (a pipe), gives the program an open file
   description of its own on it with O_NONBLOCK (close-on-exec): fd 2
   itself, which children inherit, keeps blocking writes. A socket is
   written with MSG_DONTWAIT. Then buffer_2 writes through it, dropping
   what does not fit. Takes over a count handed over by the stage before
   (and removes it from the environment). Call it again when fd 2 has
   changed; without /proc (the description cannot be reopened), writes
   stay blocking until a later call succeeds. */
void diagout_init(void);

/* Before exec'ing the next stage: the pending count, in the environment. */
void diagout_handover(void);

/* After that exec failed: the count (still ours) out of the environment,
   where the children we start next must not find it. */
void diagout_handover_failed(void);

/* Bytes of messages dropped and not yet reported. */
uint64_t diagout_dropped(void);

#endif
