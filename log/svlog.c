/* svlog: services' logs, merged by their stamps, in local time. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "logfind.h"
#include "logjson.h"
#include "logsource.h"
#include "logstamp.h"
#include "svpaths.h"
#include "svtime.h"

#define USAGE "svlog [ -f ] [ -n LINES ] [ --json ] [ -d LOGDIR ]... [ NAME... ]"
#define OUT_SIZE (256 * 1024)
#define NAME_WIDTH_MAX 32

char const *PROG = "svlog";

struct source {
  struct logsource log;
  char name[NAME_MAX + 1];
  char dir[PATH_MAX];
  int wd;                     /* inotify watch of dir, or -1 */
  bool dirty;                 /* may have lines to read */
  unsigned int leap;
};

static struct {
  struct source *sources;
  size_t count, cap;
  size_t width;               /* of the name column */
  bool json;
  bool follow;
  bool failed;                /* a dir could not be read: exit 111 */
  uint64_t skip;              /* lines of the merge not to print (-n) */
  struct logstamp_cache cache;
  size_t out_len;
  char out[OUT_SIZE];
  char escaped[6 * LOGSOURCE_BUFFER_SIZE + 64];
} g;

static void out_flush(void)
{
  size_t done = 0;
  while (done < g.out_len) {
    ssize_t w = write(1, g.out + done, g.out_len - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      strerr_diefusys(VIGIL_EXIT_SYSTEM, "write to stdout");
    }
    done += (size_t)w;
  }
  g.out_len = 0;
}

static void out_put(char const *s, size_t len)
{
  while (len) {
    if (g.out_len == OUT_SIZE) out_flush();
    size_t n = OUT_SIZE - g.out_len < len ? OUT_SIZE - g.out_len : len;
    memcpy(g.out + g.out_len, s, n);
    g.out_len += n;
    s += n;
    len -= n;
  }
}

/* Text for a terminal: control bytes (but tab) would move its cursor or
   worse; they are shown as '?'. */
static void out_text(char const *s, size_t len)
{
  while (len) {
    if (g.out_len == OUT_SIZE) out_flush();
    size_t n = OUT_SIZE - g.out_len < len ? OUT_SIZE - g.out_len : len;
    char *o = g.out + g.out_len;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)s[i];
      o[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    g.out_len += n;
    s += n;
    len -= n;
  }
}

static void emit_plain(struct source *src)
{
  struct logsource *s = &src->log;
  char head[NAME_WIDTH_MAX + 2 + LOGSTAMP_LOCAL_SIZE];
  size_t n = strlen(src->name);
  if (n > NAME_WIDTH_MAX) n = NAME_WIDTH_MAX;
  memcpy(head, src->name, n);
  memset(head + n, ' ', g.width + 1 - n);
  n = g.width + 1;
  if (s->stamped) logstamp_fmt_local(head + n, &s->time, &g.cache);
  else memset(head + n, ' ', LOGSTAMP_LOCAL_SIZE);
  n += LOGSTAMP_LOCAL_SIZE;
  head[n++] = ' ';
  out_put(head, n);
  out_text(s->text, s->text_len);
  out_put("\n", 1);
}

static void emit_json(struct source *src)
{
  struct logsource *s = &src->log;
  size_t n;
  out_put("{\"service\":\"", 12);
  n = logjson_escape(g.escaped, src->name, strlen(src->name));
  out_put(g.escaped, n);
  if (s->stamped) {
    char iso[SVTIME_ISO8601_SIZE], tai[SVTIME_TAI64N_TEXT_SIZE], num[UINT64_FMT];
    char frac[7];
    uint32_t us = s->time.nsec / 1000;
    svtime_fmt_iso8601(iso, &s->time);
    svtime_fmt_tai64n(tai, &s->time);
    out_put("\",\"time\":\"", 10);
    out_put(iso, sizeof iso);
    out_put("\",\"tai64n\":\"", 12);
    out_put(tai, sizeof tai);
    out_put("\",\"epoch\":", 10);
    out_put(num, uint64_fmt(num, s->time.sec));
    frac[0] = '.';
    for (int i = 6; i > 0; i--) { frac[i] = (char)('0' + us % 10); us /= 10; }
    out_put(frac, 7);
    out_put(",\"text\":\"", 9);
  } else out_put("\",\"time\":null,\"tai64n\":null,\"epoch\":null,\"text\":\"", 49);
  n = logjson_escape(g.escaped, s->text, s->text_len);
  out_put(g.escaped, n);
  out_put("\"}\n", 3);
}

static void emit(struct source *src)
{
  if (g.skip) {
    g.skip--;
    return;
  }
  if (g.json) emit_json(src);
  else emit_plain(src);
}

/* The heap of sources with a line, earliest first; equal times in
   argument order, so that lines of one instant come out the same way each time. */
static int before(struct source *a, struct source *b)
{
  int c = svtime_compare(&a->log.time, &b->log.time);
  return c ? c < 0 : a < b;
}

static void sift_down(struct source **heap, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && before(heap[l], heap[m])) m = l;
    if (l + 1 < n && before(heap[l + 1], heap[m])) m = l + 1;
    if (m == i) return;
    struct source *t = heap[i];
    heap[i] = heap[m];
    heap[m] = t;
    i = m;
  }
}

/* k-way merge of the dirty sources' lines, until each has none (for now). */
static void merge(bool final)
{
  static struct source **heap;
  size_t n = 0;
  if (!heap && !(heap = malloc(g.count * sizeof *heap))) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate");
  for (size_t i = 0; i < g.count; i++) {
    if (!g.sources[i].dirty) continue;
    g.sources[i].dirty = false;
    if (logsource_next(&g.sources[i].log, final)) heap[n++] = &g.sources[i];
  }
  for (size_t i = n / 2; i-- > 0;) sift_down(heap, n, i);
  while (n) {
    struct source *top = heap[0];
    emit(top);
    if (!logsource_next(&top->log, final)) heap[0] = heap[--n];
    sift_down(heap, n, 0);
  }
}

static struct source *add_source(char const *name, char const *dir)
{
  struct source *s;
  if (g.count == g.cap) {
    size_t cap = g.cap ? 2 * g.cap : 16;
    void *v = realloc(g.sources, cap * sizeof *g.sources);
    if (!v) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate");
    g.sources = v;
    g.cap = cap;
  }
  s = &g.sources[g.count++];
  memset(s, 0, sizeof *s);
  if (strlen(name) > NAME_MAX || strlen(dir) >= PATH_MAX) strerr_dief(VIGIL_EXIT_USAGE, "name too long: ", dir);
  strcpy(s->name, name);
  strcpy(s->dir, dir);
  s->wd = -1;
  s->dirty = true;
  return s;
}

static void base_name(char *out, char const *path)
{
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  size_t start = len;
  while (start && path[start - 1] != '/') start--;
  if (len - start > NAME_MAX) len = start + NAME_MAX;
  memcpy(out, path + start, len - start);
  out[len - start] = 0;
}

static bool add_service(char const *arg, bool named)
{
  char svc[PATH_MAX], dir[PATH_MAX], name[NAME_MAX + 1];
  char const *how;
  unsigned int leap;
  if (svpath_resolve(svc, sizeof svc, arg) < 0) strerr_dief(VIGIL_EXIT_USAGE, "name too long: ", arg);
  base_name(name, svc);
  if (!logfind_service(dir, svc, &how, &leap)) {
    if (named)
      strerr_dief(VIGIL_EXIT_SYSTEM, "no log dir for ", svc,
                  ": its logger (", svc, "/log) is not running and $VIGIL_LOGROOT/", name,
                  " (/var/log/", name, " by default) is no dir; give one with -d");
    return false;
  }
  add_source(name, dir)->leap = leap;
  return true;
}

/* No NAME: every service of $SVDIR that has a log dir. */
static void add_all(void)
{
  char const *svdir = svpath_env_dir("SVDIR", SVDIR_DEFAULT);
  char path[PATH_MAX];
  struct dirent **list;
  int n = scandir(svdir, &list, 0, alphasort);
  if (n < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "read ", svdir);
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (list[i]->d_name[0] != '.' && svpath_join(path, svdir, list[i]->d_name) == 0
        && !stat(path, &st) && S_ISDIR(st.st_mode))
      add_service(path, false);
    free(list[i]);
  }
  free(list);
  if (!g.count) strerr_dief(VIGIL_EXIT_SYSTEM, "no service of ", svdir, " has a log dir");
}

static void follow_loop(int ifd)
{
  /* Aligned for struct inotify_event. */
  static char events[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t r = read(ifd, events, sizeof events);
    if (r < 0) {
      if (errno == EINTR) continue;
      strerr_diefusys(VIGIL_EXIT_SYSTEM, "read inotify events");
    }
    for (char *p = events; p < events + r;) {
      struct inotify_event *e = (struct inotify_event *)p;
      if (e->mask & IN_Q_OVERFLOW)
        for (size_t i = 0; i < g.count; i++) g.sources[i].dirty = true;
      else
        for (size_t i = 0; i < g.count; i++)
          if (g.sources[i].wd == e->wd) g.sources[i].dirty = true;
      p += sizeof *e + e->len;
    }
    merge(false);
    out_flush();
  }
}

int main(int argc, char const *const *argv)
{
  uint64_t lines = 0;
  bool tail = false;
  char const *dirs[256];
  unsigned int ndirs = 0;
  int i = 1;
  for (; i < argc; i++) {
    char const *a = argv[i];
    if (!strcmp(a, "--")) { i++; break; }
    if (!strcmp(a, "--json")) g.json = true;
    else if (!strcmp(a, "-f")) g.follow = true;
    else if (!strcmp(a, "-n") || !strcmp(a, "-d")) {
      if (i + 1 == argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
      if (a[1] == 'n') {
        if (!uint640_scan(argv[++i], &lines)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
        tail = true;
      } else {
        if (ndirs == 256) strerr_dief(VIGIL_EXIT_USAGE, "more than 256 -d");
        dirs[ndirs++] = argv[++i];
      }
    } else if (a[0] == '-' && a[1]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    else break;
  }
  for (unsigned int k = 0; k < ndirs; k++) {
    char name[NAME_MAX + 1];
    base_name(name, dirs[k]);
    add_source(name, dirs[k]);
  }
  if (i < argc) for (; i < argc; i++) add_service(argv[i], true);
  else if (!ndirs) add_all();

  for (size_t k = 0; k < g.count; k++) {
    struct source *s = &g.sources[k];
    DIR *d = opendir(s->dir);
    size_t w = strlen(s->name);
    if (w > g.width) g.width = w > NAME_WIDTH_MAX ? NAME_WIDTH_MAX : w;
    if (logsource_init(&s->log, s->name, s->dir) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate");
    s->log.leap = s->leap;
    if (!d) {
      strerr_warnwusys("read log dir ", s->dir, " of ", s->name);
      s->log.warned = true;  /* said once */
      g.failed = true;
    } else closedir(d);
  }

  int ifd = -1;
  if (g.follow) {
    /* Watches first: whatever is written from now on wakes us. */
    ifd = inotify_init1(IN_CLOEXEC);
    if (ifd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "inotify_init");
    for (size_t k = 0; k < g.count; k++) {
      g.sources[k].wd = inotify_add_watch(ifd, g.sources[k].dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE);
      if (g.sources[k].wd < 0) strerr_warnwusys("watch ", g.sources[k].dir);
    }
  }
  if (tail) {
    uint64_t total = 0;
    for (size_t k = 0; k < g.count; k++) total += logsource_tail(&g.sources[k].log, lines);
    g.skip = total > lines ? total - lines : 0;
  }
  merge(!g.follow);
  if (!g.follow) {
    out_flush();
    return g.failed ? VIGIL_EXIT_SYSTEM : 0;
  }
  /* What was written since -n counted its lines. */
  for (size_t k = 0; k < g.count; k++) {
    g.sources[k].log.limit = UINT64_MAX;
    g.sources[k].dirty = true;
  }
  merge(false);
  out_flush();
  follow_loop(ifd);
}
