/* vigil-scan: instances of templates. An instance NAME@ARG is a symlink
   to the template NAME@ beside it; all its instances share the
   template's files, so each gets a state dir, SVINSTANCE_DIR/NAME@ARG,
   that holds what is its own (supervise/, log/supervise/, whatever its
   run writes in its cwd) and a relative symlink to each entry of the
   template. Supervising that dir leaves the supervisor and the ctl tools
   unchanged: DIR/supervise is the instance's own. The links are made
   each time the scanner looks at the instance (a full scan, an event on
   its name): an entry added to the template later shows up then. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "scan-instance.h"
#include "svdir.h"
#include "svinstance.h"
#include "svpaths.h"

/* A dir at PATH that is ours (made now, or made before by this uid): a
   stranger's dir there is not written into. */
static int own_dir(char const *path)
{
  struct stat st;
  if (mkdir(path, 0755) < 0 && errno != EEXIST) return -1;
  if (lstat(path, &st) < 0) return -1;
  if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
    errno = EPERM;
    return -1;
  }
  return 0;
}

/* In the dir STATE, a symlink UP/TEMPLATE/E for each entry E of the dir
   TEMPLATE_PATH but supervise (and a log/ dir, done apart); links whose target
   is gone are removed. */
static void link_entries(char const *state, char const *template_path, char const *up, char const *template)
{
  DIR *dir = opendir(template_path);
  struct dirent *d;
  int statefd;
  if (!dir) return;
  statefd = open(state, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (statefd < 0) {
    closedir(dir);
    return;
  }
  while ((d = readdir(dir))) {
    char target[PATH_MAX];
    if (d->d_name[0] == '.' && (!d->d_name[1] || (d->d_name[1] == '.' && !d->d_name[2]))) continue;
    struct stat st;
    if (!strcmp(d->d_name, SVPATH_SUPERVISE)) continue;
    /* A log/ dir is the instance's own (made apart); an empty log file
       (no logger) is linked as any file. */
    if (!strcmp(d->d_name, SVDIR_LOG) && !fstatat(dirfd(dir), d->d_name, &st, 0) && S_ISDIR(st.st_mode)) continue;
    /* needs/ is read as a dir of its own, never through a link. */
    if (!strcmp(d->d_name, SVDIR_NEEDS)) continue;
    if ((size_t)snprintf(target, sizeof target, "%s%s/%s", up, template, d->d_name) >= sizeof target) continue;
    if (symlinkat(target, statefd, d->d_name) < 0 && errno != EEXIST)
      strerr_warnwusys("link ", state, "/", d->d_name);
  }
  closedir(dir);
  /* Links to what the template no longer has. */
  dir = fdopendir(statefd);
  if (!dir) {
    close(statefd);
    return;
  }
  while ((d = readdir(dir))) {
    struct stat lst, st;
    if (fstatat(statefd, d->d_name, &lst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(lst.st_mode)) continue;
    if (fstatat(statefd, d->d_name, &st, 0) < 0 && errno == ENOENT) unlinkat(statefd, d->d_name, 0);
  }
  closedir(dir);
}

/* STATE/needs, a copy of the template's needs/: an entry is a name (an
   empty file) or a symlink whose target says the name; copied as such.
   Entries the template no longer has are removed. */
static void copy_needs(char const *state, char const *template)
{
  char from[PATH_MAX], to[PATH_MAX];
  DIR *dir;
  struct dirent *d;
  int fromfd, tofd;
  struct stat st;
  if ((size_t)snprintf(from, sizeof from, "%s/%s", template, SVDIR_NEEDS) >= sizeof from
      || (size_t)snprintf(to, sizeof to, "%s/%s", state, SVDIR_NEEDS) >= sizeof to) return;
  if (lstat(from, &st) < 0 || !S_ISDIR(st.st_mode) || own_dir(to) < 0) return;
  fromfd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  tofd = open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dir = fromfd < 0 ? 0 : fdopendir(fromfd);
  if (!dir || tofd < 0) goto out;
  while ((d = readdir(dir))) {
    char target[PATH_MAX];
    ssize_t len;
    if (d->d_name[0] == '.') continue;
    if (fstatat(fromfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (S_ISLNK(st.st_mode)) {
      if ((len = readlinkat(fromfd, d->d_name, target, sizeof target - 1)) < 0) continue;
      target[len] = 0;
      symlinkat(target, tofd, d->d_name);
    } else {
      int fd = openat(tofd, d->d_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0) close(fd);
    }
  }
  closedir(dir);
  dir = fdopendir(tofd);
  if (!dir) goto out;
  tofd = -1;
  fromfd = -1;
  {
    int fd = dirfd(dir);
    int tfd = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (tfd >= 0 && (d = readdir(dir)))
      if (d->d_name[0] != '.' && fstatat(tfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
        unlinkat(fd, d->d_name, 0);
    if (tfd >= 0) close(tfd);
  }
  closedir(dir);
  return;
out:
  if (dir) closedir(dir);
  else if (fromfd >= 0) close(fromfd);
  if (tofd >= 0) close(tofd);
}

size_t scan_instance_path(char *out, size_t size, char const *name)
{
  int len = svinstance_template_len(name)
    ? snprintf(out, size, "%s/%s", SVINSTANCE_DIR, name)
    : snprintf(out, size, "%s", name);
  return len < 0 || (size_t)len >= size ? 0 : (size_t)len;
}

/* Apart, so that its PATH_MAX buffers are on the stack only for an
   instance: the scanner's stack pages, once touched, stay PID 1's. */
static int __attribute__((noinline)) examine_instance(char const *name, size_t tlen, struct stat *st, char const **why)
{
  char template[NAME_MAX + 1], state[PATH_MAX], path[PATH_MAX];
  struct stat link, tst, nst;
  memcpy(template, name, tlen);
  template[tlen] = 0;
  if (lstat(name, &link) < 0) return 0;
  if (!S_ISLNK(link.st_mode)) {
    *why = "named as a template's instance (NAME@ARG) but not a symbolic link to it";
    return -1;
  }
  if (stat(template, &tst) < 0 || !S_ISDIR(tst.st_mode) || stat(name, &nst) < 0
      || nst.st_dev != tst.st_dev || nst.st_ino != tst.st_ino) {
    *why = "an instance (NAME@ARG) must be a symbolic link to its template, the dir NAME@ beside it";
    return -1;
  }
  scan_instance_path(state, sizeof state, name);
  if (own_dir(SVINSTANCE_DIR) < 0 || own_dir(state) < 0) {
    *why = "its state dir " SVINSTANCE_DIR "/NAME@ARG cannot be made, or is not this scanner's";
    return -1;
  }
  link_entries(state, template, "../../", template);
  copy_needs(state, template);
  snprintf(path, sizeof path, "%s/%s", template, SVDIR_LOG);
  if (!stat(path, &tst) && S_ISDIR(tst.st_mode)) {
    char logstate[PATH_MAX], up[NAME_MAX + sizeof "../../..//"];
    snprintf(up, sizeof up, "../../../%s/", template);
    if ((size_t)snprintf(logstate, sizeof logstate, "%s/%s", state, SVDIR_LOG) < sizeof logstate && own_dir(logstate) == 0)
      link_entries(logstate, path, up, SVDIR_LOG);
  }
  if (stat(state, st) < 0) {
    *why = "its state dir is gone";
    return -1;
  }
  return 1;
}

int scan_instance_examine(char const *name, struct stat *st, char const **why)
{
  size_t tlen = svinstance_template_len(name);
  return tlen ? examine_instance(name, tlen, st, why) : 0;
}
