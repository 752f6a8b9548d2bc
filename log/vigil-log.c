/* vigil-log: append stdin's lines to LOGDIR/current, timestamped, rotated by size. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/iopause.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "daemon.h"
#include "deadline.h"
#include "diagout.h"
#include "exitcode.h"
#include "svtime.h"
#include "logdir.h"
#include "frame.h"
#include "select.h"

#define USAGE "vigil-log [ -t | -T ] [ -p PREFIX ] [ -s BYTES ] [ -n COUNT ] [ -l MAX ] [ -i REGEX | -x REGEX ]... [ -r PROCESSOR ] LOGDIR"
/* multilog's and s6-log's sizes: 1 MiB current, 10 archives. */
#define SIZE_DEFAULT (1024 * 1024)
#define KEEP_DEFAULT 10
/* Longer lines are split, never dropped. */
#define LINE_MAX_DEFAULT 8192
#define LINE_MAX_LIMIT 65536
#define PREFIX_MAX 256
/* One read takes what the pipe holds, up to this: one clock read, one
   stamp format and (mostly) one write for all its lines. */
#define READ_SIZE (128 * 1024)
/* Told to stop with half a line read: read on to its newline for at most
   this long, so a restart of the logger does not cut the line in two. */
#define STOP_LINE_WAIT_MS 1000
/* A full disk or an I/O error: retry after this, doubling up to the max. */
#define RETRY_MIN_MS 50
#define RETRY_MAX_MS 5000
/* A processor that failed runs again after this, doubling up to the max. */
#define PROCESS_RETRY_MIN_MS 1000
#define PROCESS_RETRY_MAX_MS 60000

char const *PROG = "vigil-log";

enum stamp_kind { STAMP_NONE, STAMP_TAI64N, STAMP_ISO8601 };

/* Zero-initialised, so that it lies in .bss: its 200 KiB input buffer in
   .data would be read from the binary and kept private by every logger. */
static struct {
  enum stamp_kind stamp_kind;
  char const *prefix;
  size_t prefix_len;
  size_t line_max;
  /* The header of the lines of the current read: stamp, space, prefix. */
  char header[SVTIME_TAI64N_TEXT_SIZE + SVTIME_ISO8601_SIZE + 1 + PREFIX_MAX];
  size_t header_len;
  struct svtime last_stamp;
  struct select select;       /* -i, -x: which lines are logged */
  /* Input read and not yet framed; a partial line waits here for the rest.
     One byte more than is ever read: a line's end can be made a NUL. */
  char input[LINE_MAX_LIMIT + READ_SIZE + 1];
  size_t input_start, input_end;
  bool input_eof;
  bool stopping;              /* SIGTERM: write what was read, read no more */
  tain stop_deadline;         /* ... but first finish a half-read line, until then */
  bool stuck;                 /* output failed: retry at retry_at */
  bool waiting_processor;     /* stuck because a rotation waits for the processor */
  pid_t processor_pid;        /* -r: the running processor, or 0 */
  unsigned int process_retry_ms;
  bool process_retry;         /* it failed: run it again at process_retry_at */
  tain process_retry_at;
  bool warned;
  unsigned int retry_ms;
  tain retry_at;
  struct logdir log;
} g;

static void make_header(void)
{
  struct svtime now;
  size_t len = 0;
  if (g.stamp_kind != STAMP_NONE) {
    svtime_now(&now);
    /* Lines go out in order: their stamps never go back, whatever the clock does. */
    if (svtime_compare(&now, &g.last_stamp) < 0) now = g.last_stamp;
    g.last_stamp = now;
    if (g.stamp_kind == STAMP_TAI64N) {
      svtime_fmt_tai64n(g.header, &now);
      len = SVTIME_TAI64N_TEXT_SIZE;
    } else {
      svtime_fmt_iso8601(g.header, &now);
      len = SVTIME_ISO8601_SIZE;
    }
    g.header[len++] = ' ';
  }
  memcpy(g.header + len, g.prefix, g.prefix_len);
  g.header_len = len + g.prefix_len;
}

/* Frame complete lines (and pieces of line_max bytes) of the input into
   the log; with `all`, the last partial line too. Stops, keeping the rest,
   when the log cannot take more. Returns 0, or -1 when stuck. */
static int frame(bool all)
{
  struct frame_piece piece;
  while (g.input_start < g.input_end
         && frame_next(g.input + g.input_start, g.input_end - g.input_start, g.line_max, all, &piece)) {
    char *start = g.input + g.input_start;
    if (select_keeps(&g.select, start, piece.content)) {
      if (logdir_make_room(&g.log, g.header_len + piece.content + 1) < 0) return -1;
      logdir_append(&g.log, g.header, g.header_len);
      /* The line and its newline in one copy; a piece of a longer line, or
         a last line without one, gets its own. */
      logdir_append(&g.log, start, piece.consumed);
      if (!piece.newline) logdir_append(&g.log, "\n", 1);
    }
    g.input_start += piece.consumed;
  }
  if (g.input_start == g.input_end) g.input_start = g.input_end = 0;
  return 0;
}

static void read_input(void)
{
  ssize_t len;
  /* Keep the partial line at the front: room for a whole read after it. */
  if (g.input_start) {
    memmove(g.input, g.input + g.input_start, g.input_end - g.input_start);
    g.input_end -= g.input_start;
    g.input_start = 0;
  }
  len = read(0, g.input + g.input_end, sizeof g.input - 1 - g.input_end);
  if (len < 0) {
    if (errno != EINTR && errno != EAGAIN) {
      strerr_warnwusys("read stdin");
      g.input_eof = true;
    }
    return;
  }
  if (!len) {
    g.input_eof = true;
    return;
  }
  g.input_end += (size_t)len;
  make_header();
}

/* Stopping, but a half-read line may still get its newline in time. */
static bool finishing_line(void)
{
  return g.stopping && g.input_start < g.input_end && tain_future(&g.stop_deadline);
}

static void process_failed(void);
static void drain(void);

/* The next retry: min at first, then twice the last, up to max. */
static void back_off(unsigned int *ms, unsigned int min, unsigned int max, tain *at)
{
  *ms = !*ms ? min : *ms > max / 2 ? max : *ms * 2;
  tain_now_g();
  deadline_in_ms(at, *ms);
}

/* Run the processor on a rotated file, unless it runs or waits to retry. */
static void process_start(void)
{
  if (!g.log.unprocessed || g.processor_pid || g.process_retry) return;
  if (logdir_process_start(&g.log, &g.processor_pid) < 0) {
    strerr_warnwusys("start the processor in ", g.log.path);
    process_failed();
  }
}

static void process_failed(void)
{
  char ms[UINT_FMT];
  back_off(&g.process_retry_ms, PROCESS_RETRY_MIN_MS, PROCESS_RETRY_MAX_MS, &g.process_retry_at);
  ms[uint_fmt(ms, g.process_retry_ms)] = 0;
  strerr_warnw("the processor failed on ", g.log.path, "/previous: running it again in ", ms, " ms");
  g.process_retry = true;
}

static void process_reap(void)
{
  int wstat;
  pid_t pid;
  while ((pid = waitpid(-1, &wstat, WNOHANG)) > 0) {
    if (pid != g.processor_pid) continue;
    g.processor_pid = 0;
    if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) {
      if (logdir_process_done(&g.log) < 0) {
        strerr_warnwusys("archive what the processor made in ", g.log.path);
        process_failed();
      } else g.process_retry_ms = 0;
    } else process_failed();
  }
  if (!g.log.unprocessed && g.waiting_processor) {
    g.stuck = g.waiting_processor = false;
    drain();
  }
}

/* Push what we have to disk; on failure, say so once and retry later. */
static void drain(void)
{
  bool all = g.input_eof || (g.stopping && !finishing_line());
  if (frame(all) < 0 || logdir_flush(&g.log) < 0) {
    if (errno == EBUSY) {
      /* A rotation waits for the processor: nothing is wrong, its end resumes us. */
      g.stuck = g.waiting_processor = true;
      process_start();
      return;
    }
    if (!g.warned) strerr_warnwusys("write to ", g.log.path, " (keeping the data, retrying)");
    g.warned = true;
    g.stuck = true;
    back_off(&g.retry_ms, RETRY_MIN_MS, RETRY_MAX_MS, &g.retry_at);
    return;
  }
  process_start();
  if (g.warned) strerr_warnw("writing to ", g.log.path, " again");
  g.warned = g.stuck = false;
  g.retry_ms = 0;
}

static void handle_signals(int signal_fd)
{
  int sig;
  while ((sig = daemon_signal_read(signal_fd)) > 0) {
    switch (sig) {
      case SIGALRM:
        if (!g.stuck && logdir_rotate(&g.log) < 0 && errno != EBUSY) strerr_warnwusys("rotate ", g.log.path);
        process_start();
        break;
      case SIGCHLD:
        process_reap();
        break;
      default: /* SIGTERM, and any other asking to stop: never die holding data */
        if (!g.stopping) {
          tain_now_g();
          deadline_in_ms(&g.stop_deadline, STOP_LINE_WAIT_MS);
        }
        g.stopping = true;
        break;
    }
  }
}

static void finish(void)
{
  if (g.log.current_fd >= 0 && fsync(g.log.current_fd) < 0 && errno != EINVAL)
    strerr_warnwusys("fsync ", g.log.path, "/current");
  _exit(VIGIL_EXIT_OK);
}

static void loop(int selfpipe_fd)
{
  for (;;) {
    iopause_fd fds[2] = {
      { .fd = selfpipe_fd, .events = IOPAUSE_READ },
      { .fd = 0, .events = IOPAUSE_READ },
    };
    bool reading = !g.stuck && !g.input_eof && (!g.stopping || finishing_line());
    /* Waiting for the processor (or stopping with it running) needs no
       timer: its SIGCHLD wakes us. */
    tain deadline = g.waiting_processor ? tain_infinite : g.stuck ? g.retry_at : finishing_line() ? g.stop_deadline : tain_infinite;
    if (g.process_retry && tain_less(&g.process_retry_at, &deadline)) deadline = g.process_retry_at;
    /* A running processor is waited for; one waiting to retry is left to the next logger. */
    if ((g.input_eof || g.stopping) && !g.stuck && g.input_start == g.input_end && !g.log.buffered && !g.processor_pid) finish();
    if (iopause_g(fds, reading ? 2 : 1, &deadline) < 0 && errno != EINTR) strerr_warnwusys("iopause");
    if (fds[0].revents & IOPAUSE_READ) handle_signals(selfpipe_fd);
    if (g.process_retry && !tain_future(&g.process_retry_at)) {
      g.process_retry = false;
      process_start();
    }
    if (g.waiting_processor) continue;
    if (g.stuck) {
      if (!tain_future(&g.retry_at)) drain();
      continue;
    }
    /* Told to stop just now, with no half line to finish: read no more. */
    if (reading && (!g.stopping || finishing_line()) && fds[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) read_input();
    drain();
  }
}

static unsigned int option_uint(char const *arg)
{
  unsigned int value;
  if (!uint0_scan(arg, &value)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return value;
}

static void add_pattern(char const *pattern, bool include)
{
  int error = select_add(&g.select, pattern, include);
  if (error == REG_ESPACE && g.select.count == SELECT_PATTERNS_MAX) strerr_dief(VIGIL_EXIT_USAGE, "more than 64 patterns");
  if (error) {
    char why[256];
    regerror(error, 0, why, sizeof why);
    strerr_dief(VIGIL_EXIT_USAGE, "bad pattern ", pattern, ": ", why);
  }
}

static char const *parse_options(int argc, char const *const *argv, unsigned int *size, unsigned int *keep)
{
  subgetopt options = SUBGETOPT_ZERO;
  g.line_max = LINE_MAX_DEFAULT;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "tTp:s:n:l:i:x:r:", &options);
    if (opt == -1) break;
    switch (opt) {
      case 't': g.stamp_kind = STAMP_TAI64N; break;
      case 'T': g.stamp_kind = STAMP_ISO8601; break;
      case 'p': g.prefix = options.arg; break;
      case 's': *size = option_uint(options.arg); break;
      case 'n': *keep = option_uint(options.arg); break;
      case 'l': g.line_max = option_uint(options.arg); break;
      case 'i':
      case 'x': add_pattern(options.arg, opt == 'i'); break;
      case 'r': g.log.processor = options.arg; break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  if (argc - options.ind != 1 || !argv[options.ind][0]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return argv[options.ind];
}

int main(int argc, char const *const *argv)
{
  unsigned int size = SIZE_DEFAULT, keep = KEEP_DEFAULT;
  static int const trapped[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, 0 };
  char const *dir;
  int selfpipe_fd;
  g.prefix = "";
  dir = parse_options(argc, argv, &size, &keep);
  daemon_sane_fds();
  /* fd 2 is the console's, through the scanner: a warning written to a
     console nobody reads must not stop the logger, and the service
     behind its pipe (dropped and counted instead). */
  diagout_init();
  g.prefix_len = strlen(g.prefix);
  if (g.prefix_len > PREFIX_MAX) strerr_dief(VIGIL_EXIT_USAGE, "prefix longer than 256 bytes");
  if (!g.line_max || g.line_max > LINE_MAX_LIMIT) strerr_dief(VIGIL_EXIT_USAGE, "-l must be between 1 and 65536");
  {
    size_t stamp = g.stamp_kind == STAMP_TAI64N ? SVTIME_TAI64N_TEXT_SIZE + 1 : g.stamp_kind == STAMP_ISO8601 ? SVTIME_ISO8601_SIZE + 1 : 0;
    if (size < stamp + g.prefix_len + g.line_max + 1)
      strerr_dief(VIGIL_EXIT_USAGE, "-s must hold at least one longest line (-l) with its stamp and prefix");
  }
  if (g.log.processor && !strcmp(dir, LOGDIR_STDOUT)) strerr_dief(VIGIL_EXIT_USAGE, "-r needs a LOGDIR: stdout is never rotated");
  switch (logdir_open(&g.log, dir, size, keep)) {
    case 1: strerr_dief(VIGIL_EXIT_SYSTEM, "unable to lock ", dir, ": another logger runs on it");
    case -1: strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", dir);
  }
  /* The processor runs in LOGDIR; nothing else here uses the cwd. */
  if (g.log.processor && fchdir(g.log.dirfd) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "chdir to ", dir);
  selfpipe_fd = daemon_trap(trapped);
  if (selfpipe_fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "trap signals");
  process_start();  /* a previous left by an earlier logger */
  make_header();
  loop(selfpipe_fd);
}
