/* Stamps: parsed without allocation or locale, once per line of a merge. */
#include <string.h>
#include <time.h>

#include "logstamp.h"

#define TAI64_UNIX_EPOCH 0x400000000000000aULL

static int hexval(unsigned char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static size_t parse_tai64n(char const *s, size_t len, struct svtime *t)
{
  uint64_t label = 0;
  uint32_t nsec = 0;
  if (len < SVTIME_TAI64N_TEXT_SIZE + 1 || s[SVTIME_TAI64N_TEXT_SIZE] != ' ') return 0;
  for (unsigned int i = 1; i < SVTIME_TAI64N_TEXT_SIZE; i++) {
    int v = hexval((unsigned char)s[i]);
    if (v < 0) return 0;
    if (i <= 16) label = label << 4 | (unsigned int)v;
    else nsec = nsec << 4 | (unsigned int)v;
  }
  /* Labels before 1970 or a nanosecond field out of range: not a stamp. */
  if (label < TAI64_UNIX_EPOCH || nsec > 999999999) return 0;
  t->sec = label - TAI64_UNIX_EPOCH;
  t->nsec = nsec;
  return SVTIME_TAI64N_TEXT_SIZE + 1;
}

static int digits(char const *s, unsigned int n, unsigned int *out)
{
  unsigned int v = 0;
  for (unsigned int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (unsigned int)(s[i] - '0');
  }
  *out = v;
  return 1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without timegm:
   musl has it, but this is pure and cannot touch the TZ state. */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned int yoe = (unsigned int)(y - era * 400);
  unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static size_t parse_iso(char const *s, size_t len, struct svtime *t)
{
  unsigned int y, mo, d, h, mi, sec, nsec = 0;
  size_t i = 19;
  if (len < 20) return 0;
  if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d)
      || (s[10] != 'T' && s[10] != '_' && s[10] != ' ')
      || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
    return 0;
  if (y < 1970 || !mo || mo > 12 || !d || d > 31 || h > 23 || mi > 59 || sec > 60) return 0;
  if (s[i] == '.' || s[i] == ',') {
    unsigned int n = 0, scale = 1000000000;
    i++;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
      if (n < 9) { scale /= 10; nsec += (unsigned int)(s[i] - '0') * scale; }
      n++;
      i++;
    }
    if (!n) return 0;
  }
  if (i < len && s[i] == 'Z') i++;
  if (i >= len || s[i] != ' ') return 0;
  t->sec = (uint64_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
  t->nsec = nsec;
  return i + 1;
}

size_t logstamp_parse(char const *line, size_t len, struct svtime *t)
{
  if (!len) return 0;
  if (line[0] == '@') return parse_tai64n(line, len, t);
  if (line[0] >= '0' && line[0] <= '9') return parse_iso(line, len, t);
  return 0;
}

static void put(char *out, unsigned int value, unsigned int width)
{
  while (width--) {
    out[width] = (char)('0' + value % 10);
    value /= 10;
  }
}

void logstamp_fmt_local(char out[LOGSTAMP_LOCAL_SIZE], struct svtime const *t, struct logstamp_cache *cache)
{
  uint64_t minute = t->sec / 60 + 1;
  if (cache->minute != minute) {
    /* Zones shift by whole minutes at least: the minute's text holds for all its seconds. */
    struct tm tm;
    time_t sec = (time_t)(t->sec - t->sec % 60);
    if (!localtime_r(&sec, &tm)) memset(&tm, 0, sizeof tm);
    put(cache->text, (unsigned int)tm.tm_year + 1900, 4);
    cache->text[4] = '-';
    put(cache->text + 5, (unsigned int)tm.tm_mon + 1, 2);
    cache->text[7] = '-';
    put(cache->text + 8, (unsigned int)tm.tm_mday, 2);
    cache->text[10] = ' ';
    put(cache->text + 11, (unsigned int)tm.tm_hour, 2);
    cache->text[13] = ':';
    put(cache->text + 14, (unsigned int)tm.tm_min, 2);
    cache->text[16] = ':';
    cache->text[19] = '.';
    cache->minute = minute;
  }
  memcpy(out, cache->text, LOGSTAMP_LOCAL_SIZE);
  put(out + 17, (unsigned int)(t->sec % 60), 2);
  put(out + 20, t->nsec / 1000000, 3);
}
