/* Unit test of lib/svcontrol's command table (every byte value) and of
   lib/svpaths' svpath_resolve. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "svcontrol.h"
#include "svpaths.h"
#include "tap.h"

#define BYTE_VALUES 256
#define PATH_BUFFER_SIZE 256

/* The daemontools/runit/s6 letters, written out independently of the table. */
struct expected_command {
  unsigned char letter;
  enum svcontrol_action action;
  int signal;               /* 0: the action sends none of its own */
};

static struct expected_command const expected_commands[] = {
  { 'u', SVCONTROL_UP, 0 },
  { 'd', SVCONTROL_DOWN, 0 },
  { 'o', SVCONTROL_ONCE, 0 },
  { 'x', SVCONTROL_EXIT, 0 },
  { 'p', SVCONTROL_PAUSE, SIGSTOP },
  { 'c', SVCONTROL_CONTINUE, SIGCONT },
  { 'h', SVCONTROL_SIGNAL, SIGHUP },
  { 'a', SVCONTROL_SIGNAL, SIGALRM },
  { 'i', SVCONTROL_SIGNAL, SIGINT },
  { 'q', SVCONTROL_SIGNAL, SIGQUIT },
  { '1', SVCONTROL_SIGNAL, SIGUSR1 },
  { '2', SVCONTROL_SIGNAL, SIGUSR2 },
  { 't', SVCONTROL_SIGNAL, SIGTERM },
  { 'k', SVCONTROL_SIGNAL, SIGKILL },
};

#define EXPECTED_COUNT (sizeof expected_commands / sizeof expected_commands[0])
/* svc's documented option letters: the expected list must cover exactly these. */
#define SVC_LETTERS "udopchaitkxq12"

static struct expected_command const *find_expected(unsigned char letter)
{
  for (size_t i = 0; i < EXPECTED_COUNT; i++)
    if (expected_commands[i].letter == letter) return &expected_commands[i];
  return NULL;
}

static void test_letters(void)
{
  is_int(EXPECTED_COUNT, strlen(SVC_LETTERS), "the expected list has one entry per svc letter");
  for (char const *letter = SVC_LETTERS; *letter; letter++) {
    struct expected_command const *expected = find_expected((unsigned char)*letter);
    struct svcontrol_command const *command = svcontrol_lookup((unsigned char)*letter);
    if (!ok(expected != NULL, "letter '%c' is in the expected list", *letter)) continue;
    is_int(command->action, expected->action, "'%c' maps to its action", *letter);
    if (expected->action == SVCONTROL_SIGNAL || expected->action == SVCONTROL_PAUSE ||
        expected->action == SVCONTROL_CONTINUE)
      is_int(command->signal, expected->signal, "'%c' sends signal %d", *letter, expected->signal);
    ok(command->name && *command->name, "'%c' has a name for messages", *letter);
    ok(command == &svcontrol_commands[(unsigned char)*letter], "lookup('%c') is the table entry", *letter);
  }
}

/* Every byte that is not a letter, including NUL, newline, upper case and 8-bit. */
static void test_invalid_bytes(void)
{
  unsigned int invalid = 0;
  unsigned int wrong = 0;
  for (unsigned int byte = 0; byte < BYTE_VALUES; byte++) {
    struct svcontrol_command const *command = svcontrol_lookup((unsigned char)byte);
    int is_letter = byte != 0 && strchr(SVC_LETTERS, (int)byte) != NULL;
    if (is_letter) {
      if (command->action == SVCONTROL_INVALID) {
        wrong++;
        diag("letter '%c' is INVALID in the table", byte);
      }
      continue;
    }
    if (command->action == SVCONTROL_INVALID) invalid++;
    else {
      wrong++;
      diag("byte %u is not a letter but maps to action %d", byte, command->action);
    }
  }
  is_int(invalid, BYTE_VALUES - strlen(SVC_LETTERS), "every one of the other 242 byte values is SVCONTROL_INVALID");
  is_int(wrong, 0, "no byte is misclassified");
  is_int(svcontrol_lookup('U')->action, SVCONTROL_INVALID, "upper-case 'U' is not a command");
  is_int(svcontrol_lookup('\n')->action, SVCONTROL_INVALID, "newline is not a command");
  is_int(svcontrol_lookup(0)->action, SVCONTROL_INVALID, "NUL is not a command");
  is_int(svcontrol_lookup(0xff)->action, SVCONTROL_INVALID, "byte 255 is not a command");
}

/* resolve DIR with $SVDIR as given (NULL: unset), into a roomy buffer. */
static int resolve(char *out, char const *svdir, char const *dir)
{
  if (svdir) setenv("SVDIR", svdir, 1);
  else unsetenv("SVDIR");
  return svpath_resolve(out, PATH_BUFFER_SIZE, dir);
}

static void test_resolve(void)
{
  static char const *const unchanged[] = { "./foo", "/a/b", ".", "..", "foo/", "../foo", "foo/bar" };
  char out[PATH_BUFFER_SIZE];
  char long_name[PATH_BUFFER_SIZE + 16];

  ok(resolve(out, "/tmp/sv", "foo") == 0, "resolve foo with SVDIR set");
  is_str(out, "/tmp/sv/foo", "foo is $SVDIR/foo");
  ok(resolve(out, "/tmp/sv", ".foo") == 0, "resolve .foo");
  is_str(out, "/tmp/sv/.foo", "a dotted name with no slash is under $SVDIR too");

  for (size_t i = 0; i < sizeof unchanged / sizeof unchanged[0]; i++) {
    ok(resolve(out, "/tmp/sv", unchanged[i]) == 0, "resolve %s", unchanged[i]);
    is_str(out, unchanged[i], "'%s' is left unchanged", unchanged[i]);
  }

  ok(resolve(out, NULL, "foo") == 0, "resolve foo with SVDIR unset");
  is_str(out, "/var/service/foo", "SVDIR unset: /var/service/foo");
  ok(resolve(out, "", "foo") == 0, "resolve foo with SVDIR empty");
  is_str(out, "/var/service/foo", "SVDIR empty: /var/service/foo");
  ok(resolve(out, "", "/a/b") == 0 && !strcmp(out, "/a/b"), "SVDIR empty: /a/b unchanged");

  /* "/tmp/sv/foo" is 11 characters: 12 bytes fit exactly, 11 do not. */
  setenv("SVDIR", "/tmp/sv", 1);
  ok(svpath_resolve(out, strlen("/tmp/sv/foo") + 1, "foo") == 0 && !strcmp(out, "/tmp/sv/foo"),
     "a buffer of exactly the right size is enough");
  errno = 0;
  is_int(svpath_resolve(out, strlen("/tmp/sv/foo"), "foo"), -1, "one byte short: -1");
  is_int(errno, ENAMETOOLONG, "one byte short: ENAMETOOLONG");
  errno = 0;
  is_int(svpath_resolve(out, strlen("/a/b"), "/a/b"), -1, "an unchanged path one byte too long: -1");
  is_int(errno, ENAMETOOLONG, "an unchanged path one byte too long: ENAMETOOLONG");

  memset(long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = 0;
  errno = 0;
  is_int(resolve(out, "/tmp/sv", long_name), -1, "a name longer than the buffer: -1");
  is_int(errno, ENAMETOOLONG, "a name longer than the buffer: ENAMETOOLONG");
  long_name[0] = '/';
  errno = 0;
  is_int(resolve(out, "/tmp/sv", long_name), -1, "an absolute path longer than the buffer: -1");
  is_int(errno, ENAMETOOLONG, "an absolute path longer than the buffer: ENAMETOOLONG");

  memset(long_name, 's', PATH_BUFFER_SIZE - 4);
  long_name[0] = '/';
  long_name[PATH_BUFFER_SIZE - 4] = 0;
  errno = 0;
  is_int(resolve(out, long_name, "foo"), -1, "a long SVDIR plus the name overflows: -1");
  is_int(errno, ENAMETOOLONG, "a long SVDIR plus the name overflows: ENAMETOOLONG");
}

int main(void)
{
  test_letters();
  test_invalid_bytes();
  test_resolve();
  return done_testing();
}
