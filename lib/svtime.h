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

/* Whole seconds from then to now, 0 if then is in the future. */
uint64_t svtime_seconds_since(struct svtime const *then, struct svtime const *now);

#endif
