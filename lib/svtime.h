/* Wall-clock stamps in the daemontools TAI64N label format. */
#ifndef VIGIL_SVTIME_H
#define VIGIL_SVTIME_H

#include <stdint.h>

#define SVTIME_PACKED_SIZE 12

/* Seconds and nanoseconds since the Unix epoch, as CLOCK_REALTIME gives. */
struct svtime {
  uint64_t sec;
  uint32_t nsec;
};

/* The current wall-clock time. */
void svtime_now(struct svtime *now);

/* TAI64N label, as daemontools, runit and multilog write it: 2^62 + 10 +
   Unix seconds, big-endian, then nanoseconds. Leap seconds are ignored on
   purpose: their svstat and tai64nlocal compute with the same offset. */
void svtime_pack(char out[SVTIME_PACKED_SIZE], struct svtime const *t);
void svtime_unpack(char const in[SVTIME_PACKED_SIZE], struct svtime *t);

/* "@" and 24 hex digits: the TAI64N label as text, as multilog and
   s6-log write it and tai64nlocal reads it. */
#define SVTIME_TAI64N_TEXT_SIZE 25
void svtime_fmt_tai64n(char out[SVTIME_TAI64N_TEXT_SIZE], struct svtime const *t);

/* ISO 8601 UTC with microseconds: "2026-11-23T21:30:00.123456Z". */
#define SVTIME_ISO8601_SIZE 27
void svtime_fmt_iso8601(char out[SVTIME_ISO8601_SIZE], struct svtime const *t);

/* -1, 0 or 1 as a is before, equal to or after b. */
int svtime_compare(struct svtime const *a, struct svtime const *b);

/* Whole seconds from then to now, 0 if then is in the future. */
uint64_t svtime_seconds_since(struct svtime const *then, struct svtime const *now);

#endif
