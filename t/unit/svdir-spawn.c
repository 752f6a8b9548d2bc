/* Unit test of lib/svdir-spawn: the contents of env/ files (envdir's
   rules), user, limit-*, nice and oom-score-adj. */
#include <string.h>
#include <sys/resource.h>

#include "svdir-spawn.h"
#include "tap.h"

static void value(char const *content, size_t len, char const *expected, char const *what)
{
  char text[64];
  size_t got;
  memcpy(text, content, len);
  got = envdir_value(text, len);
  is_uint(got, strlen(expected), "envdir: %s: length", what);
  is_str(text, expected, "envdir: %s", what);
}

static void test_envdir(void)
{
  value("hello\n", 6, "hello", "the newline cut");
  value("hello", 5, "hello", "no newline");
  value("a b \t \nsecond\n", 14, "a b", "trailing spaces and tabs cut");
  value("  lead\n", 7, "  lead", "leading blanks kept");
  value("a\0b\n", 4, "a\nb", "a NUL is a newline");
  value("\nsecond\n", 8, "", "an empty first line: empty value");
  value("x\r\n", 3, "x\r", "a CR kept (envdir cuts only spaces and tabs)");
  is_int(envdir_name_check("PATH"), 1, "name: PATH is good");
  is_int(envdir_name_check("A=B"), 0, "name: with '=' is bad");
  is_int(envdir_name_check(""), 0, "name: empty is bad");
  is_int(envdir_name_check(".hidden"), -1, "name: a dot file is skipped");
}

static void user(char const *content, int result, char const *u, char const *g, int numeric, unsigned int uid, unsigned int gid)
{
  char text[64];
  char const *gotu = 0, *gotg = 0;
  int gotn = -1;
  unsigned int gotuid = 7777, gotgid = 7777;
  int r;
  strcpy(text, content);
  r = svuser_parse(text, &gotu, &gotg, &gotn, &gotuid, &gotgid);
  is_int(r, result, "user '%s': result", content);
  if (r < 0) return;
  is_str(gotu, u, "user '%s': user", content);
  ok(g ? gotg && !strcmp(gotg, g) : !gotg, "user '%s': group %s", content, g ? g : "none");
  is_int(gotn, numeric, "user '%s': numeric or not", content);
  if (numeric) {
    is_uint(gotuid, uid, "user '%s': uid", content);
    is_uint(gotgid, gid, "user '%s': gid", content);
  }
}

static void test_user(void)
{
  user("www-data", 0, "www-data", 0, 0, 0, 0);
  user("www-data:adm", 0, "www-data", "adm", 0, 0, 0);
  user("www-data:4", 0, "www-data", "4", 0, 0, 0);
  user("1000:1001", 0, "1000", "1001", 1, 1000, 1001);
  user("1000", -1, 0, 0, 0, 0, 0);
  user("1000:adm", -1, 0, 0, 0, 0, 0);
  user(":adm", -1, 0, 0, 0, 0, 0);
  user("nobody:", -1, 0, 0, 0, 0, 0);
  user("a:b:c", -1, 0, 0, 0, 0, 0);
  user("", -1, 0, 0, 0, 0, 0);
}

static void test_numbers(void)
{
  rlim_t v = 1;
  int n = 99;
  ok(!svlimit_parse("1024", &v) && v == 1024, "limit: 1024");
  ok(!svlimit_parse("0", &v) && v == 0, "limit: 0");
  ok(!svlimit_parse("unlimited", &v) && v == RLIM_INFINITY, "limit: unlimited");
  ok(!svlimit_parse("infinity", &v) && v == RLIM_INFINITY, "limit: infinity");
  ok(svlimit_parse("", &v) < 0, "limit: empty is bad");
  ok(svlimit_parse("-1", &v) < 0, "limit: negative is bad");
  ok(svlimit_parse("12k", &v) < 0, "limit: a suffix is bad");
  ok(svlimit_parse("99999999999999999999", &v) < 0, "limit: past 64 bits is bad");
  ok(!svint_parse("-20", -20, 19, &n) && n == -20, "nice: -20");
  ok(!svint_parse("19", -20, 19, &n) && n == 19, "nice: 19");
  ok(svint_parse("20", -20, 19, &n) < 0, "nice: 20 is bad");
  ok(svint_parse("-1001", -1000, 1000, &n) < 0, "oom: -1001 is bad");
  ok(svint_parse("5x", -1000, 1000, &n) < 0, "oom: trailing junk is bad");
  ok(svint_parse("", -1000, 1000, &n) < 0, "oom: empty is bad");
}

int main(void)
{
  test_envdir();
  test_user();
  test_numbers();
  return done_testing();
}
