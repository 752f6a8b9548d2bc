/* The needs/ gate: reading the needs and their status, saying what is
   waited for, watching for the change that may end the wait. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "needs.h"
#include "needsdir.h"
#include "trust.h"
#include "supervise-needs.h"
#include "svdir.h"
#include "svinstance.h"
#include "svpaths.h"
#include "svstatus.h"
#include "svtext.h"

/* What supervise/waiting and the message show; the count says the rest. */
#define WAITING_TEXT_MAX 1024
#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ONLYDIR)

static struct {
  int livefd;                 /* DIR's parent: the live dir */
  char self[NAME_MAX + 1];
  int inotify_fd;
  char said[WAITING_TEXT_MAX];
  bool entries_said;          /* bad entries of needs/ warned, this hold */
  bool cycle_said;
  bool cycle_found;           /* this look at the cycles met one through us */
  bool cycle_shown;           /* supervise/cycle written by us, not removed since */
  bool not_dir_said;
  bool poll_said;             /* held with no inotify: said once, this hold */
  int inotify_errno;          /* why there is none, or a watch failed */
  bool watch_failed;          /* a watch could not be had: the wait polls */
} gate;  /* zero, in .bss: no page of it is ours until it is written */

/* The paths fit a small buffer (the scanner passes a name), else go to
   the heap: not a PATH_MAX buffer on the stack, whose pages, once
   touched, would stay the supervisor's for its whole life. */
#define DIR_SHORT_MAX 256
void gate_setup(char const *dir)
{
  char short_path[DIR_SHORT_MAX], *path, *slash;
  size_t len = strlen(dir);
  gate.livefd = gate.inotify_fd = -1;
  path = len < sizeof short_path ? memcpy(short_path, dir, len + 1) : strdup(dir);
  if (!path) return;
  while (len > 1 && path[len - 1] == '/') path[--len] = 0;
  slash = strrchr(path, '/');
  char const *name = slash ? slash + 1 : path;
  /* "." or "..": the name is the real dir's. A symlinked DIR keeps its
     parent as written: the live dir holds the link, not the target. */
  if (!strcmp(name, ".") || !strcmp(name, "..") || !*name) {
    char *real = realpath(dir, 0);
    if (path != short_path) free(path);
    path = real;
    if (!path || !strcmp(path, "/")) goto out;
    slash = strrchr(path, '/');
    name = slash + 1;
  }
  if (strlen(name) >= sizeof gate.self) goto out;
  memcpy(gate.self, name, strlen(name) + 1);
  if (slash) {
    *slash = 0;
    /* An instance's state dir, LIVE/.instances/NAME@ARG: its needs and
       those that need it are in LIVE. */
    char *up = strrchr(path, '/');
    if (!strcmp(up ? up + 1 : path, SVINSTANCE_DIR)) {
      if (!up) {
        gate.livefd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        goto out;
      }
      slash = up;
      *slash = 0;
    }
    gate.livefd = open(slash == path ? "/" : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } else {
    gate.livefd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
out:
  if (path != short_path) free(path);
}

/* Where the need NAME keeps its supervise/: NAME, or an instance's
   state dir (lib/svinstance.h). */
#define NEED_PATH_MAX (sizeof SVINSTANCE_DIR + NAME_MAX + 1)
static char const *need_dir(char const *name, char path[NEED_PATH_MAX])
{
  if (!svinstance_template_len(name) || strlen(name) > NAME_MAX) return name;
  snprintf(path, NEED_PATH_MAX, "%s/%s", SVINSTANCE_DIR, name);
  return path;
}

static enum needs_state need_state(char const *name)
{
  struct svstatus status;
  enum needs_state state = NEED_STARTING;
  uid_t owner;
  char path[NEED_PATH_MAX];
  int ok, dirfd = openat(gate.livefd, need_dir(name, path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return NEED_MISSING;
  /* A status left by a supervisor that is gone proves nothing. Never
     through a stranger's supervise (lib/trust.h): its supervisor refuses
     it too, so the need stays starting. */
  ok = trust_entry(dirfd, SVPATH_SUPERVISE, TRUST_ANY_TYPE, &owner) > 0
    ? openat(dirfd, SVPATH_OK, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
  if (ok >= 0) {
    close(ok);
    if (svstatus_read(dirfd, &status) > 0) {
      if (status.state == SVSTATUS_RUN) {
        /* A oneshot is ready once its ./up exited 0, not while it runs. */
        bool tells = svdir_exists(dirfd, SVDIR_NOTIFICATION_FD) || svdir_exists(dirfd, SVDIR_NOTIFY_SOCKET)
                     || svdir_oneshot(dirfd);
        state = !tells || status.ready ? NEED_READY : NEED_STARTING;
      } else if (status.want == SVSTATUS_WANT_DOWN) state = NEED_WANTED_DOWN;
      else if (status.reason == SVSTATUS_REASON_RUN_MISSING || status.reason == SVSTATUS_REASON_RUN_NOT_EXECUTABLE
               || status.reason == SVSTATUS_REASON_FINISH_SAID_STOP || status.reason == SVSTATUS_REASON_UP_FAILED)
        state = NEED_FAILED;
    }
  }
  close(dirfd);
  return state;
}

struct cycle_context {
  struct names const *services;
  int self;
};

static void say_cycle(void *context, unsigned int const *members, unsigned int count)
{
  struct cycle_context const *c = context;
  char text[WAITING_TEXT_MAX];
  size_t len = 0;
  bool mine = false;
  for (unsigned int k = 0; k < count; k++) mine |= (int)members[k] == c->self;
  if (!mine) return;
  gate.cycle_found = true;
  if (gate.cycle_said) return;
  for (unsigned int k = 0; k <= count && len + NAME_MAX + 5 < sizeof text; k++) {
    char const *name = c->services->list[members[k % count]];
    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", k ? " -> " : "", name);
  }
  strerr_warnw("needs cycle: ", text, ": its needs are ignored");
  svtext_write(SVPATH_CYCLE_NEW, SVPATH_CYCLE, text);
  gate.cycle_said = gate.cycle_shown = true;
}

/* The cycle svstat showed is gone (mended, or no needs/ any more). */
static void forget_cycle(void)
{
  if (gate.cycle_shown) unlink(SVPATH_CYCLE);
  gate.cycle_shown = false;
}

/* Which of WAITING (names) are needs on a cycle through self, whose edges
   the whole live dir agrees to ignore: set drop[i] for those. */
static void drop_cycle_needs(struct names const *waiting, bool *drop)
{
  struct names services = { 0 };
  unsigned int *first = 0, *edge = 0, *stack = 0, *cursor = 0, edges = 0, cap = 0;
  unsigned char *mark = 0;
  bool *ignored = 0;
  DIR *d;
  struct dirent *de;
  int fd = dup(gate.livefd);
  if (fd < 0) return;
  lseek(fd, 0, SEEK_SET);
  d = fdopendir(fd);
  if (!d) { close(fd); return; }
  while ((de = readdir(d)))
    if (de->d_name[0] != '.' && !names_add(&services, de->d_name, strlen(de->d_name))) goto out;
  if (!names_sort(&services)) goto out;
  first = malloc((services.count + 1) * sizeof *first);
  if (!first) goto out;
  for (unsigned int i = 0; i < services.count; i++) {
    struct names needs = { 0 };
    int dirfd = openat(gate.livefd, services.list[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    first[i] = edges;
    if (dirfd < 0) continue;
    if (read_needs(dirfd, services.list[i], &needs, false) == 0 && names_sort(&needs)) {
      for (unsigned int k = 0; k < needs.count; k++) {
        int to = names_find(&services, needs.list[k]);
        if (to < 0) continue;
        if (edges == cap) {
          unsigned int *more = realloc(edge, (cap = cap ? 2 * cap : 64) * sizeof *edge);
          if (!more) { names_free(&needs); close(dirfd); goto out; }
          edge = more;
        }
        edge[edges++] = (unsigned int)to;
      }
    }
    names_free(&needs);
    close(dirfd);
  }
  first[services.count] = edges;
  stack = malloc((services.count + 1) * sizeof *stack);
  cursor = malloc((services.count + 1) * sizeof *cursor);
  mark = malloc(services.count + 1);
  ignored = malloc((edges + 1) * sizeof *ignored);
  if (!stack || !cursor || !mark || !ignored) goto out;
  {
    struct needs_graph graph = { services.count, first, edge };
    struct needs_work work = { stack, cursor, mark };
    struct cycle_context context = { &services, names_find(&services, gate.self) };
    if (context.self < 0) goto out;
    gate.cycle_found = false;
    needs_break_cycles(&graph, ignored, &work, say_cycle, &context);
    /* Mended (svstat's line may be from the supervisor before us). */
    if (!gate.cycle_found) {
      unlink(SVPATH_CYCLE);
      gate.cycle_shown = false;
    }
    for (unsigned int e = first[context.self]; e < first[context.self + 1]; e++) {
      if (!ignored[e]) continue;
      int w = names_find(waiting, services.list[edge[e]]);
      if (w >= 0) drop[w] = true;
    }
  }
out:
  closedir(d);
  names_free(&services);
  free(first); free(edge); free(stack); free(cursor); free(mark); free(ignored);
}

/* A watch that cannot be had for want of room (fs.inotify.max_user_watches)
   makes the wait a poll; a dir that is not there is no failure (the live
   dir's watch sees it come). */
static void add_watch(char const *path)
{
  if (inotify_add_watch(gate.inotify_fd, path, DIR_EVENTS) >= 0 || (errno != ENOSPC && errno != ENOMEM)) return;
  gate.watch_failed = true;
  gate.inotify_errno = errno;
}

static void watch(char const *name, char const *sub)
{
  char path[sizeof "/proc/self/fd//" + 3 * sizeof(int) + NEED_PATH_MAX + sizeof SVPATH_SUPERVISE + 1];
  char instance[NEED_PATH_MAX];
  if (gate.livefd < 0) return;
  if (name) name = need_dir(name, instance);
  snprintf(path, sizeof path, "/proc/self/fd/%d%s%s%s%s", gate.livefd, name ? "/" : "", name ? name : "",
           sub ? "/" : "", sub ? sub : "");
  add_watch(path);
}

/* Armed before the states are read, so that a change after the reading
   is an event: a need's supervise/ that does not exist yet is seen being
   made (the watch on the need's dir), and looked at again then. */
static void arm(struct names const *needs)
{
  if (gate.inotify_fd < 0) gate.inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (gate.inotify_fd < 0) {
    gate.inotify_errno = errno;
    return;
  }
  add_watch(SVDIR_NEEDS);
  watch(0, 0);
  for (unsigned int i = 0; i < needs->count; i++) {
    watch(needs->list[i], 0);
    watch(needs->list[i], SVPATH_SUPERVISE);
  }
}

/* How many services a walk of the waits follows before it gives up and
   takes a cycle for possible (the full look then decides). */
#define WAIT_WALK_MAX 1024

/* A held service names what it waits for in supervise/waiting: its text,
   in TEXT, or false when it waits for nothing (or cannot be read). */
static bool read_waiting(char const *name, char *text, size_t size)
{
  char path[NEED_PATH_MAX + sizeof "/" SVPATH_WAITING], instance[NEED_PATH_MAX];
  if (strlen(name) > NAME_MAX) return false;
  snprintf(path, sizeof path, "%s/%s", need_dir(name, instance), SVPATH_WAITING);
  return svtext_read(gate.livefd, path, text, size);
}

static bool walked(struct names const *walk, char const *name)
{
  char const *at = walk->bytes;
  for (unsigned int i = 0; i < walk->count; i++, at += strlen(at) + 1)
    if (!strcmp(at, name)) return true;
  return false;
}

/* Could we be on a cycle? Only if the waits lead back to us: from the
   needs we wait for (not DROPped), along each held service's
   supervise/waiting, to self. Cheap (a chain of N waits reads N small
   files), where the full look reads every needs/ of the live dir: that
   runs only when this says yes. Each supervise/ passed is watched, so
   that a wait said later along the way wakes us to walk again. A list
   cut short ("...") or a walk too long is a yes. */
static bool waits_lead_back(struct names const *needs, bool const *drop)
{
  struct names walk = { 0 };
  char text[WAITING_TEXT_MAX];
  size_t at = 0;
  bool back = false;
  for (unsigned int i = 0; i < needs->count; i++)
    if (!drop[i] && !names_add(&walk, needs->list[i], strlen(needs->list[i]))) { back = true; goto out; }
  while (at < walk.len) {
    char name[NAME_MAX + 1];
    size_t len = strlen(walk.bytes + at);
    if (len > NAME_MAX || walk.count > WAIT_WALK_MAX) { back = true; break; }
    memcpy(name, walk.bytes + at, len + 1);
    at += len + 1;
    if (!strcmp(name, gate.self)) { back = true; break; }
    watch(name, SVPATH_SUPERVISE);
    if (!read_waiting(name, text, sizeof text)) continue;
    for (char *item = strtok(text, "\n"); item; item = strtok(0, "\n")) {
      if (!strcmp(item, "...")) { back = true; goto out; }
      if (walked(&walk, item)) continue;
      if (!names_add(&walk, item, strlen(item))) { back = true; goto out; }
    }
  }
out:
  names_free(&walk);
  return back;
}

/* TEXT: the names, one a line (a name may hold a comma, never a
   newline), as supervise/waiting keeps them for svstat and the walk
   above; said on one line, with commas. */
static void say_waiting(char const *text)
{
  char line[WAITING_TEXT_MAX * 2];
  size_t len = 0;
  if (!strcmp(text, gate.said)) return;
  memcpy(gate.said, text, strlen(text) + 1);
  for (char const *c = text; *c && len + 3 < sizeof line; c++) {
    if (*c != '\n') line[len++] = *c;
    else { line[len++] = ','; line[len++] = ' '; }
  }
  line[len] = 0;
  strerr_warnw("waiting for ", line);
  svtext_write(SVPATH_WAITING_NEW, SVPATH_WAITING, text);
}

/* gate_check with a needs/ dir. Never inlined: its 4 KiB frame is paid
   for only by a dir with needs/, not by every supervisor's stack. */
static int __attribute__((noinline)) check_needs(void)
{
  struct names needs = { 0 };
  bool *drop = 0;
  unsigned int held = 0;
  char text[WAITING_TEXT_MAX];
  size_t len = 0;
  if (read_needs(AT_FDCWD, gate.self, &needs, !gate.entries_said) < 0 || !names_sort(&needs)) {
    strerr_warnwusys("read ./", SVDIR_NEEDS, " (starting without them)");
    names_free(&needs);
    return 0;
  }
  gate.entries_said = true;
  drop = calloc(needs.count + 1, sizeof *drop);
  if (!drop) {
    names_free(&needs);
    return 0;
  }
  if (needs.count) arm(&needs);
  for (unsigned int i = 0; i < needs.count; i++) drop[i] = need_state(needs.list[i]) == NEED_READY;
  for (unsigned int i = 0; i < needs.count; i++) held += !drop[i];
  /* Cycles are looked for when something waits and the waits lead back
     to us (a cycle always waits at first), and again while svstat shows
     one, to see it mended. */
  if (access(SVPATH_CYCLE, F_OK) == 0 || (held && waits_lead_back(&needs, drop))) {
    bool *cycle = calloc(needs.count + 1, sizeof *cycle);
    if (cycle) {
      drop_cycle_needs(&needs, cycle);
      for (unsigned int i = 0; i < needs.count; i++) if (cycle[i] && !drop[i]) { drop[i] = true; held--; }
      free(cycle);
    }
  }
  if (held) {
    text[0] = 0;
    for (unsigned int i = 0; i < needs.count; i++) {
      if (drop[i]) continue;
      if (len + strlen(needs.list[i]) + sizeof ", , ..." >= sizeof text) {
        snprintf(text + len, sizeof text - len, "\n...");
        break;
      }
      len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", len ? "\n" : "", needs.list[i]);
    }
    say_waiting(text);
    /* Out of inotify instances (fs.inotify.max_user_instances, 128 on
       Debian, counts every waiting supervisor): the loop looks again
       every GATE_POLL_MS while the wait lasts. */
    if ((gate.inotify_fd < 0 || gate.watch_failed) && !gate.poll_said) {
      errno = gate.inotify_errno;
      strerr_warnwusys("watch the needs (looking again every 250 ms while waiting)");
      gate.poll_said = true;
    }
  }
  free(drop);
  names_free(&needs);
  return held > 0;
}

int gate_check(void)
{
  struct stat st;
  if (lstat(SVDIR_NEEDS, &st) < 0) {
    forget_cycle();
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (!gate.not_dir_said) strerr_warnw("ignoring ./", SVDIR_NEEDS, ": not a directory");
    gate.not_dir_said = true;
    forget_cycle();
    return 0;
  }
  return check_needs();
}

int gate_fd(void)
{
  return gate.inotify_fd;
}

void gate_drain(void)
{
  /* Room for one event with the longest name: the rest is read in turn. */
  char buf[sizeof(struct inotify_event) + NAME_MAX + 1];
  if (gate.inotify_fd < 0) return;
  while (read(gate.inotify_fd, buf, sizeof buf) > 0) {}
}

void gate_release(void)
{
  if (gate.inotify_fd >= 0) close(gate.inotify_fd);
  gate.inotify_fd = -1;
  if (gate.said[0]) unlink(SVPATH_WAITING);
  gate.said[0] = 0;
  gate.entries_said = gate.cycle_said = gate.poll_said = gate.watch_failed = false;
}

bool gate_polled(void)
{
  return gate.poll_said;
}
