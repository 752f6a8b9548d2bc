/* svstat: print the status of service dirs, one line each; with -a every
   service of $SVDIR and its log as an aligned table; --json for scripts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "svcontrol.h"
#include "svdir.h"
#include "svdir-policy.h"
#include "svchanged.h"
#include "svinstance.h"
#include "svpaths.h"
#include "svstat-row.h"
#include "svstatus.h"
#include "svtext.h"

#define USAGE "svstat [ --json ] DIR... | svstat -a [ --json ]"

char const *PROG = "svstat";

static void put(char const *s)
{
  buffer_puts(buffer_1, s);
}

static void put_uint(uint64_t n)
{
  char fmt[UINT64_FMT];
  buffer_put(buffer_1, fmt, uint64_fmt(fmt, n));
}

static void put_seconds(struct svtime const *then, struct svtime const *now)
{
  put_uint(svtime_seconds_since(then, now));
  put(" seconds");
}

static void put_last_exit(int wait_status, int running)
{
  if (running) put(", last");
  if (WIFSIGNALED(wait_status)) {
    put(running ? " killed by SIG" : ", killed by SIG");
    put(sig_name(WTERMSIG(wait_status)));
  } else {
    put(running ? " exited " : ", exited ");
    put_uint((uint64_t)WEXITSTATUS(wait_status));
  }
}

static char const *reason_text(enum svstatus_reason reason)
{
  switch (reason) {
    case SVSTATUS_REASON_NONE: return 0;
    case SVSTATUS_REASON_RUN_MISSING: return "run is missing";
    case SVSTATUS_REASON_RUN_NOT_EXECUTABLE: return "run is not executable";
    case SVSTATUS_REASON_SPAWN_FAILED: return "fork failed";
    case SVSTATUS_REASON_FINISH_SAID_STOP: return "finish exited 125: not restarting";
    case SVSTATUS_REASON_THROTTLED: return "dying too fast: restart delayed";
    case SVSTATUS_REASON_NEEDS: return "waiting for its needs";
    case SVSTATUS_REASON_UP_FAILED: return "up failed: svc -u tries again";
    case SVSTATUS_REASON_GAVE_UP: return "failed: gave up: svc -u tries again";  /* without ./give-up now */
    case SVSTATUS_REASON_NOT_RESTARTED: return "not restarted";
    case SVSTATUS_REASON_UNHEALTHY: return "unhealthy: check failed, restarted";
  }
  return 0;
}

/* supervise/notify-status: what the service said through sd_notify. */
static void put_notify_status(int dirfd)
{
  char text[4200];
  if (!svtext_read(dirfd, SVPATH_NOTIFY_STATUS, text, sizeof text)) return;
  put(", status: ");
  put(text);
}

/* supervise/waiting: the needs a held run waits for, one a line. */
static void put_waiting(int dirfd)
{
  char text[1024];
  if (!svtext_read(dirfd, SVPATH_WAITING, text, sizeof text)) {
    put(", waiting for its needs");
    return;
  }
  put(", waiting for ");
  for (char *name = text, *next; name; name = next) {
    next = strchr(name, '\n');
    if (next) *next++ = 0;
    put(name);
    if (next) put(", ");
  }
}

/* give-up's N and T, as the dir says them now. */
static void put_gave_up(int dirfd, char const *otherwise)
{
  unsigned int deaths, seconds;
  if (svdir_read_give_up(dirfd, &deaths, &seconds) != SVDIR_READ) {
    put(", ");
    put(otherwise);
    return;
  }
  put(", failed: gave up after ");
  put_uint(deaths);
  put(deaths == 1 ? " death in " : " deaths in ");
  put_uint(seconds);
  put(" s: svc -u tries again");
}

/* supervise/cycle: a needs cycle through the service, whose edges are ignored. */
static void put_cycle(int dirfd)
{
  char text[1024];
  if (!svtext_read(dirfd, SVPATH_CYCLE, text, sizeof text)) return;
  put(", needs cycle: ");
  put(text);
  put(" (ignored)");
}

static void put_status(struct svstatus const *status, int normally_up, int dirfd)
{
  struct svtime now;
  char const *reason = reason_text(status->reason);
  svtime_now(&now);
  switch (status->state) {
    case SVSTATUS_RUN:
      /* A oneshot up has no process. */
      if (!status->pid) {
        put("up (oneshot) ");
        break;
      }
      put("up (pid ");
      put_uint(status->pid);
      put(") ");
      break;
    case SVSTATUS_FINISH:
      put("finishing ");
      break;
    case SVSTATUS_DOWN:
      put("down ");
      break;
  }
  put_seconds(&status->changed, &now);
  if (status->state == SVSTATUS_RUN && status->ready) {
    put(", ready ");
    put_seconds(&status->ready_at, &now);
  }
  put(normally_up ? ", normally up" : ", normally down");
  if (status->paused) put(", paused");
  if (status->want == SVSTATUS_WANT_UP && status->state != SVSTATUS_RUN) put(", want up");
  if (status->want == SVSTATUS_WANT_DOWN && status->state == SVSTATUS_RUN) put(", want down");
  if (status->want == SVSTATUS_WANT_NOTHING) put(", once");
  if (status->term_sent && status->state == SVSTATUS_RUN) put(", got TERM");
  if (status->has_exited) put_last_exit(status->last_wait_status, status->state == SVSTATUS_RUN);
  if (status->state == SVSTATUS_RUN) put_notify_status(dirfd);
  if (status->reason == SVSTATUS_REASON_NEEDS) put_waiting(dirfd);
  else if (status->reason == SVSTATUS_REASON_GAVE_UP) put_gave_up(dirfd, reason);
  else if (reason) {
    put(", ");
    put(reason);
  }
  put_cycle(dirfd);
  if (status->state == SVSTATUS_RUN && svchanged_since(dirfd, &status->changed)) put(", changed since start");
}

/* Returns the exit code this dir deserves. */
static int show(char const *arg)
{
  char dir[PATH_MAX];
  struct svstatus status;
  int dirfd, r;
  if (svpath_resolve(dir, sizeof dir, arg) < 0) {
    strerr_warnwusys("read status of ", arg);
    return VIGIL_EXIT_SYSTEM;
  }
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    strerr_warnwusys("open ", dir);
    return VIGIL_EXIT_SYSTEM;
  }
  put(dir);
  put(": ");
  switch (svcontrol_supervised(dir)) {
    case 0:
      put("supervisor not running\n");
      close(dirfd);
      return VIGIL_EXIT_OK;
    case -1:
      put("unknown\n");
      strerr_warnwusys("check ", dir, "/", SVPATH_OK);
      close(dirfd);
      return VIGIL_EXIT_SYSTEM;
  }
  r = svstatus_read(dirfd, &status);
  if (r <= 0) {
    put("unreadable status\n");
    if (r < 0) strerr_warnwusys("read ", dir, "/", SVPATH_STATUS);
    else strerr_warnwu("read ", dir, "/", SVPATH_STATUS, ": unreadable status (truncated or unknown format)");
    close(dirfd);
    return VIGIL_EXIT_SYSTEM;
  }
  put_status(&status, !svdir_normally_down(dirfd), dirfd);
  put("\n");
  close(dirfd);
  return VIGIL_EXIT_OK;
}

struct options {
  bool all;       /* -a */
  bool json;      /* --json */
  int first;      /* the first DIR */
};

/* By hand: skalibs' sgetopt knows no long options. */
static struct options parse_options(int argc, char const *const *argv)
{
  struct options options = { .first = 1 };
  for (; options.first < argc && argv[options.first][0] == '-'; options.first++) {
    char const *arg = argv[options.first];
    if (!strcmp(arg, "--")) {
      options.first++;
      break;
    }
    if (!strcmp(arg, "--json")) options.json = true;
    else if (!strcmp(arg, "-a")) options.all = true;
    else strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  }
  if (options.all ? options.first < argc : options.first >= argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return options;
}

struct rows {
  struct svstat_row *rows;
  size_t count, room;
  struct procmem_table memory;
  bool memory_loaded;
  int code;
};

static void add_row(struct rows *rows, char const *name, char const *dir)
{
  int code;
  if (rows->count == rows->room) {
    size_t more = rows->room ? 2 * rows->room : 64;
    struct svstat_row *grown = realloc(rows->rows, more * sizeof *grown);
    if (!grown) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the rows");
    rows->rows = grown;
    rows->room = more;
  }
  code = svstat_row_read(&rows->rows[rows->count++], name, dir, &rows->memory, &rows->memory_loaded);
  if (code > rows->code) rows->code = code;
}

static int by_name(void const *a, void const *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of $SVDIR's service dirs, sorted, as the scanner sees them:
   no dotdir, only what is a dir (through a symlink too). */
static char **list_services(char const *svdir, size_t *count)
{
  DIR *dir = opendir(svdir);
  struct dirent *entry;
  char **names = 0;
  size_t room = 0;
  *count = 0;
  if (!dir) strerr_diefusys(VIGIL_EXIT_SYSTEM, "read ", svdir);
  while ((errno = 0, entry = readdir(dir))) {
    char path[PATH_MAX];
    struct stat st;
    /* What the scanner skips: dotdirs, templates (NAME@). */
    if (entry->d_name[0] == '.' || svinstance_is_template(entry->d_name)) continue;
    if (svpath_join(path, svdir, entry->d_name) < 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) continue;
    if (*count == room) {
      room = room ? 2 * room : 64;
      names = realloc(names, room * sizeof *names);
      if (!names) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the list of services");
    }
    if (!(names[(*count)++] = strdup(entry->d_name))) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the list of services");
  }
  if (errno) strerr_diefusys(VIGIL_EXIT_SYSTEM, "read ", svdir);
  closedir(dir);
  if (*count) qsort(names, *count, sizeof *names, by_name);
  return names;
}

/* Every service of $SVDIR, and its log/ when it has one. */
static void read_all(struct rows *rows)
{
  char const *svdir = svpath_env_dir("SVDIR", SVDIR_DEFAULT);
  size_t count;
  char **names = list_services(svdir, &count);
  for (size_t i = 0; i < count; i++) {
    char dir[PATH_MAX], log[PATH_MAX], logname[PATH_MAX];
    struct stat st;
    if (!svpath_join(dir, svdir, names[i]) && !svpath_resolve(dir, sizeof dir, dir)) {
      add_row(rows, names[i], dir);
      if (!svpath_join(log, dir, SVDIR_LOG) && !svpath_join(logname, names[i], SVDIR_LOG)
          && !stat(log, &st) && S_ISDIR(st.st_mode))
        add_row(rows, logname, log);
    }
    free(names[i]);
  }
  free(names);
}

/* The DIR arguments, each named as it resolves. A dir that cannot be
   opened is warned of with no row, as in the one-line form. */
static void read_dirs(struct rows *rows, int argc, char const *const *argv, int first)
{
  for (int i = first; i < argc; i++) {
    char dir[PATH_MAX];
    int fd;
    if (svpath_resolve(dir, sizeof dir, argv[i]) < 0) {
      strerr_warnwusys("read status of ", argv[i]);
      rows->code = VIGIL_EXIT_SYSTEM;
      continue;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      strerr_warnwusys("open ", dir);
      rows->code = VIGIL_EXIT_SYSTEM;
      continue;
    }
    close(fd);
    add_row(rows, dir, dir);
  }
}

/* -a, --json: read every row first (the table's widths need them all). */
static int show_rows(struct options const *options, int argc, char const *const *argv)
{
  struct rows rows = { 0 };
  if (options->all) read_all(&rows);
  else read_dirs(&rows, argc, argv, options->first);
  if (options->json) for (size_t i = 0; i < rows.count; i++) svstat_json_print(&rows.rows[i]);
  /* NO_COLOR set, to anything, even empty: no colour (no-color.org). */
  else svstat_table_print(rows.rows, rows.count, isatty(1) && !getenv("NO_COLOR"));
  if (!buffer_flush(buffer_1)) strerr_diefusys(VIGIL_EXIT_SYSTEM, "write to stdout");
  for (size_t i = 0; i < rows.count; i++) svstat_row_free(&rows.rows[i]);
  free(rows.rows);
  if (rows.memory_loaded) procmem_free(&rows.memory);
  return rows.code;
}

int main(int argc, char const *const *argv)
{
  int code = VIGIL_EXIT_OK;
  struct options options = parse_options(argc, argv);
  if (options.all || options.json) return show_rows(&options, argc, argv);
  for (int i = options.first; i < argc; i++) {
    int r = show(argv[i]);
    if (r > code) code = r;
    if (!buffer_flush(buffer_1)) strerr_diefusys(VIGIL_EXIT_SYSTEM, "write to stdout");
  }
  return code;
}
