/* Non-blocking diagnostics for daemons: see diagout.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "diagout.h"

/* Where fd 2 is reopened from: the same file (tty, fifo or pipe), a new
   open file description, so O_NONBLOCK stays ours. */
#define STDERR_PROC_PATH "/proc/self/fd/2"
#define DROPPED_TEXT ": warning: "
#define DROPPED_TAIL " bytes of messages dropped: the console was not writable\n"
/* PROG is bounded by the callers (a supervisor's, PROG_MAX); the rest is fixed. */
#define REPORT_MAX 512

enum diagout_kind {
  DIAGOUT_PLAIN,        /* a file, /dev/null: never blocks for long; fd 2 as it is */
  DIAGOUT_REOPENED,     /* a tty or a fifo: our own O_NONBLOCK description */
  DIAGOUT_BLOCKING,     /* a tty or a fifo we could not reopen (no /proc yet) */
  DIAGOUT_SOCKET,       /* fd 2 itself, with MSG_DONTWAIT */
};

static struct {
  enum diagout_kind kind;
  int fd;
  uint64_t dropped;
  bool midline;         /* the last byte that reached the console ended no line */
  bool cut;             /* a line was left unfinished there by a drop */
} out = { .kind = DIAGOUT_PLAIN, .fd = 2 };

static size_t total_of(struct iovec const *v, unsigned int n)
{
  size_t total = 0;
  for (unsigned int i = 0; i < n; i++) total += v[i].iov_len;
  return total;
}

/* The byte at offset `at` of the vector (at < its total). */
static char byte_at(struct iovec const *v, unsigned int n, size_t at)
{
  for (unsigned int i = 0; i < n; i++) {
    if (at < v[i].iov_len) return ((char const *)v[i].iov_base)[at];
    at -= v[i].iov_len;
  }
  return '\n';
}

static int open_own(void)
{
  return open(STDERR_PROC_PATH, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

/* A console hung up (vhangup, a getty taking it) answers EIO forever on
   every description opened before: a fresh one reaches it again. */
static bool reopen_after_hangup(void)
{
  int fd;
  if (out.kind != DIAGOUT_REOPENED) return false;
  fd = open_own();
  if (fd < 0) return false;
  if (dup3(fd, out.fd, O_CLOEXEC) < 0) {
    close(fd);
    return false;
  }
  close(fd);
  return true;
}

static ssize_t put(struct iovec const *v, unsigned int n)
{
  ssize_t r;
  do {
    if (out.kind == DIAGOUT_SOCKET) {
      struct msghdr message = { .msg_iov = (struct iovec *)v, .msg_iovlen = n };
      r = sendmsg(out.fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    } else r = writev(out.fd, v, n);
  } while (r < 0 && errno == EINTR);
  return r;
}

static ssize_t put_reopening(struct iovec const *v, unsigned int n)
{
  ssize_t r = put(v, n);
  if (r < 0 && errno == EIO && reopen_after_hangup()) r = put(v, n);
  return r;
}

static void note_written(struct iovec const *v, unsigned int n, size_t written)
{
  if (written) out.midline = byte_at(v, n, written - 1) != '\n';
}

static void drop(size_t len)
{
  out.dropped += len;
  if (out.midline) out.cut = true;
}

/* The count, in one line (after a newline ending a cut one). true when
   it got through whole and the count is spent. */
static bool report_dropped(void)
{
  char line[REPORT_MAX];
  char number[UINT64_FMT];
  size_t len = 0, plen = strlen(PROG);
  struct iovec v;
  ssize_t r;
  if (plen > REPORT_MAX - UINT64_FMT - sizeof DROPPED_TEXT - sizeof DROPPED_TAIL - 1)
    plen = REPORT_MAX - UINT64_FMT - sizeof DROPPED_TEXT - sizeof DROPPED_TAIL - 1;
  number[uint64_fmt(number, out.dropped)] = 0;
  if (out.cut) line[len++] = '\n';
  memcpy(line + len, PROG, plen);
  len += plen;
  if (out.dropped) {
    memcpy(line + len, DROPPED_TEXT, sizeof DROPPED_TEXT - 1);
    len += sizeof DROPPED_TEXT - 1;
    memcpy(line + len, number, strlen(number));
    len += strlen(number);
    memcpy(line + len, DROPPED_TAIL, sizeof DROPPED_TAIL - 1);
    len += sizeof DROPPED_TAIL - 1;
  } else len = out.cut ? 1 : 0;  /* only a cut line to end */
  v.iov_base = line;
  v.iov_len = len;
  r = put_reopening(&v, 1);
  if (r < 0) return false;
  note_written(&v, 1, (size_t)r);
  if ((size_t)r < len) {
    out.cut = out.midline;
    return false;
  }
  out.dropped = 0;
  out.cut = false;
  return true;
}

/* buffer_2's writer: whatever happens, the buffer is emptied (it says
   all was written), so nothing stale waits in it and nothing retries. */
static ssize_t diag_writev(int fd, struct iovec const *v, unsigned int n)
{
  size_t total = total_of(v, n);
  ssize_t r;
  (void)fd;
  if (!total) return 0;
  if ((out.dropped || out.cut) && !report_dropped()) {
    drop(total);
    return (ssize_t)total;
  }
  r = put_reopening(v, n);
  if (r < 0) {
    drop(total);
    return (ssize_t)total;
  }
  note_written(v, n, (size_t)r);
  /* A console that took part of it is full: the rest is dropped now. */
  if ((size_t)r < total) drop(total - (size_t)r);
  return (ssize_t)total;
}

uint64_t diagout_dropped(void)
{
  return out.dropped;
}

void diagout_handover_failed(void)
{
  unsetenv(DIAGOUT_DROPPED_VAR);
}

/* The count of the stage before, out of the environment. */
static void take_handover(void)
{
  char const *text = getenv(DIAGOUT_DROPPED_VAR);
  uint64_t count = 0;
  if (!text) return;
  /* Ours, written by diagout_handover: digits only; anything else is ignored. */
  for (char const *digit = text; *digit >= '0' && *digit <= '9'; digit++) {
    count = count * 10 + (uint64_t)(*digit - '0');
    if (!digit[1]) out.dropped += count;
  }
  unsetenv(DIAGOUT_DROPPED_VAR);
}

void diagout_handover(void)
{
  char number[UINT64_FMT];
  if (!out.dropped) return;
  number[uint64_fmt(number, out.dropped)] = 0;
  setenv(DIAGOUT_DROPPED_VAR, number, 1);
}

void diagout_init(void)
{
  struct stat st;
  int fd;
  take_handover();
  if (out.kind == DIAGOUT_REOPENED) close(out.fd);
  out.kind = DIAGOUT_PLAIN;
  out.fd = 2;
  buffer_2->op = &diag_writev;
  if (fstat(2, &st) < 0) return;
  if (S_ISSOCK(st.st_mode)) {
    out.kind = DIAGOUT_SOCKET;
    return;
  }
  if (!S_ISFIFO(st.st_mode) && !isatty(2)) return;
  fd = open_own();
  /* A fifo with no reader (ENXIO): writes to fd 2 fail at once (EPIPE). */
  if (fd < 0) {
    out.kind = errno == ENXIO ? DIAGOUT_PLAIN : DIAGOUT_BLOCKING;
    return;
  }
  out.kind = DIAGOUT_REOPENED;
  out.fd = fd;
}
