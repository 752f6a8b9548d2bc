/* The stamps at the start of a logged line, and the local time svlog shows. */
#ifndef VIGIL_LOGSTAMP_H
#define VIGIL_LOGSTAMP_H

#include <stddef.h>
#include <stdint.h>

#include "svtime.h"

/* A stamp at the start of line (len bytes), followed by a space:
   TAI64N ("@" + 24 hex: vigil-log -t, multilog, s6-log -t, svlogd's -t is
   the same), or ISO 8601 UTC: "YYYY-MM-DD" then "T", "_" or " ", then
   "HH:MM:SS", an optional fraction of up to 9 digits and an optional "Z"
   (vigil-log -T, s6-log -e, svlogd -tt and -ttt). Returns the bytes to
   skip (the stamp and its space), or 0 when the line has no stamp. */
size_t logstamp_parse(char const *line, size_t len, struct svtime *t);

/* Local time "YYYY-MM-DD HH:MM:SS.mmm" (23 bytes). The cache keeps the
   broken-down minute of the last call: localtime_r once a minute of log
   time, not once a line. */
#define LOGSTAMP_LOCAL_SIZE 23
struct logstamp_cache {
  uint64_t minute;            /* sec / 60 of the cached minute, +1 (0: empty) */
  char text[LOGSTAMP_LOCAL_SIZE];
};
void logstamp_fmt_local(char out[LOGSTAMP_LOCAL_SIZE], struct svtime const *t, struct logstamp_cache *cache);

#endif
