/* Unit test of lib/diagout: strerr's messages on a full pipe return at
   once, are counted, and the count is said before the next one that gets
   through; the services' description keeps blocking writes; a file is
   written as it is; a pipe with no reader costs no SIGPIPE; the count
   crosses an exec through the environment. alarm() turns a write that
   blocks into a failure, not a hang. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "diagout.h"
#include "tap.h"

char const *PROG = "unit-diagout";

/* A write that blocks: the test fails (killed by SIGALRM) instead of hanging. */
#define BLOCK_GUARD_S 10

static int saved_stderr = -1;

/* diagout_init with `fd` as fd 2 (restore_stderr puts the test's back):
   diagout keeps a description of its own, or writes to fd 2 as it is. */
static void init_on(int fd)
{
  dup2(fd, 2);
  diagout_init();
}

static void restore_stderr(void)
{
  dup2(saved_stderr, 2);
}

/* Fills the pipe through a non-blocking description of the test's own. */
static void fill(int writer)
{
  char block[4096];
  int flags = fcntl(writer, F_GETFL);
  memset(block, 'x', sizeof block);
  fcntl(writer, F_SETFL, flags | O_NONBLOCK);
  while (write(writer, block, sizeof block) > 0 || write(writer, block, 1) > 0) {}
  fcntl(writer, F_SETFL, flags);
}

/* Reads what the pipe holds; the filler's 'x' bytes are skipped. */
static size_t drain(int reader, char *text, size_t room)
{
  char buf[4096];
  size_t len = 0;
  int flags = fcntl(reader, F_GETFL);
  ssize_t r;
  fcntl(reader, F_SETFL, flags | O_NONBLOCK);
  while ((r = read(reader, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++)
      if (buf[i] != 'x' && len + 1 < room) text[len++] = buf[i];
  fcntl(reader, F_SETFL, flags);
  text[len] = 0;
  return len;
}

static void full_pipe(void)
{
  int p[2];
  char text[1024];
  char const *expected = "unit-diagout: warning: 29 bytes of messages dropped: the console was not writable\n"
                         "unit-diagout: warning: again\n";
  if (pipe(p) < 0) exit(111);
  init_on(p[1]);
  fill(p[1]);
  alarm(BLOCK_GUARD_S);
  strerr_warnw("hello");
  alarm(0);
  ok(1, "a message to a full pipe returns at once");
  is_int(diagout_dropped(), strlen("unit-diagout: warning: hello\n"), "its bytes are counted as dropped");
  ok(!(fcntl(p[1], F_GETFL) & O_NONBLOCK), "the shared description (the services') stays blocking");
  drain(p[0], text, sizeof text);
  strerr_warnw("again");
  drain(p[0], text, sizeof text);
  is_str(text, expected, "once it is read, the count comes first, in one line, then the message");
  is_int(diagout_dropped(), 0, "and the count is spent");
  strerr_warnw("third");
  drain(p[0], text, sizeof text);
  is_str(text, "unit-diagout: warning: third\n", "said once only");
  restore_stderr();
  close(p[0]);
  close(p[1]);
}

static void plain_file(void)
{
  char path[] = "/tmp/vigil-unit-diagout.XXXXXX";
  char text[256];
  int fd = mkstemp(path);
  ssize_t len;
  if (fd < 0) exit(111);
  init_on(fd);
  strerr_warnw("to a file");
  restore_stderr();
  len = pread(fd, text, sizeof text - 1, 0);
  text[len > 0 ? len : 0] = 0;
  is_str(text, "unit-diagout: warning: to a file\n", "a regular file is written as it is");
  close(fd);
  unlink(path);
}

static void no_reader(void)
{
  int p[2];
  if (pipe(p) < 0) exit(111);
  close(p[0]);
  init_on(p[1]);
  restore_stderr();
  alarm(BLOCK_GUARD_S);
  strerr_warnw("nobody");
  alarm(0);
  ok(1, "a pipe with no reader: no SIGPIPE death (ignored, as by the daemons)");
  is_int(diagout_dropped(), strlen("unit-diagout: warning: nobody\n"), "and the message is counted");
  close(p[1]);
}

static void handover(void)
{
  uint64_t count = diagout_dropped();
  char expected[32];
  snprintf(expected, sizeof expected, "%llu", (unsigned long long)count);
  diagout_handover();
  is_str(getenv(DIAGOUT_DROPPED_VAR) ? getenv(DIAGOUT_DROPPED_VAR) : "(unset)", expected, "handover: the count in the environment");
  diagout_handover_failed();
  ok(!getenv(DIAGOUT_DROPPED_VAR), "an exec that failed: out of the environment again");
  is_int(diagout_dropped(), count, "and still ours, not counted twice");
  setenv(DIAGOUT_DROPPED_VAR, "1000", 1);
  diagout_init();
  is_int(diagout_dropped(), count + 1000, "the next stage takes over the count it was handed");
  ok(!getenv(DIAGOUT_DROPPED_VAR), "and removes it from the environment (no service sees it)");
  setenv(DIAGOUT_DROPPED_VAR, "12x", 1);
  diagout_init();
  is_int(diagout_dropped(), count + 1000, "a count that is not a number is ignored");
}

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  saved_stderr = dup(2);
  if (saved_stderr < 0) return 111;
  full_pipe();
  plain_file();
  no_reader();
  handover();
  return done_testing();
}
