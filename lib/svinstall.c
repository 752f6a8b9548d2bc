/* Installing a service dir into a live dir, all or nothing: copy, compare, rename. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "svdir.h"
#include "svinstall.h"
#include "svinstance.h"
#include "svpaths.h"
#include "trust.h"

/* Big enough that a service's files copy in a few calls, small enough for the stack. */
#define COPY_BUFFER_SIZE 16384
/* Permission bits kept from the source: setuid, setgid, sticky, rwx. */
#define MODE_BITS 07777
#define EXECUTABLE_BITS 0111
/* The generated log/run and log/: what a shell script and its dir need. */
#define LOG_DIR_MODE 0755
#define LOG_RUN_MODE 0755

static char const builtin_log_template[] =
  "#!/bin/sh\n"
  "# vigil's built-in log/run (no /etc/vigil/log-run): vigil-log makes the dir.\n"
  "exec vigil-log /var/log/" SVINSTALL_NAME_PLACEHOLDER "\n";

/* A container's: the root may be read-only and `docker logs` reads
   stdout, so each service's lines go there, its name before each. */
static char const container_log_template[] =
  "#!/bin/sh\n"
  "# vigil's log/run in a container: the container's stdout, NAME: before each line.\n"
  "exec vigil-log -p \"" SVINSTALL_NAME_PLACEHOLDER ": \" -\n";

int svinstall_container_role(void)
{
  char const *role = getenv("VIGIL_ROLE");
  return role && !strcmp(role, "container");
}

/* The state of one copy or comparison: where errors go, and the source
   path of the entry at hand, for messages. */
struct walker {
  struct svinstall_error *e;
  unsigned int flags;
  int as_root;              /* keep owners too: only root can */
  char path[PATH_MAX];
  size_t len;
};

static void set_error(struct svinstall_error *e, int exitcode, char const *verb, char const *object, int err, char const *reason)
{
  size_t len = strlen(object);
  if (len >= sizeof e->object) len = sizeof e->object - 1;
  memcpy(e->object, object, len);
  e->object[len] = 0;
  e->exitcode = exitcode;
  e->verb = verb;
  e->err = err;
  e->reason = reason;
}

static int fail_sys(struct walker *w, char const *verb)
{
  set_error(w->e, VIGIL_EXIT_SYSTEM, verb, w->path, errno, 0);
  return -1;
}

static int fail_input(struct walker *w, char const *reason)
{
  set_error(w->e, VIGIL_EXIT_USAGE, "install", w->path, 0, reason);
  return -1;
}

/* Append "/name" to the message path; returns the length to go back to. */
static size_t path_push(struct walker *w, char const *name)
{
  size_t old = w->len, n = strlen(name);
  if (old + 1 + n < sizeof w->path) {
    w->path[old] = '/';
    memcpy(w->path + old + 1, name, n + 1);
    w->len = old + 1 + n;
  }
  return old;
}

static void path_pop(struct walker *w, size_t old)
{
  w->len = old;
  w->path[old] = 0;
}

static void walker_init(struct walker *w, struct svinstall_error *e, unsigned int flags, char const *source)
{
  w->e = e;
  w->flags = flags;
  w->as_root = geteuid() == 0;
  w->len = strlen(source);
  if (w->len >= sizeof w->path) w->len = sizeof w->path - 1;
  memcpy(w->path, source, w->len);
  w->path[w->len] = 0;
}

/* The characters a name may have: it goes into file names, messages and
   the log/run template's shell text as it is, so nothing a shell reads as
   syntax (space, quotes, $, ;, newline...) and nothing that needs escaping. */
static int name_char_valid(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
}

int svinstall_name_valid(char const *name)
{
  size_t len = strlen(name);
  if (!len || *name == '.' || len >= NAME_MAX - sizeof ".old") return 0;
  for (size_t i = 0; i < len; i++)
    if (!name_char_valid(name[i])) return 0;
  return 1;
}

static int dotname(char *out, size_t size, char const *name, char const *suffix)
{
  size_t n = strlen(name), s = strlen(suffix);
  if (n + s + 2 > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  out[0] = '.';
  memcpy(out + 1, name, n);
  memcpy(out + 1 + n, suffix, s + 1);
  return 0;
}

int svinstall_build_name(char *out, size_t size, char const *name) { return dotname(out, size, name, ""); }
int svinstall_old_name(char *out, size_t size, char const *name) { return dotname(out, size, name, ".old"); }

/* ---- removal ---- */

static int remove_entries(int dirfd)
{
  DIR *dir = fdopendir(dirfd);
  struct dirent *d;
  int r = 0;
  if (!dir) {
    close(dirfd);
    return -1;
  }
  while (r == 0 && (errno = 0, d = readdir(dir))) {
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) continue;
    if (unlinkat(dirfd, d->d_name, 0) == 0) continue;
    if (errno != EISDIR && errno != EPERM) r = -1;
    else r = svinstall_remove(dirfd, d->d_name);
  }
  if (!d && errno) r = -1;
  int saved = errno;
  closedir(dir);
  errno = saved;
  return r;
}

int svinstall_remove(int dirfd, char const *name)
{
  struct stat st;
  int fd;
  /* Absent is done, also on a read-only file system (where rmdir says EROFS). */
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return errno == ENOENT ? 0 : -1;
  if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0) return 0;
  if (errno == ENOENT) return 0;
  if (errno == ENOTDIR) return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
  if (errno != ENOTEMPTY && errno != EEXIST) return -1;
  fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  if (remove_entries(fd) < 0) return -1;
  return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

/* ---- template ---- */

int svinstall_template_load(stralloc *out, char const *path, struct svinstall_error *e)
{
  char fallback[PATH_MAX];
  int required = 1;
  if (!path) path = getenv("VIGIL_LOG_TEMPLATE");
  out->len = 0;
  if ((!path || !*path) && svinstall_container_role()) {
    if (stralloc_catb(out, container_log_template, sizeof container_log_template - 1)) return 0;
    set_error(e, VIGIL_EXIT_SYSTEM, "load the log template", "", errno, 0);
    return -1;
  }
  if (!path || !*path) {
    char const *confdir = svpath_env_dir("VIGIL_CONFDIR", VIGIL_CONFDIR_DEFAULT);
    if (strlen(confdir) + sizeof "/" SVINSTALL_LOG_TEMPLATE_FILE > sizeof fallback) {
      set_error(e, VIGIL_EXIT_SYSTEM, "read", confdir, ENAMETOOLONG, 0);
      return -1;
    }
    strcpy(fallback, confdir);
    strcat(fallback, "/" SVINSTALL_LOG_TEMPLATE_FILE);
    path = fallback;
    required = 0;
  }
  out->len = 0;
  if (openslurpclose(out, path)) return 0;
  if (errno == ENOENT && !required) {
    if (stralloc_catb(out, builtin_log_template, sizeof builtin_log_template - 1)) return 0;
  }
  set_error(e, VIGIL_EXIT_SYSTEM, "read log template", path, errno, 0);
  return -1;
}

int svinstall_lock(int livefd)
{
  int r;
  do r = flock(livefd, LOCK_EX); while (r < 0 && errno == EINTR);
  return r;
}

/* ---- copy ---- */

/* Does a relative symlink target climb out of the tree? depth is how deep
   the link's own dir is below the service dir (0: in it). Judged on the
   text alone, as the copy will see it from its new place. */
static int link_escapes(char const *target, unsigned int depth)
{
  long level = depth;
  if (target[0] == '/') return 0;
  for (char const *p = target; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (--level < 0) return 1;
    } else if (n && !(n == 1 && p[0] == '.')) level++;
    p += n;
    while (*p == '/') p++;
  }
  return 0;
}

static int copy_bytes(struct walker *w, int from, int to)
{
  char buffer[COPY_BUFFER_SIZE];
  for (;;) {
    ssize_t got = read(from, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_sys(w, "read");
    if (!got) return 0;
    for (ssize_t done = 0; done < got;) {
      ssize_t put = write(to, buffer + done, got - done);
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) return fail_sys(w, "copy");
      done += put;
    }
  }
}

/* Root of a user namespace (a rootless container) sees files of ids it
   has no mapping for as the overflow id, and cannot give them: EINVAL.
   Such a copy keeps our own owner, as a non-root install does. */
static int chown_failed(void)
{
  return errno != EINVAL;
}

/* Owner first: chown clears setuid and setgid, so the mode comes after. */
static int set_owner_mode(struct walker *w, int fd, struct stat const *st)
{
  if (w->as_root && fchown(fd, st->st_uid, st->st_gid) < 0 && chown_failed()) return fail_sys(w, "chown copy of");
  if (fchmod(fd, st->st_mode & MODE_BITS) < 0) return fail_sys(w, "chmod copy of");
  if (w->flags & SVINSTALL_SYNC && fsync(fd) < 0) return fail_sys(w, "sync copy of");
  return 0;
}

static int copy_file(struct walker *w, int srcdir, int dstdir, char const *name, struct stat const *st)
{
  int r = -1, from, to;
  struct stat now;
  /* O_NONBLOCK: a file swapped for a fifo since it was looked at must not
     hold the open; what was opened is checked again. */
  from = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (from < 0) return fail_sys(w, "open");
  if (fstat(from, &now) < 0) {
    close(from);
    return fail_sys(w, "stat");
  }
  if (!S_ISREG(now.st_mode) || now.st_ino != st->st_ino || now.st_dev != st->st_dev) {
    close(from);
    return fail_input(w, "changed while it was being copied");
  }
  to = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (to < 0) fail_sys(w, "create copy of");
  else {
    r = copy_bytes(w, from, to);
    if (!r) r = set_owner_mode(w, to, st);
    /* close may be where a network or quota file system reports the write error. */
    if (close(to) < 0 && !r) r = fail_sys(w, "copy");
  }
  close(from);
  return r;
}

static int copy_link(struct walker *w, int srcdir, int dstdir, char const *name, struct stat const *st, unsigned int depth)
{
  char target[PATH_MAX];
  ssize_t len = readlinkat(srcdir, name, target, sizeof target - 1);
  if (len < 0) return fail_sys(w, "read symlink");
  target[len] = 0;
  if (link_escapes(target, depth)) return fail_input(w, "a relative symlink that leads out of the service dir (make it absolute)");
  if (symlinkat(target, dstdir, name) < 0) return fail_sys(w, "create copy of");
  if (w->as_root && fchownat(dstdir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && chown_failed()) return fail_sys(w, "chown copy of");
  return 0;
}

static int copy_dir(struct walker *w, int srcdir, int dstdir, char const *name, struct stat const *st, unsigned int depth, int skip_supervise);

static int copy_entry(struct walker *w, int srcdir, int dstdir, char const *name, unsigned int depth)
{
  struct stat st;
  if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return fail_sys(w, "stat");
  if (S_ISREG(st.st_mode)) return copy_file(w, srcdir, dstdir, name, &st);
  if (S_ISLNK(st.st_mode)) return copy_link(w, srcdir, dstdir, name, &st, depth);
  /* The log/ of the source is a service of its own: its supervise/ is skipped too. */
  if (S_ISDIR(st.st_mode)) return copy_dir(w, srcdir, dstdir, name, &st, depth + 1, depth == 0 && !strcmp(name, SVDIR_LOG));
  return fail_input(w, "not a regular file, directory or symlink");
}

/* Copy the entries of srcfd into dstfd. A supervise entry (dir, symlink,
   anything) is runtime state of the source's own supervisor: never copied. */
static int copy_entries(struct walker *w, int srcfd, int dstfd, unsigned int depth, int skip_supervise)
{
  int r = 0, fd = dup(srcfd);
  DIR *dir = fd < 0 ? 0 : fdopendir(fd);
  struct dirent *d;
  if (!dir) {
    if (fd >= 0) close(fd);
    return fail_sys(w, "read directory");
  }
  /* fdopendir on a dup shares the offset: start from the top. */
  rewinddir(dir);
  while (!r && (errno = 0, d = readdir(dir))) {
    size_t old;
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) continue;
    if (skip_supervise && !strcmp(d->d_name, SVPATH_SUPERVISE)) continue;
    old = path_push(w, d->d_name);
    r = copy_entry(w, srcfd, dstfd, d->d_name, depth);
    if (!r) path_pop(w, old);
  }
  if (!r && !d && errno) r = fail_sys(w, "read directory");
  closedir(dir);
  return r;
}

/* mkdir name in dstdir, fill it from srcdir/name, then give it its mode
   (last, so that a read-only source dir can still be filled). */
static int copy_dir(struct walker *w, int srcdir, int dstdir, char const *name, struct stat const *st, unsigned int depth, int skip_supervise)
{
  int r = -1, from, to;
  if (mkdirat(dstdir, name, 0700) < 0) return fail_sys(w, "create copy of");
  from = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (from < 0) return fail_sys(w, "open");
  to = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (to < 0) fail_sys(w, "open copy of");
  else {
    r = copy_entries(w, from, to, depth, skip_supervise);
    if (!r) r = set_owner_mode(w, to, st);
    close(to);
  }
  close(from);
  return r;
}

/* ---- the log/ rule ---- */

enum source_log {
  SOURCE_LOG_NONE,          /* no log: the distro's template is added */
  SOURCE_LOG_OWN            /* a log/ dir, a symlink, or an empty file ("no logger"): copied as is */
};

/* Check what the seed requires of a source before anything is written:
   an executable run, and a log that is a dir with an executable run, a
   symlink, an empty file, or nothing. */
static int check_source(struct walker *w, int srcfd, enum source_log *log)
{
  struct stat st;
  size_t old = path_push(w, SVDIR_RUN);
  if (fstatat(srcfd, SVDIR_RUN, &st, 0) < 0) {
    if (errno != ENOENT) return fail_sys(w, "stat");
    /* A oneshot: an executable ./up and no ./run. */
    path_pop(w, old);
    path_push(w, SVDIR_UP);
    if (fstatat(srcfd, SVDIR_UP, &st, 0) < 0) {
      if (errno != ENOENT) return fail_sys(w, "stat");
      path_pop(w, old);
      path_push(w, SVDIR_RUN);
      return fail_input(w, "missing: a service needs an executable run");
    }
  }
  if (!S_ISREG(st.st_mode) || !(st.st_mode & EXECUTABLE_BITS)) return fail_input(w, "not an executable file: the service could never start");
  path_pop(w, old);
  path_push(w, SVDIR_LOG);
  *log = SOURCE_LOG_OWN;
  if (fstatat(srcfd, SVDIR_LOG, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT) return fail_sys(w, "stat");
    *log = SOURCE_LOG_NONE;
  } else if (S_ISREG(st.st_mode) && st.st_size) {
    return fail_input(w, "a file that is not empty: log must be a dir, or an empty file for no logger");
  } else if (S_ISLNK(st.st_mode) && fstatat(srcfd, SVDIR_LOG, &st, 0) < 0) {
    if (errno == ENOENT) return fail_input(w, "a symlink to nothing: the service would run unlogged");
    return fail_sys(w, "follow");
  } else if (S_ISDIR(st.st_mode)) {
    path_push(w, SVDIR_RUN);
    if (fstatat(srcfd, SVDIR_LOG "/" SVDIR_RUN, &st, 0) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & EXECUTABLE_BITS))
      return fail_input(w, "missing or not executable: the logger could never start");
  }
  path_pop(w, old);
  return 0;
}

static int write_log_run(struct walker *w, int fd, struct svinstall_request const *req)
{
  char const *text = req->log_template, *end = text + req->log_template_len;
  size_t name_len = strlen(req->name), mark_len = sizeof SVINSTALL_NAME_PLACEHOLDER - 1;
  while (text < end) {
    char const *mark = memmem(text, end - text, SVINSTALL_NAME_PLACEHOLDER, mark_len);
    size_t plain = (mark ? mark : end) - text;
    if (plain && allwrite(fd, text, plain) < plain) return fail_sys(w, "write");
    if (!mark) break;
    if (allwrite(fd, req->name, name_len) < name_len) return fail_sys(w, "write");
    /* A template's logger is each instance's: NAME@ then its ARG, which
       the supervisor gives the log/run as $1 (lib/svinstance.h). */
    if (svinstance_is_template(req->name) && allwrite(fd, "${1}", 4) < 4) return fail_sys(w, "write");
    text = mark + mark_len;
  }
  if (fchmod(fd, LOG_RUN_MODE) < 0) return fail_sys(w, "chmod");
  if (w->flags & SVINSTALL_SYNC && fsync(fd) < 0) return fail_sys(w, "sync");
  return 0;
}

/* The distro's log/: a dir with run from the template, NAME substituted. */
static int add_log(struct walker *w, int dstfd, struct svinstall_request const *req)
{
  int r, logfd, runfd;
  if (mkdirat(dstfd, SVDIR_LOG, LOG_DIR_MODE) < 0) return fail_sys(w, "create");
  logfd = openat(dstfd, SVDIR_LOG, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (logfd < 0) return fail_sys(w, "open");
  if (fchmod(logfd, LOG_DIR_MODE) < 0) {
    close(logfd);
    return fail_sys(w, "chmod");
  }
  path_push(w, SVDIR_RUN);
  runfd = openat(logfd, SVDIR_RUN, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (runfd < 0) r = fail_sys(w, "create");
  else {
    r = write_log_run(w, runfd, req);
    if (close(runfd) < 0 && !r) r = fail_sys(w, "write");
  }
  if (!r && w->flags & SVINSTALL_SYNC && fsync(logfd) < 0) r = fail_sys(w, "sync");
  close(logfd);
  return r;
}

/* ---- build, compare, rename ---- */

/* The source, a dir or a symlink to one (/etc/rc/NAME to a dir
   elsewhere), is gone into only when it is ours or its dir owner's, never
   a stranger's planted in a dir others may add to (lib/trust.h): root
   would install what it leads to, and run its ./run. Returns 0 when it
   may be (or cannot be judged: the open then says why). */
static int source_trusted(struct walker *w, char const *source)
{
  static char reason[sizeof "it belongs to uid , neither ours nor its dir's owner: not followed" + UID_FMT];
  char parent[PATH_MAX], uid[UID_FMT];
  char const *slash = strrchr(source, '/'), *name = slash ? slash + 1 : source;
  size_t len = slash ? (size_t)(slash - source) : 0;
  uid_t owner;
  int r, dirfd = AT_FDCWD;
  if (slash) {
    if (len >= sizeof parent) return 0;
    if (!len) len = 1;
    memcpy(parent, source, len);
    parent[len] = 0;
    dirfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return 0;
  }
  r = *name ? trust_entry(dirfd, name, TRUST_ANY_TYPE, &owner) : 1;
  if (dirfd != AT_FDCWD) close(dirfd);
  if (r != 0) return 0;
  uid[uid_fmt(uid, owner)] = 0;
  snprintf(reason, sizeof reason, "it belongs to uid %s, neither ours nor its dir's owner: not followed", uid);
  return fail_input(w, reason);
}

static int open_source(struct walker *w, struct svinstall_request const *req, struct stat *st)
{
  int fd;
  if (source_trusted(w, req->source) < 0) return -1;
  fd = open(req->source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) fail_input(w, "no such service dir");
    else if (errno == ENOTDIR) fail_input(w, "not a directory");
    else fail_sys(w, "open");
    return -1;
  }
  if (fstat(fd, st) < 0) {
    fail_sys(w, "stat");
    close(fd);
    return -1;
  }
  return fd;
}

/* Set the message path to LIVE/ENTRY. */
static void path_live(struct walker *w, struct svinstall_request const *req, char const *entry)
{
  path_pop(w, 0);
  w->len = strlen(req->live) < sizeof w->path ? strlen(req->live) : 0;
  memcpy(w->path, req->live, w->len);
  w->path[w->len] = 0;
  path_push(w, entry);
}

static int build_into(struct walker *w, struct svinstall_request const *req, int srcfd, struct stat const *srcst, char const *dotdir)
{
  enum source_log log;
  int r, dstfd;
  if (check_source(w, srcfd, &log) < 0) return -1;
  path_live(w, req, dotdir);
  if (svinstall_remove(req->livefd, dotdir) < 0) return fail_sys(w, "remove leftover");
  if (mkdirat(req->livefd, dotdir, 0700) < 0) return fail_sys(w, "create");
  dstfd = openat(req->livefd, dotdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dstfd < 0) return fail_sys(w, "open");
  walker_init(w, w->e, w->flags, req->source);
  r = copy_entries(w, srcfd, dstfd, 0, 1);
  if (!r && log == SOURCE_LOG_NONE) {
    path_live(w, req, dotdir);
    path_push(w, SVDIR_LOG);
    r = add_log(w, dstfd, req);
  }
  if (!r) {
    walker_init(w, w->e, w->flags, req->source);
    r = set_owner_mode(w, dstfd, srcst);
  }
  close(dstfd);
  return r;
}

int svinstall_build(struct svinstall_request const *req, struct svinstall_error *e)
{
  struct walker w;
  struct stat st;
  char dotdir[NAME_MAX + 1];
  int r, srcfd;
  walker_init(&w, e, req->flags, req->source);
  if (svinstall_build_name(dotdir, sizeof dotdir, req->name) < 0) return fail_sys(&w, "name");
  srcfd = open_source(&w, req, &st);
  if (srcfd < 0) return -1;
  r = build_into(&w, req, srcfd, &st, dotdir);
  close(srcfd);
  /* All or nothing: a half-built .NAME is never left behind. */
  if (r < 0) svinstall_remove(req->livefd, dotdir);
  return r;
}

static int same_bytes(int a, int b)
{
  char x[COPY_BUFFER_SIZE], y[COPY_BUFFER_SIZE];
  for (;;) {
    ssize_t got = read(a, x, sizeof x);
    if (got < 0) return -1;
    if (!got) return read(b, y, 1) == 0;
    if (allread(b, y, got) < (size_t)got) return 0;
    if (memcmp(x, y, got)) return 0;
  }
}

static int same_file(int srcdir, int livedir, char const *name)
{
  int r, a = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), b;
  if (a < 0) return -1;
  b = openat(livedir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (b < 0) {
    close(a);
    return -1;
  }
  r = same_bytes(a, b);
  close(a);
  close(b);
  return r;
}

static int same_link(int srcdir, int livedir, char const *name)
{
  char a[PATH_MAX], b[PATH_MAX];
  ssize_t la = readlinkat(srcdir, name, a, sizeof a), lb = readlinkat(livedir, name, b, sizeof b);
  if (la < 0 || lb < 0) return -1;
  return la == lb && !memcmp(a, b, la);
}

static int same_dir(int srcfd, int livefd, int top, int ignore_live_log);

/* 1 the entry is the same in both, 0 it differs, -1 error. */
static int same_entry(int srcdir, int livedir, char const *name, int top)
{
  struct stat a, b;
  if (fstatat(srcdir, name, &a, AT_SYMLINK_NOFOLLOW) < 0) return -1;
  if (fstatat(livedir, name, &b, AT_SYMLINK_NOFOLLOW) < 0) return errno == ENOENT ? 0 : -1;
  if ((a.st_mode & S_IFMT) != (b.st_mode & S_IFMT)) return 0;
  if (S_ISLNK(a.st_mode)) return same_link(srcdir, livedir, name);
  if ((a.st_mode & MODE_BITS) != (b.st_mode & MODE_BITS)) return 0;
  if (S_ISREG(a.st_mode)) return a.st_size == b.st_size ? same_file(srcdir, livedir, name) : 0;
  if (S_ISDIR(a.st_mode)) {
    int r, from = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), to;
    if (from < 0) return -1;
    to = openat(livedir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (to < 0) {
      close(from);
      return -1;
    }
    r = same_dir(from, to, top && !strcmp(name, SVDIR_LOG), 0);
    close(from);
    close(to);
    return r;
  }
  return 0;
}

/* Count the entries of a dir that take part in the comparison. */
static long count_entries(int dirfd, int skip_supervise, int skip_log)
{
  long n = 0;
  int fd = dup(dirfd);
  DIR *dir = fd < 0 ? 0 : fdopendir(fd);
  struct dirent *d;
  if (!dir) {
    if (fd >= 0) close(fd);
    return -1;
  }
  rewinddir(dir);
  while ((d = readdir(dir))) {
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) continue;
    if (skip_supervise && !strcmp(d->d_name, SVPATH_SUPERVISE)) continue;
    if (skip_log && !strcmp(d->d_name, SVDIR_LOG)) continue;
    n++;
  }
  closedir(dir);
  return n;
}

/* Same names, types, modes, contents and link targets, supervise/ aside
   (at the top and in log/), and the live log/ aside when the distro made it. */
static int same_dir(int srcfd, int livefd, int top, int ignore_live_log)
{
  long n = count_entries(srcfd, top, 0), m = count_entries(livefd, top, ignore_live_log);
  int r = 1, fd = dup(srcfd);
  DIR *dir = fd < 0 ? 0 : fdopendir(fd);
  struct dirent *d;
  if (n < 0 || m < 0 || !dir) {
    if (dir) closedir(dir);
    else if (fd >= 0) close(fd);
    return -1;
  }
  if (n != m) r = 0;
  rewinddir(dir);
  while (r == 1 && (d = readdir(dir))) {
    if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) continue;
    if (top && !strcmp(d->d_name, SVPATH_SUPERVISE)) continue;
    r = same_entry(srcfd, livefd, d->d_name, top && !ignore_live_log);
  }
  closedir(dir);
  return r;
}

static enum svinstall_result compare_active(struct walker *w, struct svinstall_request const *req, int srcfd)
{
  struct stat st;
  int r, livefd = openat(req->livefd, req->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  path_live(w, req, req->name);
  if (livefd < 0) {
    if (errno == ENOTDIR) fail_input(w, "exists and is not a directory");
    else fail_sys(w, "open");
    return SVINSTALL_FAILED;
  }
  r = same_dir(srcfd, livefd, 1, fstatat(srcfd, SVDIR_LOG, &st, AT_SYMLINK_NOFOLLOW) < 0);
  close(livefd);
  if (r < 0) {
    fail_sys(w, "compare with the source");
    return SVINSTALL_FAILED;
  }
  return r ? SVINSTALL_UNCHANGED : SVINSTALL_CHANGED;
}

/* A template's instance (lib/svinstance.h): a symlink NAME@ARG to the
   dir NAME@ beside it in the source, installed as the same symlink, to
   the template installed beside it in the live dir (the scanner gives
   it a state dir of its own). 0 when the source is no instance: it is
   installed as any dir. */
static int instance_link(struct walker *w, struct svinstall_request const *req, enum svinstall_result *result)
{
  size_t tlen = svinstance_template_len(req->name);
  char target[NAME_MAX + 1], live[NAME_MAX + 1], template[PATH_MAX];
  struct stat lst, st, tst;
  ssize_t len;
  char const *slash = strrchr(req->source, '/');
  size_t dirlen = slash ? (size_t)(slash - req->source) + 1 : 0;
  if (!tlen || lstat(req->source, &lst) < 0 || !S_ISLNK(lst.st_mode)) return 0;
  *result = SVINSTALL_FAILED;
  if (source_trusted(w, req->source) < 0) return 1;
  len = readlink(req->source, target, sizeof target - 1);
  if (len < 0) return fail_sys(w, "read symlink"), 1;
  target[len] = 0;
  if (dirlen + tlen >= sizeof template) return fail_input(w, "path too long"), 1;
  memcpy(template, req->source, dirlen);
  memcpy(template + dirlen, req->name, tlen);
  template[dirlen + tlen] = 0;
  /* It leads to NAME@ beside it (by any spelling), and says so plainly. */
  if (stat(req->source, &st) < 0 || stat(template, &tst) < 0 || st.st_dev != tst.st_dev || st.st_ino != tst.st_ino
      || (size_t)len != tlen || memcmp(target, req->name, tlen))
    return fail_input(w, "an instance NAME@ARG must be a symlink to NAME@, its template beside it"), 1;
  len = readlinkat(req->livefd, req->name, live, sizeof live - 1);
  if (len >= 0) {
    live[len] = 0;
    if (!strcmp(live, target)) *result = SVINSTALL_UNCHANGED;
    else fail_input(w, "the live dir has it, as another symlink");
    return 1;
  }
  if (errno != ENOENT) {
    path_live(w, req, req->name);
    if (errno == EINVAL) fail_input(w, "the live dir has it, and not as a symlink to its template");
    else fail_sys(w, "read");
    return 1;
  }
  if (symlinkat(target, req->livefd, req->name) < 0) {
    path_live(w, req, req->name);
    fail_sys(w, "create");
    return 1;
  }
  if (req->flags & SVINSTALL_SYNC) fsync(req->livefd);
  *result = SVINSTALL_INSTALLED;
  return 1;
}

enum svinstall_result svinstall_activate(struct svinstall_request const *req, struct svinstall_error *e)
{
  struct walker w;
  struct stat st;
  char dotdir[NAME_MAX + 1];
  enum source_log log;
  int r, srcfd;
  walker_init(&w, e, req->flags, req->source);
  {
    enum svinstall_result result;
    if (instance_link(&w, req, &result)) return result;
  }
  srcfd = open_source(&w, req, &st);
  if (srcfd < 0) return SVINSTALL_FAILED;
  r = check_source(&w, srcfd, &log);
  if (r < 0) {
    close(srcfd);
    return SVINSTALL_FAILED;
  }
  if (fstatat(req->livefd, req->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    enum svinstall_result result = compare_active(&w, req, srcfd);
    close(srcfd);
    return result;
  }
  r = errno;
  close(srcfd);
  if (r != ENOENT) {
    errno = r;
    path_live(&w, req, req->name);
    fail_sys(&w, "stat");
    return SVINSTALL_FAILED;
  }
  if (svinstall_build(req, e) < 0) return SVINSTALL_FAILED;
  svinstall_build_name(dotdir, sizeof dotdir, req->name);
  if (renameat(req->livefd, dotdir, req->livefd, req->name) < 0) {
    path_live(&w, req, dotdir);
    fail_sys(&w, "rename into place");
    svinstall_remove(req->livefd, dotdir);
    return SVINSTALL_FAILED;
  }
  if (req->flags & SVINSTALL_SYNC) fsync(req->livefd);
  return SVINSTALL_INSTALLED;
}

int svinstall_swap(struct svinstall_request const *req, struct svinstall_error *e)
{
  struct walker w;
  char dotdir[NAME_MAX + 1], old[NAME_MAX + 1];
  walker_init(&w, e, req->flags, req->source);
  path_live(&w, req, req->name);
  if (svinstall_build_name(dotdir, sizeof dotdir, req->name) < 0 || svinstall_old_name(old, sizeof old, req->name) < 0)
    return fail_sys(&w, "name");
  path_live(&w, req, old);
  if (svinstall_remove(req->livefd, old) < 0) return fail_sys(&w, "remove leftover");
  path_live(&w, req, req->name);
  if (renameat(req->livefd, req->name, req->livefd, old) < 0) return fail_sys(&w, "rename away");
  if (renameat(req->livefd, dotdir, req->livefd, req->name) < 0) {
    int saved = errno;
    renameat(req->livefd, old, req->livefd, req->name);
    errno = saved;
    path_live(&w, req, dotdir);
    return fail_sys(&w, "rename into place");
  }
  if (req->flags & SVINSTALL_SYNC) fsync(req->livefd);
  return 0;
}
