/* Unit test of lib/svdir: the small files of a service dir (timeout-kill,
   down-signal...), read from files made in a fresh temporary directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svdir.h"
#include "svdir-policy.h"
#include "tap.h"

/* Left in the value to see whether a reader wrote it. */
#define UNTOUCHED 7777
#define TEST_FILE "value"

static char temp_dir[] = "/tmp/vigil-unit-svdir.XXXXXX";
static int service_dirfd = -1;

static void write_file(char const *name, char const *content)
{
  int fd = openat(service_dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  size_t len = strlen(content);
  if (fd < 0 || write(fd, content, len) != (ssize_t)len || close(fd) < 0) {
    diag("unable to write %s/%s: %s", temp_dir, name, strerror(errno));
    exit(1);
  }
}

static enum svdir_read_result read_uint(char const *content, unsigned int *value)
{
  *value = UNTOUCHED;
  write_file(TEST_FILE, content);
  return svdir_read_uint(service_dirfd, TEST_FILE, value);
}

static enum svdir_read_result read_signal(char const *content, int *signal)
{
  *signal = UNTOUCHED;
  write_file(TEST_FILE, content);
  return svdir_read_signal(service_dirfd, TEST_FILE, signal);
}

/* A file that holds a number, written with a description for the output. */
struct uint_case {
  char const *content;
  char const *description;
  unsigned int value;
};

static void test_uint(void)
{
  static struct uint_case const valid[] = {
    { "5000", "a number without newline", 5000 },
    { "5000\n", "a number with newline", 5000 },
    { "0\n", "zero", 0 },
    { "  42 \t\n", "blanks around a number", 42 },
    { "\t42\r\n", "a tab before, CRLF after", 42 },
    { "42\n\n\n", "blank lines after", 42 },
    { "4294967295\n", "the largest unsigned int", UINT_MAX },
  };
  static struct uint_case const invalid[] = {
    { "", "an empty file", 0 },
    { "\n", "a lone newline", 0 },
    { "   \n", "only blanks", 0 },
    { "abc\n", "garbage", 0 },
    { "12abc\n", "a number followed by garbage", 0 },
    { "4 2\n", "two numbers", 0 },
    { "-1\n", "a negative number", 0 },
    { "4294967296\n", "a number that overflows", 0 },
    { "12345678901234567890123456789012345678901234567890\n", "a 50-digit number", 0 },
  };
  unsigned int value;

  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
    is_int(read_uint(valid[i].content, &value), SVDIR_READ, "uint: %s is read", valid[i].description);
    is_uint(value, valid[i].value, "uint: %s gives %u", valid[i].description, valid[i].value);
  }
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    errno = 0;
    is_int(read_uint(invalid[i].content, &value), SVDIR_INVALID, "uint: %s is invalid", invalid[i].description);
    ok(errno != 0, "uint: %s sets errno", invalid[i].description);
  }

  /* 40 leading zeros then 7: the number is 7. Reading it cut short at the
     buffer size would give 0 (timeout-kill 0: never kill). Either refuse
     the file or read 7; never a different number. */
  {
    char padded[64];
    enum svdir_read_result result;
    memset(padded, '0', 40);
    strcpy(padded + 40, "7\n");
    result = read_uint(padded, &value);
    ok(result == SVDIR_INVALID || (result == SVDIR_READ && value == 7),
       "uint: a long file is refused or read whole, never cut short");
    if (result == SVDIR_READ && value != 7) diag("read %u from 40 zeros then 7", value);
  }

  value = UNTOUCHED;
  is_int(svdir_read_uint(service_dirfd, "absent", &value), SVDIR_ABSENT, "uint: an absent file is SVDIR_ABSENT");
  is_uint(value, UNTOUCHED, "uint: an absent file leaves the default alone");

  if (mkdirat(service_dirfd, "a-directory", 0755) < 0) diag("mkdir: %s", strerror(errno));
  value = UNTOUCHED;
  is_int(svdir_read_uint(service_dirfd, "a-directory", &value), SVDIR_INVALID, "uint: a directory is invalid");
  is_uint(value, UNTOUCHED, "uint: a directory leaves the default alone");
}

struct signal_case {
  char const *content;
  int signal;
};

static void test_signal(void)
{
  static struct signal_case const valid[] = {
    { "TERM", SIGTERM },
    { "TERM\n", SIGTERM },
    { "SIGTERM\n", SIGTERM },
    { "15\n", SIGTERM },
    { " HUP \n", SIGHUP },
    { "SIGHUP", SIGHUP },
    { "1\n", SIGHUP },
    { "KILL\n", SIGKILL },
    { "9", SIGKILL },
    { "INT\n", SIGINT },
    { "USR1\n", SIGUSR1 },
    { "SIGUSR2\n", SIGUSR2 },
    { "QUIT\n", SIGQUIT },
  };
  static char const *const invalid[] = {
    "", "\n", "garbage\n", "0\n", "0", "SIG\n", "TERMINATE\n", "15x\n", "-15\n", "TERM KILL\n",
    /* No such signal: found by t/fuzz/svdir-files (kill(2) would refuse it at every svc -d). */
    "444", "65\n", "4294967311\n",
  };
  int signal;

  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
    is_int(read_signal(valid[i].content, &signal), SVDIR_READ, "signal: '%.*s' is read",
           (int)strcspn(valid[i].content, "\n"), valid[i].content);
    is_int(signal, valid[i].signal, "signal: '%.*s' is %d", (int)strcspn(valid[i].content, "\n"),
           valid[i].content, valid[i].signal);
  }
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    errno = 0;
    is_int(read_signal(invalid[i], &signal), SVDIR_INVALID, "signal: '%.*s' is invalid",
           (int)strcspn(invalid[i], "\n"), invalid[i]);
    ok(errno != 0, "signal: '%.*s' sets errno", (int)strcspn(invalid[i], "\n"), invalid[i]);
  }

  signal = UNTOUCHED;
  is_int(svdir_read_signal(service_dirfd, "absent", &signal), SVDIR_ABSENT, "signal: an absent file is SVDIR_ABSENT");
  is_int(signal, UNTOUCHED, "signal: an absent file leaves the default alone");
}

/* kill-process-group: on or off, anything else refused as timeout-kill's junk is. */
static void test_flag(void)
{
  static struct { char const *content; int on; } const valid[] = {
    { "", 1 }, { "\n", 1 }, { "  \t\n", 1 }, { "1", 1 }, { "1\n", 1 }, { " 1 \n", 1 }, { "0\n", 0 }, { "0", 0 },
  };
  static char const *const invalid[] = { "yes\n", "2\n", "01\n", "1 1\n", "-1\n", "on", "0x1", "99999999999999999999999999999999999" };
  int on;
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
    on = UNTOUCHED;
    write_file(TEST_FILE, valid[i].content);
    is_int(svdir_read_flag(service_dirfd, TEST_FILE, &on), SVDIR_READ, "flag: '%.*s' is read",
           (int)strcspn(valid[i].content, "\n"), valid[i].content);
    is_int(on, valid[i].on, "flag: '%.*s' is %s", (int)strcspn(valid[i].content, "\n"), valid[i].content,
           valid[i].on ? "on" : "off");
  }
  for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
    on = UNTOUCHED;
    errno = 0;
    write_file(TEST_FILE, invalid[i]);
    is_int(svdir_read_flag(service_dirfd, TEST_FILE, &on), SVDIR_INVALID, "flag: '%.*s' is invalid",
           (int)strcspn(invalid[i], "\n"), invalid[i]);
    ok(errno != 0 && on == UNTOUCHED, "flag: '%.*s' sets errno, leaves the value alone",
       (int)strcspn(invalid[i], "\n"), invalid[i]);
  }
  on = UNTOUCHED;
  is_int(svdir_read_flag(service_dirfd, "absent", &on), SVDIR_ABSENT, "flag: an absent file is SVDIR_ABSENT");
  is_int(on, UNTOUCHED, "flag: an absent file leaves the default alone");
}

static void test_exists(void)
{
  write_file(SVDIR_DOWN, "");
  is_int(svdir_exists(service_dirfd, SVDIR_DOWN), 1, "exists: an empty down file exists");
  is_int(svdir_exists(service_dirfd, "absent"), 0, "exists: an absent file does not");
  if (symlinkat(TEST_FILE, service_dirfd, "good-link") < 0) diag("symlink: %s", strerror(errno));
  if (symlinkat("nowhere", service_dirfd, "dangling-link") < 0) diag("symlink: %s", strerror(errno));
  is_int(svdir_exists(service_dirfd, "good-link"), 1, "exists: a symlink to a file exists");
  is_int(svdir_exists(service_dirfd, "dangling-link"), 0, "exists: a dangling symlink does not (stat follows it)");
}

/* Only a regular file is read: a fifo would block, a device may act on
   its open or never end. Each is invalid, as a wrong value is, at once. */
static void test_file_types(void)
{
  static struct { char const *name, *target, *description; } const links[] = {
    { "null-link", "/dev/null", "a symlink to /dev/null (reads empty: would be a flag's on)" },
    { "zero-link", "/dev/zero", "a symlink to /dev/zero (a read that never ends)" },
  };
  unsigned int value;
  int on, fd;
  if (mkfifoat(service_dirfd, "a-fifo", 0600) < 0) diag("mkfifo: %s", strerror(errno));
  errno = 0;
  is_int(svdir_read_uint(service_dirfd, "a-fifo", &value), SVDIR_INVALID, "types: a fifo is invalid, at once");
  is_int(errno, EINVAL, "types: a fifo: EINVAL");
  if (mkdirat(service_dirfd, "a-directory", 0700) < 0 && errno != EEXIST) diag("mkdir: %s", strerror(errno));
  errno = 0;
  is_int(svdir_read_flag(service_dirfd, "a-directory", &on), SVDIR_INVALID, "types: a directory is invalid");
  is_int(errno, EISDIR, "types: a directory: EISDIR");
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    if (symlinkat(links[i].target, service_dirfd, links[i].name) < 0) diag("symlink: %s", strerror(errno));
    on = UNTOUCHED;
    errno = 0;
    is_int(svdir_read_flag(service_dirfd, links[i].name, &on), SVDIR_INVALID, "types: %s is invalid", links[i].description);
    ok(errno == EINVAL && on == UNTOUCHED, "types: %s: EINVAL, nothing set", links[i].description);
  }
  errno = 0;
  is_int(svdir_open_regular(service_dirfd, "absent", 0), -1, "types: open_regular: an absent file");
  is_int(errno, ENOENT, "types: open_regular: ENOENT");
  write_file(TEST_FILE, "42\n");
  fd = svdir_open_regular(service_dirfd, "good-link", 0);
  ok(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "types: open_regular: a symlink to a file opens, close-on-exec");
  if (fd >= 0) close(fd);
  errno = 0;
  is_int(svdir_open_regular(service_dirfd, "good-link", AT_SYMLINK_NOFOLLOW), -1, "types: open_regular, nofollow: a symlink is not");
  is_int(errno, ELOOP, "types: open_regular, nofollow: ELOOP");
}

static void remove_temp_dir(void)
{
  static char const *const names[] = { TEST_FILE, SVDIR_DOWN, "good-link", "dangling-link", "a-fifo",
                                       "null-link", "zero-link" };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unlinkat(service_dirfd, names[i], 0);
  unlinkat(service_dirfd, "a-directory", AT_REMOVEDIR);
  close(service_dirfd);
  if (rmdir(temp_dir) < 0) diag("unable to remove %s: %s", temp_dir, strerror(errno));
}

/* restart and give-up: the words and "N T", nothing else. */
static void test_policy(void)
{
  static char const *const bad_give_up[] = { "3", "0 10", "2 0", "2 x", "2 10 3", "-1 5", "2,10", "",
                                             "2 4000001", "99999999999 5", "2\n10" };
  static char const *const bad_restart[] = { "", "Always", "no", "on_failure", "always never", "1" };
  unsigned int deaths, seconds;
  int restart;

  is_int(svdir_read_restart(service_dirfd, &restart), SVDIR_ABSENT, "restart: absent");
  is_int(svdir_read_give_up(service_dirfd, &deaths, &seconds), SVDIR_ABSENT, "give-up: absent");
  write_file(SVDIR_RESTART, "always\n");
  ok(svdir_read_restart(service_dirfd, &restart) == SVDIR_READ && restart == SVDIR_RESTART_ALWAYS, "restart: always");
  write_file(SVDIR_RESTART, "  on-failure \n");
  ok(svdir_read_restart(service_dirfd, &restart) == SVDIR_READ && restart == SVDIR_RESTART_ON_FAILURE,
     "restart: on-failure, blanks around");
  write_file(SVDIR_RESTART, "never");
  ok(svdir_read_restart(service_dirfd, &restart) == SVDIR_READ && restart == SVDIR_RESTART_NEVER,
     "restart: never, no newline");
  for (size_t i = 0; i < sizeof bad_restart / sizeof *bad_restart; i++) {
    write_file(SVDIR_RESTART, bad_restart[i]);
    errno = 0;
    ok(svdir_read_restart(service_dirfd, &restart) == SVDIR_INVALID && errno == EINVAL,
       "restart: '%s' is invalid (EINVAL)", bad_restart[i]);
  }
  write_file(SVDIR_GIVE_UP, "5 60\n");
  ok(svdir_read_give_up(service_dirfd, &deaths, &seconds) == SVDIR_READ && deaths == 5 && seconds == 60,
     "give-up: 5 60");
  write_file(SVDIR_GIVE_UP, "1\t4000000");
  ok(svdir_read_give_up(service_dirfd, &deaths, &seconds) == SVDIR_READ && deaths == 1 && seconds == 4000000,
     "give-up: a tab between, the longest T");
  for (size_t i = 0; i < sizeof bad_give_up / sizeof *bad_give_up; i++) {
    write_file(SVDIR_GIVE_UP, bad_give_up[i]);
    deaths = seconds = UNTOUCHED;
    errno = 0;
    ok(svdir_read_give_up(service_dirfd, &deaths, &seconds) == SVDIR_INVALID && errno == EINVAL &&
       deaths == UNTOUCHED && seconds == UNTOUCHED, "give-up: '%s' is invalid (EINVAL), nothing set", bad_give_up[i]);
  }
  unlinkat(service_dirfd, SVDIR_RESTART, 0);
  unlinkat(service_dirfd, SVDIR_GIVE_UP, 0);
}

int main(void)
{
  if (!mkdtemp(temp_dir)) {
    diag("unable to create %s: %s", temp_dir, strerror(errno));
    return 1;
  }
  service_dirfd = open(temp_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (service_dirfd < 0) {
    diag("unable to open %s: %s", temp_dir, strerror(errno));
    return 1;
  }
  test_uint();
  test_signal();
  test_flag();
  test_exists();
  test_file_types();
  test_policy();
  remove_temp_dir();
  return done_testing();
}
