/* A log directory: LOGDIR/current, the archives @TAI64N.s beside it, and
   LOGDIR/lock. Output is buffered and written in large writes; a failed
   write keeps its data for the next try. */
#ifndef VIGIL_LOGDIR_H
#define VIGIL_LOGDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "svtime.h"

#define LOGDIR_BUFFER_SIZE (128 * 1024)

struct logdir {
  char const *path;         /* for messages */
  char const *processor;    /* -r: shell command run on each rotated file, or 0 */
  int unprocessed;          /* `previous` waits for the processor */
  int dirfd;                /* -1: LOGDIR_STDOUT */
  int current_fd;
  uint64_t current_size;    /* bytes in current, written */
  uint64_t max_size;        /* -s: rotate before current would exceed this */
  unsigned int keep;        /* -n: archives kept */
  size_t buffered;          /* bytes in buffer, not yet written */
  struct svtime last_archive; /* archive names only grow, whatever the clock does */
  char buffer[LOGDIR_BUFFER_SIZE];
};

/* LOGDIR "-": stdout, no rotation, no lock; each write holds whole
   lines and at most PIPE_BUF bytes (but for a longer line), so that the
   loggers sharing a container's stdout never cut into each other's lines. */
#define LOGDIR_STDOUT "-"

/* Make LOGDIR (and parents) if missing, lock it, open current for
   appending; with a processor, note a `previous` left unprocessed.
   LOGDIR_STDOUT: stdout as current, and nothing else.
   Returns 0, 1 if another logger holds the lock, or -1 (errno). */
int logdir_open(struct logdir *log, char const *path, uint64_t max_size, unsigned int keep);

/* Room for len more bytes of output, rotating first if current would
   exceed its size. Returns 0, or -1 (errno) when the buffer could not be
   written or the rotation failed: nothing is lost, try again later. */
int logdir_make_room(struct logdir *log, size_t len);

/* Append to the buffer: call logdir_make_room first. */
void logdir_append(struct logdir *log, char const *bytes, size_t len);

/* Write the buffer out. Returns 0, or -1 (errno); what was not written stays. */
int logdir_flush(struct logdir *log);

/* Flush, fsync current, rename it to @TAI64N.s, start a new current, and
   remove the oldest archives beyond keep. With a processor, current is
   renamed to `previous` instead (unprocessed is set), for
   logdir_process_start; while an earlier one waits, it fails with EBUSY.
   Returns 0 or -1 (errno). */
int logdir_rotate(struct logdir *log);

/* Start the processor (/bin/sh -c) in our cwd, which must be LOGDIR, with `previous` as stdin,
   `processed` as stdout, `state` as fd 4 and `newstate` as fd 5, as
   multilog and s6-log do. Returns 0 and sets *pid, or -1 (errno). */
int logdir_process_start(struct logdir *log, pid_t *pid);

/* It exited 0: `processed` becomes the archive @TAI64N.s, `newstate`
   becomes `state`, `previous` goes; old archives are pruned. Returns 0
   or -1 (errno): then it is run again. */
int logdir_process_done(struct logdir *log);

#endif
