/* Unit test of what svstat -a and --json compute without I/O: JSON
   strings (lib/jsonout: escapes, UTF-8 kept, every bad byte replaced),
   the state word from a status (lib/svsummary), durations, sizes and
   CPU times, and the /proc parsers (lib/procmem). */
#include <string.h>
#include <sys/wait.h>

#include "jsonout.h"
#include "procmem.h"
#include "svsummary.h"
#include "tap.h"

char const *PROG = "unit-svstat-format";

static char quoted[JSONOUT_QUOTED_MAX(64) + 1];

static char const *quote(char const *in, size_t len)
{
  size_t n = jsonout_quote(quoted, in, len);
  if (n > JSONOUT_QUOTED_MAX(len)) return "overflow";
  quoted[n] = 0;
  return quoted;
}

static void test_json(void)
{
  is_str(quote("", 0), "\"\"", "json: the empty string");
  is_str(quote("plain", 5), "\"plain\"", "json: plain ASCII as it is");
  is_str(quote("a\"b\\c/", 6), "\"a\\\"b\\\\c/\"", "json: a quote and a backslash escaped, a slash not");
  is_str(quote("\n\t\r\b\f", 5), "\"\\n\\t\\r\\b\\f\"", "json: the short escapes");
  is_str(quote("\033[31m\001\177", 7), "\"\\u001b[31m\\u0001\\u007f\"", "json: ESC, SOH, DEL as \\u00XX");
  is_str(quote("a\0b", 3), "\"a\\u0000b\"", "json: a NUL byte inside");
  is_str(quote("\xc3\xa9t\xc3\xa9", 5), "\"\xc3\xa9t\xc3\xa9\"", "json: two-byte UTF-8 kept");
  is_str(quote("\xe2\x82\xac\xf0\x9f\x98\x80", 7), "\"\xe2\x82\xac\xf0\x9f\x98\x80\"", "json: three- and four-byte UTF-8 kept");
  is_str(quote("\xff", 1), "\"\\ufffd\"", "json: a byte never in UTF-8 replaced by U+FFFD");
  is_str(quote("\x80x", 2), "\"\\ufffdx\"", "json: a stray continuation byte replaced, the next kept");
  is_str(quote("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"", "json: an overlong '/' replaced, byte by byte");
  is_str(quote("\xe0\x80\xaf", 3), "\"\\ufffd\\ufffd\\ufffd\"", "json: an overlong three-byte form replaced");
  is_str(quote("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"", "json: a UTF-16 surrogate replaced");
  is_str(quote("\xf4\x90\x80\x80", 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "json: past U+10FFFF replaced");
  is_str(quote("ab\xe2\x82", 4), "\"ab\\ufffd\\ufffd\"", "json: a sequence cut short at the end replaced");
  is_str(quote("\xe2(x", 3), "\"\\ufffd(x\"", "json: a lead byte followed by ASCII: only the lead replaced");
  {
    char worst[16];
    memset(worst, 0x01, sizeof worst);
    is_int((long long)jsonout_quote(quoted, worst, sizeof worst), (long long)JSONOUT_QUOTED_MAX(sizeof worst),
           "json: 16 control bytes take exactly the bound");
  }
}

static struct svstatus status_of(enum svstatus_runstate state, enum svstatus_reason reason)
{
  struct svstatus status = { .format = SVSTATUS_FORMAT_VIGIL, .state = state, .reason = reason, .want = SVSTATUS_WANT_UP };
  if (state == SVSTATUS_RUN) status.pid = 42;
  return status;
}

static void test_state(void)
{
  static struct { enum svstatus_runstate state; enum svstatus_reason reason; char const *word; } const cases[] = {
    { SVSTATUS_RUN, SVSTATUS_REASON_NONE, "up" },
    { SVSTATUS_FINISH, SVSTATUS_REASON_NONE, "finishing" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_NONE, "down" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_NEEDS, "waiting" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_UP_FAILED, "failed" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_FINISH_SAID_STOP, "failed" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_THROTTLED, "dying too fast" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_RUN_MISSING, "no ./run" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_RUN_NOT_EXECUTABLE, "./run not executable" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_SPAWN_FAILED, "fork failed" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_GAVE_UP, "failed" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_NOT_RESTARTED, "down" },
    { SVSTATUS_RUN, SVSTATUS_REASON_UNHEALTHY, "unhealthy" },
    { SVSTATUS_DOWN, SVSTATUS_REASON_UNHEALTHY, "down" },
    /* A finish running while the reason of the last run is kept: finishing wins. */
    { SVSTATUS_FINISH, SVSTATUS_REASON_THROTTLED, "finishing" },
  };
  struct svstatus status;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    status = status_of(cases[i].state, cases[i].reason);
    is_str(svsummary_state_word(svsummary_state(&status)), cases[i].word, "state: %s", cases[i].word);
  }
  status = status_of(SVSTATUS_RUN, SVSTATUS_REASON_NONE);
  status.ready = true;
  is_str(svsummary_state_word(svsummary_state(&status)), "ready", "state: up and ready is ready");
  status.paused = true;
  is_str(svsummary_state_word(svsummary_state(&status)), "paused", "state: paused wins over ready");
  status.reason = SVSTATUS_REASON_UNHEALTHY;
  is_str(svsummary_state_word(svsummary_state(&status)), "paused", "state: paused wins over unhealthy");
  ok(svsummary_state_bad(SVSUMMARY_UNHEALTHY), "state: unhealthy needs a look");
  /* daemontools' 18 bytes: pid set means run, nothing else known. */
  status = (struct svstatus){ .format = SVSTATUS_FORMAT_DAEMONTOOLS, .state = SVSTATUS_RUN, .pid = 7 };
  is_str(svsummary_state_word(svsummary_state(&status)), "up", "state: a daemontools status up");
  ok(svsummary_state_bad(SVSUMMARY_FAILED) && svsummary_state_bad(SVSUMMARY_NO_SUPERVISOR)
     && !svsummary_state_bad(SVSUMMARY_UP) && !svsummary_state_bad(SVSUMMARY_DOWN),
     "state: failed and no supervisor need a look, up and down do not");
  is_str(svsummary_state_word(SVSUMMARY_NO_SUPERVISOR), "no supervisor", "state: no supervisor");
  is_str(svsummary_state_word(SVSUMMARY_UNREADABLE), "unreadable status", "state: unreadable status");
}

static void test_duration(void)
{
  static struct { uint64_t seconds; char const *text; } const cases[] = {
    { 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 307, "5m07s" }, { 3599, "59m59s" },
    { 3600, "1h00m" }, { 7380, "2h03m" }, { 86399, "23h59m" }, { 86400, "1d00h" },
    { 273600, "3d04h" }, { 86400ULL * 40000, "40000d00h" }, { UINT64_MAX, "213503982334601d07h" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[SVSUMMARY_DURATION_MAX];
    size_t len = svsummary_fmt_duration(out, cases[i].seconds);
    is_str(out, cases[i].text, "duration: %llu s is %s", (unsigned long long)cases[i].seconds, cases[i].text);
    is_int((long long)len, (long long)strlen(cases[i].text), "duration: %s, its length", cases[i].text);
  }
}

static void test_kib(void)
{
  static struct { uint64_t kib; char const *text; } const cases[] = {
    { 0, "0K" }, { 812, "812K" }, { 1023, "1023K" }, { 1024, "1.0M" }, { 1535, "1.4M" },
    { 12595, "12.2M" }, { 1048575, "1023.9M" }, { 1048576, "1.0G" }, { 1572864, "1.5G" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[SVSUMMARY_KIB_MAX];
    svsummary_fmt_kib(out, cases[i].kib);
    is_str(out, cases[i].text, "size: %llu KiB is %s (rounded down)", (unsigned long long)cases[i].kib, cases[i].text);
  }
}

static void test_cpu(void)
{
  static struct { uint64_t usec; char const *text; } const cases[] = {
    { 0, "0ms" }, { 999, "0ms" }, { 1000, "1ms" }, { 340999, "340ms" }, { 999999, "999ms" },
    { 1000000, "1.0s" }, { 1299999, "1.2s" }, { 59999999, "59.9s" }, { 60000000, "1m00s" },
    { 187000000, "3m07s" }, { 7380000000ULL, "2h03m" }, { UINT64_MAX, "213503982d08h" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[SVSUMMARY_DURATION_MAX];
    size_t len = svsummary_fmt_cpu(out, cases[i].usec);
    is_str(out, cases[i].text, "cpu: %llu us is %s (rounded down)", (unsigned long long)cases[i].usec, cases[i].text);
    is_int((long long)len, (long long)strlen(cases[i].text), "cpu: %s, its length", cases[i].text);
  }
}

static void test_proc(void)
{
  pid_t session = -1;
  ok(!procmem_parse_session("1234 (sleep) S 1 1234 1234 0 -1 4194560 99", &session) && session == 1234,
     "proc: the session of a plain stat");
  ok(!procmem_parse_session("77 (a) b) (c) S 1 70 71 0 -1", &session) && session == 71,
     "proc: a command name with spaces and parentheses");
  ok(procmem_parse_session("77 (truncated", &session) < 0, "proc: no ')' is malformed");
  ok(procmem_parse_session("77 (x) S 1", &session) < 0, "proc: too few fields is malformed");
  is_uint(procmem_parse_private("Rss:                 900 kB\nPss:                 300 kB\n"
                                "Private_Clean:        24 kB\nPrivate_Dirty:       100 kB\nSwap: 0 kB\n"),
          124, "proc: Private_Clean + Private_Dirty");
  is_uint(procmem_parse_private("Rss: 1 kB\n"), 0, "proc: no private fields is 0");
  is_uint(procmem_parse_private("Private_Dirty: 8 kB"), 8, "proc: a last line with no newline");
  {
    /* 100 leads 100 (a run) with a child 101; 200's leader is gone, 201
       is left in it (a MAINPID daemon); 301 is in 300's live session (a
       supervisor that did not setsid). */
    struct procmem_process processes[] = {
      { 100, 100 }, { 101, 100 }, { 201, 200 }, { 202, 200 }, { 300, 300 }, { 301, 300 }, { 400, 0 },
    };
    struct procmem_table table = { processes, sizeof processes / sizeof processes[0] };
    is_int(procmem_service_session(&table, 100), 100, "proc: a session leader: its session");
    is_int(procmem_service_session(&table, 201), 200, "proc: its session's leader gone: that session");
    is_int(procmem_service_session(&table, 301), 0, "proc: its session's leader alive and another: alone");
    is_int(procmem_service_session(&table, 400), 0, "proc: session 0 (a kernel thread's): alone");
    is_int(procmem_service_session(&table, 999), 0, "proc: a pid not in the table: none");
  }
}

int main(void)
{
  test_json();
  test_state();
  test_duration();
  test_kib();
  test_cpu();
  test_proc();
  return done_testing();
}
