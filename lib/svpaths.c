/* Where things are: service dir arguments and DIR/supervise. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkdirs.h"
#include "svdir.h"
#include "svinstance.h"
#include "svpaths.h"
#include "trust.h"

static int is_relative_to_svdir(char const *dir)
{
  return !strchr(dir, '/') && strcmp(dir, ".") && strcmp(dir, "..");
}

/* OUT names a template's instance, NAME@ARG -> NAME@, in a scan dir:
   its state is that scan dir's SVINSTANCE_DIR/NAME@ARG (lib/svinstance.h),
   where every ctl tool is to look. A real dir with an '@' in its name
   is left alone. */
static int instance_state_dir(char *out, size_t size)
{
  char *base = strrchr(out, '/'), *log = 0;
  struct stat st;
  int linked;
  /* NAME@ARG/log: the instance's logger. */
  if (base && !strcmp(base + 1, SVDIR_LOG)) {
    log = base;
    *log = 0;
    base = strrchr(out, '/');
  }
  base = base ? base + 1 : out;
  linked = svinstance_template_len(base) && lstat(out, &st) == 0 && S_ISLNK(st.st_mode);
  if (log) *log = '/';
  if (!linked) return 0;
  if (strlen(out) + sizeof SVINSTANCE_DIR "/" > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memmove(base + sizeof SVINSTANCE_DIR, base, strlen(base) + 1);
  memcpy(base, SVINSTANCE_DIR "/", sizeof SVINSTANCE_DIR);
  return 0;
}

int svpath_resolve(char *out, size_t size, char const *dir)
{
  char const *svdir = getenv("SVDIR");
  size_t need;
  if (!svdir || !*svdir) svdir = SVDIR_DEFAULT;
  if (!is_relative_to_svdir(dir)) {
    need = strlen(dir) + 1;
    if (need > size) goto too_long;
    memcpy(out, dir, need);
    return instance_state_dir(out, size);
  }
  need = strlen(svdir) + 1 + strlen(dir) + 1;
  if (need > size) goto too_long;
  strcpy(out, svdir);
  strcat(out, "/");
  strcat(out, dir);
  return instance_state_dir(out, size);
too_long:
  errno = ENAMETOOLONG;
  return -1;
}

/* A supervise symlink to nothing: its target made. Apart, so that its
   PATH_MAX buffer is on the stack only then: a supervisor's stack pages,
   once touched, stay its own. */
static int __attribute__((noinline)) make_link_target(int dirfd)
{
  char target[PATH_MAX];
  ssize_t len = readlinkat(dirfd, SVPATH_SUPERVISE, target, sizeof target - 1);
  if (len < 0) return -1;
  target[len] = 0;
  return mkdirs(dirfd, target, 0700);
}

int svpath_make_supervise(int dirfd, uid_t *owner)
{
  struct stat st;
  int trusted;
  if (!mkdirat(dirfd, SVPATH_SUPERVISE, 0700)) return 0;
  if (errno != EEXIST) return -1;
  /* Judged once it exists: what we did not make could be a stranger's,
     and what is ours or the dir owner's no stranger can swap (sticky). */
  trusted = trust_entry(dirfd, SVPATH_SUPERVISE, TRUST_ANY_TYPE, owner);
  if (trusted <= 0) return trusted < 0 ? -1 : 1;
  if (!fstatat(dirfd, SVPATH_SUPERVISE, &st, 0)) {
    if (S_ISDIR(st.st_mode)) return 0;
    errno = ENOTDIR;
    return -1;
  }
  if (errno != ENOENT) return -1;
  /* It exists but does not resolve: a dangling symlink. */
  return make_link_target(dirfd);
}

char const *svpath_env_dir(char const *var, char const *fallback)
{
  char const *value = getenv(var);
  return value && *value ? value : fallback;
}

int svpath_join(char *out, char const *dir, char const *file)
{
  size_t dirlen = strlen(dir), filelen = strlen(file);
  if (dirlen + 1 + filelen + 1 > PATH_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(out, dir, dirlen);
  out[dirlen] = '/';
  memcpy(out + dirlen + 1, file, filelen + 1);
  return 0;
}
