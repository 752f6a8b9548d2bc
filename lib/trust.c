/* Whose entries vigil goes through (fs.protected_symlinks' rule). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust.h"

int trust_entry(int dirfd, char const *name, enum trust_scope scope, uid_t *owner)
{
  struct stat entry, dir;
  if (fstatat(dirfd, name, &entry, AT_SYMLINK_NOFOLLOW) < 0) return errno == ENOENT ? 1 : -1;
  if (scope == TRUST_SYMLINK && !S_ISLNK(entry.st_mode)) return 1;
  if (entry.st_uid == geteuid()) return 1;
  if (fstatat(dirfd, ".", &dir, 0) < 0) return -1;
  if (entry.st_uid == dir.st_uid) return 1;
  *owner = entry.st_uid;
  return 0;
}
