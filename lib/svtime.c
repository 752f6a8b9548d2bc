/* Wall-clock stamps in the daemontools TAI64N label format. */
#include <time.h>

#include <skalibs/uint32.h>
#include <skalibs/uint64.h>

#include "svtime.h"

/* daemontools' label of the Unix epoch: 2^62 plus the 10 s TAI-UTC offset. */
#define TAI64_UNIX_EPOCH (UINT64_C(4611686018427387904) + 10)

void svtime_now(struct svtime *now)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  now->sec = (uint64_t)ts.tv_sec;
  now->nsec = (uint32_t)ts.tv_nsec;
}

void svtime_pack(char out[SVTIME_PACKED_SIZE], struct svtime const *t)
{
  uint64_pack_big(out, t->sec + TAI64_UNIX_EPOCH);
  uint32_pack_big(out + 8, t->nsec);
}

void svtime_unpack(char const in[SVTIME_PACKED_SIZE], struct svtime *t)
{
  uint64_t label;
  uint64_unpack_big(in, &label);
  t->sec = label >= TAI64_UNIX_EPOCH ? label - TAI64_UNIX_EPOCH : 0;
  uint32_unpack_big(in + 8, &t->nsec);
}

uint64_t svtime_seconds_since(struct svtime const *then, struct svtime const *now)
{
  return now->sec > then->sec ? now->sec - then->sec : 0;
}
