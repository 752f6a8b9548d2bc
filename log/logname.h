/* The file names of a log dir, as vigil-log, multilog, svlogd and s6-log
   leave them: archives @TAI64N.s (complete) and @TAI64N.u (cut short by a
   crash), `previous` (rotated, waiting for its processor), `current`.
   Everything else (lock, state, newstate, processed, config) is not a log. */
#ifndef VIGIL_LOGNAME_H
#define VIGIL_LOGNAME_H

enum logname_kind {
  LOGNAME_OTHER = -1,
  LOGNAME_ARCHIVE = 0,        /* oldest first, by name: the label only grows */
  LOGNAME_PREVIOUS = 1,       /* rotated after every archive there */
  LOGNAME_CURRENT = 2
};

enum logname_kind logname_kind(char const *name);

/* strcmp-like, in reading order: archives by name, previous, current. */
int logname_compare(char const *a, char const *b);

#endif
