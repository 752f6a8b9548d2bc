/* Unit test of lib/cgstat: the parsers of supervise/cgroup, memory.current
   and cpu.stat, then cgstat_read over a temp dir: a fake cgroup read, a
   file missing, a fifo, a symlink, a NUL byte and an overlong path
   refused without blocking. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgstat.h"
#include "tap.h"

char const *PROG = "unit-cgstat";

static void test_path(void)
{
  char out[CGSTAT_PATH_MAX];
  static struct { char const *text; char const *path; } const good[] = {
    { "/sys/fs/cgroup/vigil/sshd\n", "/sys/fs/cgroup/vigil/sshd" },
    { "/sys/fs/cgroup/vigil/sshd", "/sys/fs/cgroup/vigil/sshd" },
    { "/", "/" },
    { "/a..b/..c/d../...\n", "/a..b/..c/d../..." },
    { "/x/getty@ttyS0 with space\n", "/x/getty@ttyS0 with space" },
  };
  static struct { char const *text; char const *why; } const bad[] = {
    { "", "empty" },
    { "\n", "an empty line" },
    { "sys/fs/cgroup\n", "a relative path" },
    { " /sys/fs/cgroup\n", "a blank before the slash" },
    { "/sys/fs/cgroup/../../etc\n", "a .. component" },
    { "/..\n", "/.. at the end" },
    { "/a/..", "a last .. with no newline" },
    { "/a\n/b\n", "two lines" },
    { "/a\n\n", "an empty second line" },
    { "/a\tb\n", "a tab" },
    { "/a\033[31m\n", "an escape byte" },
    { "/a\r\n", "a carriage return" },
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    strcpy(out, "unset");
    ok(!cgstat_parse_path(out, good[i].text), "path: %s taken", good[i].path);
    is_str(out, good[i].path, "path: %s as it is", good[i].path);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ok(cgstat_parse_path(out, bad[i].text) < 0, "path: %s refused", bad[i].why);
  {
    char *longest = malloc(CGSTAT_PATH_MAX + 2);
    if (!longest) return;
    memset(longest, 'a', CGSTAT_PATH_MAX + 1);
    longest[0] = '/';
    longest[CGSTAT_PATH_MAX - 1] = 0;
    ok(!cgstat_parse_path(out, longest), "path: PATH_MAX - 1 bytes taken");
    longest[CGSTAT_PATH_MAX - 1] = 'a';
    longest[CGSTAT_PATH_MAX] = 0;
    ok(cgstat_parse_path(out, longest) < 0, "path: PATH_MAX bytes refused");
    free(longest);
  }
}

static void test_memory(void)
{
  uint64_t bytes = 1;
  ok(!cgstat_parse_memory("1409024\n", &bytes) && bytes == 1409024, "memory: a number and its newline");
  ok(!cgstat_parse_memory("0", &bytes) && bytes == 0, "memory: 0 with no newline");
  ok(!cgstat_parse_memory("18446744073709551615\n", &bytes) && bytes == UINT64_MAX, "memory: the largest 64-bit number");
  ok(cgstat_parse_memory("18446744073709551616\n", &bytes) < 0, "memory: one more does not fit: refused");
  ok(cgstat_parse_memory("", &bytes) < 0, "memory: empty refused");
  ok(cgstat_parse_memory("max\n", &bytes) < 0, "memory: a word refused");
  ok(cgstat_parse_memory("-5\n", &bytes) < 0, "memory: a negative number refused");
  ok(cgstat_parse_memory("12 kB\n", &bytes) < 0, "memory: a unit after the number refused");
  ok(cgstat_parse_memory("12\n13\n", &bytes) < 0, "memory: two lines refused");
}

static void test_cpu(void)
{
  uint64_t usec = 1;
  ok(!cgstat_parse_cpu("usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\n", &usec) && usec == 1234567,
     "cpu: usage_usec on the first line");
  ok(!cgstat_parse_cpu("nr_periods 0\nusage_usec 42\n", &usec) && usec == 42, "cpu: usage_usec on a later line");
  ok(!cgstat_parse_cpu("usage_usec 7", &usec) && usec == 7, "cpu: a last line with no newline");
  ok(!cgstat_parse_cpu("usage_usec 0\n", &usec) && usec == 0, "cpu: 0");
  ok(cgstat_parse_cpu("user_usec 5\nsystem_usec 6\n", &usec) < 0, "cpu: no usage_usec line refused");
  ok(cgstat_parse_cpu("xusage_usec 5\n", &usec) < 0, "cpu: usage_usec not at a line's start refused");
  ok(cgstat_parse_cpu("usage_usec_total 5\n", &usec) < 0, "cpu: a longer key refused");
  ok(cgstat_parse_cpu("usage_usec lots\n", &usec) < 0, "cpu: a word for the number refused");
  ok(cgstat_parse_cpu("usage_usec 5x\n", &usec) < 0, "cpu: junk after the number refused");
  ok(cgstat_parse_cpu("usage_usec 99999999999999999999\n", &usec) < 0, "cpu: a number past 64 bits refused");
  ok(cgstat_parse_cpu("", &usec) < 0, "cpu: empty refused");
  ok(cgstat_parse_cpu("\n\n\n", &usec) < 0, "cpu: blank lines refused");
}

static char base[] = "/tmp/unit-cgstat.XXXXXX";

static void put_file(char const *dir, char const *name, char const *text, size_t len)
{
  char path[PATH_MAX];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f)) diag("cannot write %s", path);
}

/* supervise/cgroup naming TARGET, then cgstat_read of the service dir. */
static enum cgstat_result read_with(int svfd, char const *target, struct cgstat *stat)
{
  char svdir[PATH_MAX];
  snprintf(svdir, sizeof svdir, "%s/sv/supervise", base);
  put_file(svdir, "cgroup", target, strlen(target));
  return cgstat_read(svfd, stat);
}

static void test_read(void)
{
  char path[PATH_MAX], cg[256], target[PATH_MAX + 16];
  struct cgstat stat;
  int svfd;
  if (!mkdtemp(base)) {
    ok(0, "read: a temp dir");
    return;
  }
  snprintf(path, sizeof path, "%s/sv/supervise", base);
  snprintf(cg, sizeof cg, "%s/cg", base);
  if (mkdir(cg, 0755) || snprintf(path, sizeof path, "%s/sv", base) < 0 || mkdir(path, 0755)
      || snprintf(path, sizeof path, "%s/sv/supervise", base) < 0 || mkdir(path, 0700)) {
    ok(0, "read: the dirs");
    return;
  }
  snprintf(path, sizeof path, "%s/sv", base);
  svfd = open(path, O_RDONLY | O_DIRECTORY);
  is_int(cgstat_read(svfd, &stat), CGSTAT_NONE, "read: no supervise/cgroup: no cgroup");
  ok(!stat.has_memory && !stat.has_cpu, "read: no cgroup, no figure");

  put_file(cg, "memory.current", "2097152\n", 8);
  {
    char const *cpu = "usage_usec 3500000\nuser_usec 3000000\nsystem_usec 500000\n";
    put_file(cg, "cpu.stat", cpu, strlen(cpu));
  }
  snprintf(target, sizeof target, "%s\n", cg);
  is_int(read_with(svfd, target, &stat), CGSTAT_READ, "read: a cgroup named");
  ok(stat.has_memory && stat.memory_bytes == 2097152, "read: memory.current");
  ok(stat.has_cpu && stat.cpu_usec == 3500000, "read: cpu.stat's usage_usec");

  snprintf(path, sizeof path, "%s/memory.current", cg);
  unlink(path);
  is_int(read_with(svfd, target, &stat), CGSTAT_READ, "read: memory.current missing: still a cgroup");
  ok(!stat.has_memory && stat.has_cpu, "read: memory.current missing: no memory, the CPU time");

  mkfifo(path, 0644);
  is_int(read_with(svfd, target, &stat), CGSTAT_READ, "read: a fifo as memory.current: no block");
  ok(!stat.has_memory && stat.has_cpu, "read: a fifo as memory.current: no memory");
  unlink(path);
  snprintf(target, sizeof target, "%s/cpu.stat", cg);
  if (symlink(target, path)) diag("cannot make the symlink");
  snprintf(target, sizeof target, "%s\n", cg);
  read_with(svfd, target, &stat);
  ok(!stat.has_memory, "read: a symlink as memory.current not followed");
  unlink(path);
  put_file(cg, "memory.current", "12\0" "34\n", 6);
  read_with(svfd, target, &stat);
  ok(!stat.has_memory, "read: a NUL byte in memory.current: refused");

  is_int(read_with(svfd, "relative/path\n", &stat), CGSTAT_BAD_PATH, "read: a relative path refused");
  snprintf(target, sizeof target, "%s/../cg\n", cg);
  is_int(read_with(svfd, target, &stat), CGSTAT_BAD_PATH, "read: a .. refused");
  ok(!stat.has_memory && !stat.has_cpu, "read: a bad path, no figure");
  snprintf(target, sizeof target, "%s/gone\n", cg);
  is_int(read_with(svfd, target, &stat), CGSTAT_READ, "read: a cgroup gone: no complaint");
  ok(!stat.has_memory && !stat.has_cpu, "read: a cgroup gone: no figure");
  {
    /* A path of PATH_MAX bytes and its newline: too long, refused unread. */
    char *longest = malloc(CGSTAT_PATH_MAX + 8);
    if (longest) {
      memset(longest, 'a', CGSTAT_PATH_MAX + 7);
      longest[0] = '/';
      strcpy(longest + CGSTAT_PATH_MAX + 4, "\n");
      is_int(read_with(svfd, longest, &stat), CGSTAT_BAD_PATH, "read: a path longer than PATH_MAX refused");
      free(longest);
    }
  }
  snprintf(path, sizeof path, "%s/sv/supervise/cgroup", base);
  unlink(path);
  mkfifo(path, 0644);
  is_int(cgstat_read(svfd, &stat), CGSTAT_BAD_PATH, "read: a fifo as supervise/cgroup: refused, no block");
  unlink(path);
  close(svfd);
  snprintf(path, sizeof path, "rm -rf '%s'", base);
  if (system(path)) diag("cannot remove %s", base);
}

int main(void)
{
  test_path();
  test_memory();
  test_cpu();
  test_read();
  return done_testing();
}
