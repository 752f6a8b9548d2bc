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

void svtime_fmt_tai64n(char out[SVTIME_TAI64N_TEXT_SIZE], struct svtime const *t)
{
  char packed[SVTIME_PACKED_SIZE];
  static char const hex[] = "0123456789abcdef";
  svtime_pack(packed, t);
  out[0] = '@';
  for (unsigned int i = 0; i < SVTIME_PACKED_SIZE; i++) {
    out[1 + 2 * i] = hex[(unsigned char)packed[i] >> 4];
    out[2 + 2 * i] = hex[(unsigned char)packed[i] & 15];
  }
}

static void put_digits(char *out, unsigned int value, unsigned int width)
{
  while (width--) {
    out[width] = (char)('0' + value % 10);
    value /= 10;
  }
}

void svtime_fmt_iso8601(char out[SVTIME_ISO8601_SIZE], struct svtime const *t)
{
  struct tm tm;
  time_t sec = (time_t)t->sec;
  gmtime_r(&sec, &tm);
  put_digits(out, (unsigned int)tm.tm_year + 1900, 4);
  out[4] = '-';
  put_digits(out + 5, (unsigned int)tm.tm_mon + 1, 2);
  out[7] = '-';
  put_digits(out + 8, (unsigned int)tm.tm_mday, 2);
  out[10] = 'T';
  put_digits(out + 11, (unsigned int)tm.tm_hour, 2);
  out[13] = ':';
  put_digits(out + 14, (unsigned int)tm.tm_min, 2);
  out[16] = ':';
  put_digits(out + 17, (unsigned int)tm.tm_sec, 2);
  out[19] = '.';
  put_digits(out + 20, t->nsec / 1000, 6);
  out[26] = 'Z';
}

int svtime_compare(struct svtime const *a, struct svtime const *b)
{
  if (a->sec != b->sec) return a->sec < b->sec ? -1 : 1;
  if (a->nsec != b->nsec) return a->nsec < b->nsec ? -1 : 1;
  return 0;
}
