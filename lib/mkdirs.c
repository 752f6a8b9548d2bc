/* mkdir -p, for the supervise/ symlink target and a logger's LOGDIR. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "mkdirs.h"

int mkdirs(int dirfd, char const *path, mode_t mode)
{
  char copy[PATH_MAX];
  size_t len = strlen(path);
  if (len >= sizeof copy) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(copy, path, len + 1);
  /* From copy + 1: a leading slash is the root, not a parent to make. */
  for (char *slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
    int r;
    *slash = 0;
    r = mkdirat(dirfd, copy, 0755);
    *slash = '/';
    if (r < 0 && errno != EEXIST) return -1;
  }
  return mkdirat(dirfd, copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}
