/* A log dir read as one stream. Rotations under the reader: vigil-log
   (like multilog, svlogd, s6-log) writes current, renames it to an
   archive name when full, and opens a new current. So a file opened as
   current is read to its end, then, if `current` is now another file, the
   files rotated since (found by name: archive names only grow) and the new
   current follow: no line is lost or read twice. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "logname.h"
#include "logsource.h"
#include "logstamp.h"

#define TAIL_BLOCK (64 * 1024)

/* One pass over the dir: the first log file after `after` in reading
   order (not current), and the name of the file with inode ino. */
struct scan {
  char next[LOGSOURCE_NAME_MAX];
  char same[LOGSOURCE_NAME_MAX];
};

static int scan_dir(struct logsource *s, char const *after, ino_t ino, struct scan *out)
{
  DIR *d = opendir(s->dir);
  struct dirent *e;
  out->next[0] = out->same[0] = 0;
  if (!d) return -1;
  while ((e = readdir(d))) {
    enum logname_kind kind = logname_kind(e->d_name);
    if (kind == LOGNAME_OTHER || kind == LOGNAME_CURRENT) continue;
    if (ino && e->d_ino == ino) strcpy(out->same, e->d_name);
    if (logname_compare(e->d_name, after) > 0 && (!out->next[0] || logname_compare(e->d_name, out->next) < 0))
      strcpy(out->next, e->d_name);
  }
  closedir(d);
  return 0;
}

static void warn_once(struct logsource *s, char const *what, char const *name)
{
  if (s->warned) return;
  s->warned = true;
  if (name[0]) strerr_warnwusys(what, s->dir, "/", name);
  else strerr_warnwusys(what, s->dir);
}

static int open_at(struct logsource *s, char const *name)
{
  char path[PATH_MAX];
  struct stat st;
  size_t dl = strlen(s->dir), nl = strlen(name);
  if (dl + 1 + nl + 1 > sizeof path) { errno = ENAMETOOLONG; return -1; }
  memcpy(path, s->dir, dl);
  path[dl] = '/';
  memcpy(path + dl + 1, name, nl + 1);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return -1;
  if (fstat(fd, &st) < 0) { close(fd); return -1; }
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  return fd;
}

/* Open the file after s->last; returns 1, or 0 when there is none (yet). */
static int open_next(struct logsource *s)
{
  struct scan sc;
  for (int tries = 0; tries < 1000; tries++) {
    if (scan_dir(s, s->last, 0, &sc) < 0) {
      warn_once(s, "read dir ", "");
      return 0;
    }
    if (sc.next[0]) {
      s->fd = open_at(s, sc.next);
      strcpy(s->last, sc.next);
      if (s->fd < 0) {
        /* Removed since the listing (pruned by the logger): go on to the next. */
        if (errno != ENOENT) warn_once(s, "open ", sc.next);
        continue;
      }
      s->fd_is_current = false;
      return 1;
    }
    s->fd = open_at(s, "current");
    if (s->fd < 0) {
      if (errno != ENOENT) warn_once(s, "open ", "current");
      return 0;
    }
    /* Rotated between the listing and the open? Then what we opened is
       either the file just archived (read it as that), or a newer
       current, with an archive to read before it. */
    if (scan_dir(s, s->last, s->ino, &sc) < 0 || !sc.next[0]) {
      s->fd_is_current = true;
      return 1;
    }
    if (sc.same[0] && !strcmp(sc.same, sc.next)) {
      strcpy(s->last, sc.next);
      s->fd_is_current = false;
      return 1;
    }
    close(s->fd);
    s->fd = -1;
  }
  return 0;
}

/* current was renamed away from the file we read: which name is it now? */
static void note_rotated(struct logsource *s)
{
  struct scan sc;
  if (scan_dir(s, s->last, s->ino, &sc) < 0) return;
  if (sc.same[0]) strcpy(s->last, sc.same);
  /* Not there (already pruned or processed): what came after it is
     unknown; the oldest file after what we had read comes next, which
     can only repeat nothing. */
}

static void close_file(struct logsource *s)
{
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
}

int logsource_init(struct logsource *s, char const *service, char const *dir)
{
  memset(s, 0, sizeof *s);
  s->service = service;
  s->service_len = strlen(service);
  s->dir = dir;
  s->fd = -1;
  s->limit = UINT64_MAX;
  s->buffer = malloc(LOGSOURCE_BUFFER_SIZE + 1);
  return s->buffer ? 0 : -1;
}

/* Read more into the buffer. Returns 1 when bytes came, 0 at the end of
   what there is; a partial line at the end of a finished file is closed
   with a newline (a torn line) before the next file's bytes. */
static int fill(struct logsource *s)
{
  if (s->start) {
    memmove(s->buffer, s->buffer + s->start, s->end - s->start);
    s->end -= s->start;
    s->start = 0;
  }
  for (;;) {
    if (s->fd < 0 && !open_next(s)) return 0;
    if (s->end >= LOGSOURCE_BUFFER_SIZE) return 1;
    ssize_t r = read(s->fd, s->buffer + s->end, LOGSOURCE_BUFFER_SIZE - s->end);
    if (r > 0) {
      s->end += (size_t)r;
      return 1;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      warn_once(s, "read ", s->fd_is_current ? "current" : s->last);
    } else if (s->fd_is_current) {
      struct stat st;
      char path[PATH_MAX];
      size_t dl = strlen(s->dir);
      if (dl + sizeof "/current" > sizeof path) return 0;
      memcpy(path, s->dir, dl);
      memcpy(path + dl, "/current", sizeof "/current");
      if (!s->rotated) {
        /* Still current: we are at its end, for now. */
        if (stat(path, &st) < 0 ? errno != ENOENT : (st.st_dev == s->dev && st.st_ino == s->ino)) return 0;
        /* Renamed away: complete (the logger flushes before it renames),
           but lines may have come between our last read and the rename:
           read it to its end once more before going on. */
        s->rotated = true;
        continue;
      }
      s->rotated = false;
      note_rotated(s);
    }
    close_file(s);
    if (s->end > s->start && s->buffer[s->end - 1] != '\n') {
      s->buffer[s->end++] = '\n';  /* room: one byte more than the size */
      return 1;
    }
  }
}

int logsource_next(struct logsource *s, bool final)
{
  char *line, *nl;
  size_t len;
  if (!s->limit) return 0;
  for (;;) {
    nl = memchr(s->buffer + s->start, '\n', s->end - s->start);
    if (nl) {
      line = s->buffer + s->start;
      len = (size_t)(nl - line);
      s->start += len + 1;
      break;
    }
    if (s->start == 0 && s->end >= LOGSOURCE_BUFFER_SIZE) {
      /* A line longer than the buffer: give it in pieces. */
      line = s->buffer;
      len = s->end;
      s->start = s->end;
      break;
    }
    if (!fill(s)) {
      if (!final || s->start == s->end) return 0;
      line = s->buffer + s->start;
      len = s->end - s->start;
      s->start = s->end;
      break;
    }
  }
  if (s->limit != UINT64_MAX) s->limit--;
  size_t skip = logstamp_parse(line, len, &s->time);
  if (skip && s->leap && line[0] == '@' && s->time.sec >= s->leap) s->time.sec -= s->leap;
  if (skip) {
    s->stamp = s->time;
    s->stamped = true;
  } else {
    s->time = s->stamp;
    s->stamped = false;
  }
  s->text = line + skip;
  s->text_len = len - skip;
  return 1;
}

/* The log files of s in reading order (current last, if there). */
static int list_files(struct logsource *s, char (**names)[LOGSOURCE_NAME_MAX], size_t *count)
{
  DIR *d = opendir(s->dir);
  struct dirent *e;
  size_t n = 0, cap = 16;
  char (*v)[LOGSOURCE_NAME_MAX] = malloc(cap * sizeof *v);
  if (!d || !v) { if (d) closedir(d); free(v); return -1; }
  while ((e = readdir(d))) {
    if (logname_kind(e->d_name) == LOGNAME_OTHER) continue;
    if (n == cap) {
      void *w = realloc(v, 2 * cap * sizeof *v);
      if (!w) { closedir(d); free(v); return -1; }
      v = w;
      cap *= 2;
    }
    strcpy(v[n++], e->d_name);
  }
  closedir(d);
  /* Few files: insertion sort. */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j && logname_compare(v[j - 1], v[j]) > 0; j--) {
      char t[LOGSOURCE_NAME_MAX];
      strcpy(t, v[j]); strcpy(v[j], v[j - 1]); strcpy(v[j - 1], t);
    }
  *names = v;
  *count = n;
  return 0;
}

/* Where the last `want` lines of the file start: sets *offset and returns
   how many lines it holds from there (fewer than want: from offset 0). */
static uint64_t tail_file(int fd, uint64_t want, off_t *offset, char *block)
{
  struct stat st;
  uint64_t found = 0;
  off_t end;
  *offset = 0;
  if (fstat(fd, &st) < 0 || st.st_size <= 0) return 0;
  end = st.st_size;
  /* A line starts at 0 and after every newline but a final one. */
  bool skip_last = true;
  while (end > 0) {
    off_t from = end > TAIL_BLOCK ? end - TAIL_BLOCK : 0;
    ssize_t r = pread(fd, block, (size_t)(end - from), from);
    if (r <= 0) return found;
    for (ssize_t i = r - 1; i >= 0; i--) {
      if (skip_last) { skip_last = false; if (block[i] == '\n') continue; }
      if (block[i] == '\n' && ++found == want) {
        *offset = from + i + 1;
        return found;
      }
    }
    end = from;
  }
  return found + 1;  /* the first line */
}

/* Lines without a stamp at the start of the window sort with the last
   stamped line before it: look for one in the TAIL_BLOCK bytes before. */
static void seed_stamp(struct logsource *s, off_t offset, char *block)
{
  off_t from = offset > TAIL_BLOCK ? offset - TAIL_BLOCK : 0;
  ssize_t r = pread(s->fd, block, (size_t)(offset - from), from);
  size_t i = 0;
  struct svtime t;
  if (r <= 0) return;
  if (from) {
    /* The first line is cut: start after its end. */
    char *nl = memchr(block, '\n', (size_t)r);
    if (!nl) return;
    i = (size_t)(nl - block) + 1;
  }
  while (i < (size_t)r) {
    char *nl = memchr(block + i, '\n', (size_t)r - i);
    size_t len = nl ? (size_t)(nl - (block + i)) : (size_t)r - i;
    if (logstamp_parse(block + i, len, &t)) s->stamp = t;
    i += len + 1;
  }
}

uint64_t logsource_tail(struct logsource *s, uint64_t n)
{
  char (*names)[LOGSOURCE_NAME_MAX];
  size_t count;
  uint64_t total = 0;
  char *block;
  if (!n || list_files(s, &names, &count) < 0) {
    if (n) warn_once(s, "read dir ", "");
    s->limit = 0;
    return 0;
  }
  block = s->buffer;  /* not in use yet */
  size_t i = count;
  off_t offset = 0;
  while (i > 0 && total < n) {
    int fd = open_at(s, names[i - 1]);
    i--;
    if (fd < 0) continue;
    total += tail_file(fd, n - total, &offset, block);
    close(fd);
  }
  /* Read from file i, at offset, onwards. */
  strcpy(s->last, i ? names[i - 1] : "");
  if (count && open_next(s) && offset && !strcmp(s->fd_is_current ? "current" : s->last, names[i])) {
    seed_stamp(s, offset, block);
    lseek(s->fd, offset, SEEK_SET);
  }
  free(names);
  s->limit = total;
  return total;
}
