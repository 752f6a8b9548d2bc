/* svlog's parsers: line stamps (TAI64N, ISO 8601 as vigil-log, svlogd and
   s6-log write them), the local time shown, log file names and their
   order, the log dir in a logger's command line, JSON escaping. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logfind.h"
#include "logjson.h"
#include "logname.h"
#include "logstamp.h"
#include "svtime.h"
#include "tap.h"

static size_t parse(char const *s, struct svtime *t)
{
  return logstamp_parse(s, strlen(s), t);
}

static void stamps(void)
{
  struct svtime t = { 0, 0 }, u;
  char text[SVTIME_TAI64N_TEXT_SIZE + 8];
  char iso[SVTIME_ISO8601_SIZE + 8];
  /* 2026-11-23T21:30:00.123456789Z */
  struct svtime ref = { 1795469400, 123456789 };
  svtime_fmt_tai64n(text, &ref);
  memcpy(text + SVTIME_TAI64N_TEXT_SIZE, " hello", 7);
  is_int(parse(text, &t), 26, "TAI64N: the stamp and its space are skipped");
  ok(t.sec == ref.sec && t.nsec == ref.nsec, "TAI64N: seconds and nanoseconds as written");
  is_int(parse("@400000006b17022e1a9904c8 x", &u), 26, "TAI64N: a vigil-log stamp");
  is_int(parse("@400000006B17022E1A9904C8 x", &u), 26, "TAI64N: upper-case hex too");
  is_int(parse("@400000006b17022e1a9904c8x", &u), 0, "TAI64N: no space after it: no stamp");
  is_int(parse("@400000006b17022e1a9904c", &u), 0, "TAI64N: one digit short: no stamp");
  is_int(parse("@400000006b17022g1a9904c8 x", &u), 0, "TAI64N: a non-hex digit: no stamp");
  is_int(parse("@400000006b17022e3b9aca00 x", &u), 0, "TAI64N: nanoseconds of 10^9: no stamp");
  is_int(parse("@300000006b17022e1a9904c8 x", &u), 0, "TAI64N: before 1970: no stamp");

  svtime_fmt_iso8601(iso, &ref);
  memcpy(iso + SVTIME_ISO8601_SIZE, " hi", 4);
  is_int(parse(iso, &t), 28, "ISO: vigil-log -T's stamp and its space are skipped");
  ok(t.sec == ref.sec && t.nsec == 123456000, "ISO: seconds and microseconds as written");
  is_int(parse("2026-11-23_21:30:00.12345 x", &t), 26, "ISO: svlogd -tt (underscore, 5 digits)");
  ok(t.sec == ref.sec && t.nsec == 123450000, "ISO: svlogd -tt's time");
  is_int(parse("2026-11-23T21:30:00.12345 x", &t), 26, "ISO: svlogd -ttt (T, no Z)");
  is_int(parse("2026-11-23 21:30:00 x", &t), 20, "ISO: a space and no fraction");
  ok(t.sec == ref.sec && t.nsec == 0, "ISO: whole seconds");
  is_int(parse("2024-02-29T00:00:00Z x", &t), 21, "ISO: a leap day");
  is_uint(t.sec, 1709164800, "ISO: 2024-02-29 is 1709164800");
  is_int(parse("2026-13-01T00:00:00Z x", &t), 0, "ISO: month 13: no stamp");
  is_int(parse("2026-11-23T21:30:00.Z x", &t), 0, "ISO: a dot without digits: no stamp");
  is_int(parse("2026-11-23T21:30:00Zx", &t), 0, "ISO: no space after: no stamp");
  is_int(parse("12345 items", &t), 0, "a line starting with digits: no stamp");
  is_int(parse("", &t), 0, "an empty line: no stamp");
  is_int(parse("@", &t), 0, "a lone @: no stamp");
  is_int(logstamp_parse("@400000006b17022e1a9904c8 x", 25, &t), 0, "TAI64N cut at the buffer's end: no stamp (no read past it)");
}

static void local_time(void)
{
  struct logstamp_cache cache = { 0, { 0 } };
  char out[LOGSTAMP_LOCAL_SIZE + 1];
  struct svtime t = { 1795469459, 987654321 };  /* 2026-11-23T21:30:59.987Z */
  out[LOGSTAMP_LOCAL_SIZE] = 0;
  setenv("TZ", "UTC0", 1);
  tzset();
  logstamp_fmt_local(out, &t, &cache);
  is_str(out, "2026-11-23 21:30:59.987", "local time in UTC, milliseconds");
  t.sec++;
  logstamp_fmt_local(out, &t, &cache);
  is_str(out, "2026-11-23 21:31:00.987", "the next second crosses a minute: the cache is renewed");
  t.sec += 3600 * 3;
  logstamp_fmt_local(out, &t, &cache);
  is_str(out, "2026-11-24 00:31:00.987", "and a day");
  setenv("TZ", "XYZ-2", 1);
  tzset();
  cache.minute = 0;
  logstamp_fmt_local(out, &t, &cache);
  is_str(out, "2026-11-24 02:31:00.987", "local time two hours east of UTC");
  setenv("TZ", "UTC0", 1);
  tzset();
}

static void names(void)
{
  is_int(logname_kind("current"), LOGNAME_CURRENT, "current");
  is_int(logname_kind("previous"), LOGNAME_PREVIOUS, "previous (multilog, s6-log, vigil-log -r)");
  is_int(logname_kind("@400000006b17022e1a9904c8.s"), LOGNAME_ARCHIVE, "@TAI64N.s: an archive (all four loggers)");
  is_int(logname_kind("@400000006b17022e1a9904c8.u"), LOGNAME_ARCHIVE, "@TAI64N.u: an archive cut by a crash (multilog, svlogd, s6-log)");
  is_int(logname_kind("@400000006b17022e1a9904c8.x"), LOGNAME_OTHER, "@TAI64N.x: not a log");
  is_int(logname_kind("@400000006b17022e1a9904c.s"), LOGNAME_OTHER, "a digit short: not a log");
  is_int(logname_kind("lock"), LOGNAME_OTHER, "lock: not a log");
  is_int(logname_kind("state"), LOGNAME_OTHER, "state: not a log");
  is_int(logname_kind("processed"), LOGNAME_OTHER, "processed (half written by a processor): not a log");
  is_int(logname_kind("config"), LOGNAME_OTHER, "svlogd's config: not a log");
  ok(logname_compare("@400000006b17022e1a9904c8.s", "@400000006b17022f00000000.s") < 0, "archives in the order of their labels");
  ok(logname_compare("@400000006b17022f00000000.u", "previous") < 0, "every archive before previous");
  ok(logname_compare("previous", "current") < 0, "previous before current");
  ok(logname_compare("@400000006b17022f00000000.s", "current") < 0, "archives before current");
  ok(logname_compare("", "@400000006b17022e1a9904c8.s") < 0, "nothing read yet: before every file");
}

static unsigned int leap;
static char const *dir_of(char const *args, size_t len)
{
  return logfind_from_cmdline(args, len, &leap);
}
#define CMD(s) dir_of(s, sizeof s)

static void cmdlines(void)
{
  is_str(CMD("vigil-log\0-t\0-s\0001000\0/var/log/web"), "/var/log/web", "vigil-log: its last argument");
  is_str(CMD("/usr/local/bin/vigil-log\0./main"), "./main", "vigil-log by path, a relative dir");
  ok(!CMD("vigil-log\0-t\0-"), "vigil-log -: stdout, no dir");
  ok(!CMD("vigil-log"), "vigil-log with no argument: no dir");
  is_str(CMD("svlogd\0-tt\0-l\0100\0/var/log/a\0/var/log/b"), "/var/log/a", "svlogd: its first non-option argument (options with a value skipped)");
  is_str(CMD("svlogd\0-r_\0-v\0main"), "main", "svlogd: glued option values");
  is_str(CMD("multilog\0t\0s1000000\0n20\0./main"), "./main", "multilog: the script's ./ item");
  is_int(leap, 0, "multilog: TAI64N as daemontools (UTC + 10 s)");
  is_str(CMD("s6-log\0-b\0n20\0s1000000\0T\0/var/log/x"), "/var/log/x", "s6-log: the script's / item");
  is_int(leap, 27, "s6-log: TAI64N is TAI, 27 leap seconds to take off");
  ok(!CMD("cat\0/var/log/x"), "another program: no dir");
  ok(!dir_of("vigil-log\0/var/log/x", 19), "an argument cut short (no NUL): not used");
}

static void json(void)
{
  char out[128];
  size_t n = logjson_escape(out, "a\"b\\c\td\x01\x7f", 9);
  out[n] = 0;
  is_str(out, "a\\\"b\\\\c\\td\\u0001\\u007f", "quotes, backslashes, controls escaped");
  n = logjson_escape(out, "\xc3\xa9t\xc3\xa9", 5);
  out[n] = 0;
  is_str(out, "\xc3\xa9t\xc3\xa9", "valid UTF-8 kept");
  n = logjson_escape(out, "\xff\xc3(\xed\xa0\x80", 6);
  out[n] = 0;
  is_str(out, "\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes and a surrogate: U+FFFD each");
  n = logjson_escape(out, "\xc0\xaf", 2);
  out[n] = 0;
  is_str(out, "\xef\xbf\xbd\xef\xbf\xbd", "an overlong form: U+FFFD each");
}

int main(void)
{
  stamps();
  local_time();
  names();
  cmdlines();
  json();
  return done_testing();
}
