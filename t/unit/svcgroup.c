/* Unit test of lib/svcgroup's pure parts: the cgroup a supervisor's dir
   gets, and cgroup.events' populated line. */
#include <string.h>

#include "svcgroup.h"
#include "tap.h"

static char const *leaf_of(char const *dir)
{
  static char out[SVCGROUP_PATH_MAX];
  if (!svcgroup_leaf(dir, out, sizeof out)) return "(none)";
  return out;
}

int main(void)
{
  char small[8];
  is_str(leaf_of("sshd"), "sshd/run", "a service: NAME/run");
  is_str(leaf_of("sshd/log"), "sshd/log", "its logger: NAME/log");
  is_str(leaf_of("sshd/log/"), "sshd/log", "a trailing slash is no component");
  is_str(leaf_of(".instances/getty@tty1"), "getty@tty1/run", "an instance: its own name");
  is_str(leaf_of(".instances/getty@tty1/log"), "getty@tty1/log", "an instance's logger");
  is_str(leaf_of("/srv/sv/web"), "web/run", "an absolute dir (by hand): its last component");
  is_str(leaf_of("log"), "log/run", "a service named log, alone: a service");
  is_str(leaf_of("sv//log"), "sv/log", "doubled slashes");
  is_str(leaf_of(""), "(none)", "empty: none");
  is_str(leaf_of("."), "(none)", ".: none");
  is_str(leaf_of(".."), "(none)", "..: none");
  is_str(leaf_of("/"), "(none)", "/: none");
  is_str(leaf_of(".hidden"), "(none)", "a dotdir: none");
  is_str(leaf_of("/log"), "log/run", "/log: a service named log");
  ok(!svcgroup_leaf("abcdefgh", small, sizeof small), "too long for the buffer: none");
  ok(svcgroup_leaf("abc", small, sizeof small) == 7 && !strcmp(small, "abc/run"), "just fits: abc/run, 7 bytes");

  is_int(svcgroup_parse_populated("populated 1\nfrozen 0\n"), 1, "populated 1");
  is_int(svcgroup_parse_populated("populated 0\nfrozen 0\n"), 0, "populated 0");
  is_int(svcgroup_parse_populated("frozen 0\npopulated 1\n"), 1, "populated on a later line");
  is_int(svcgroup_parse_populated("frozen 0\n"), -1, "no populated line: -1");
  is_int(svcgroup_parse_populated("populated x\n"), -1, "garbage value: -1");
  is_int(svcgroup_parse_populated(""), -1, "empty: -1");
  is_int(svcgroup_parse_populated("xpopulated 1\n"), -1, "a longer key is not it");
  return done_testing();
}
