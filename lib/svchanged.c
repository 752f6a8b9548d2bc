/* "changed since start", from inode times (svchanged.h says the rule). */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svchanged.h"
#include "svdir.h"

/* The files that define what the supervisor runs. env/ and user are
   read by the supervisor where it has them; here only their times. */
#define SVCHANGED_ENV "env"
#define SVCHANGED_USER "user"

static bool later(struct timespec const *t, struct svtime const *start)
{
  if (t->tv_sec < 0) return false;
  if ((uint64_t)t->tv_sec != start->sec) return (uint64_t)t->tv_sec > start->sec;
  return (uint32_t)t->tv_nsec > start->nsec;
}

static bool stat_later(struct stat const *st, struct svtime const *start)
{
  return later(&st->st_ctim, start) || later(&st->st_mtim, start);
}

static bool entry_later(int dirfd, char const *name, struct svtime const *start)
{
  struct stat st;
  return !fstatat(dirfd, name, &st, 0) && stat_later(&st, start);
}

/* env/ itself (an entry added or removed) and every entry in it. */
static bool env_later(int svfd, struct svtime const *start)
{
  int fd = openat(svfd, SVCHANGED_ENV, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  DIR *dir;
  struct dirent *d;
  bool changed = false;
  if (fd < 0) return false;
  if (!fstat(fd, &st) && stat_later(&st, start)) {
    close(fd);
    return true;
  }
  dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return false;
  }
  while (!changed && (d = readdir(dir)))
    if (d->d_name[0] != '.') changed = entry_later(fd, d->d_name, start);
  closedir(dir);
  return changed;
}

bool svchanged_since(int dirfd, struct svtime const *start)
{
  return entry_later(dirfd, svdir_oneshot(dirfd) ? SVDIR_UP : SVDIR_RUN, start)
    || entry_later(dirfd, SVCHANGED_USER, start)
    || env_later(dirfd, start);
}
