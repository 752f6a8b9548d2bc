/* needs/ from disk: its entries as names, and the list that holds them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "needs.h"
#include "needsdir.h"
#include "svdir.h"

bool names_add(struct names *n, char const *name, size_t len)
{
  if (n->len + len + 1 > n->cap) {
    size_t cap = n->cap ? n->cap * 2 : 256;
    while (cap < n->len + len + 1) cap *= 2;
    char *bytes = realloc(n->bytes, cap);
    if (!bytes) return false;
    n->bytes = bytes;
    n->cap = cap;
  }
  memcpy(n->bytes + n->len, name, len);
  n->bytes[n->len + len] = 0;
  n->len += len + 1;
  n->count++;
  return true;
}

static int by_name(void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b);
}

/* Sorted, duplicates dropped. */
bool names_sort(struct names *n)
{
  unsigned int kept = 0;
  char const *at = n->bytes;
  n->list = malloc((n->count ? n->count : 1) * sizeof *n->list);
  if (!n->list) return false;
  for (unsigned int i = 0; i < n->count; i++, at += strlen(at) + 1) n->list[i] = at;
  qsort(n->list, n->count, sizeof *n->list, by_name);
  for (unsigned int i = 0; i < n->count; i++)
    if (!kept || strcmp(n->list[kept - 1], n->list[i])) n->list[kept++] = n->list[i];
  n->count = kept;
  return true;
}

void names_free(struct names *n)
{
  free(n->bytes);
  free(n->list);
  *n = (struct names){ 0 };
}

int names_find(struct names const *n, char const *name)
{
  char const **hit = bsearch(&name, n->list, n->count, sizeof *n->list, by_name);
  return hit ? (int)(hit - n->list) : -1;
}

int read_needs(int dirfd, char const *self, struct names *out, bool say)
{
  int fd = openat(dirfd, SVDIR_NEEDS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *de;
  if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
  d = fdopendir(fd);
  if (!d) {
    close(fd);
    return -1;
  }
  while ((de = readdir(d))) {
    char target[PATH_MAX];
    char const *name;
    size_t len;
    ssize_t r = -1;
    struct stat st;
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (!fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode)) {
      r = readlinkat(fd, de->d_name, target, sizeof target - 1);
      if (r < 0) continue;
      target[r] = 0;
    }
    enum needs_entry_verdict verdict = needs_entry(self, de->d_name, r >= 0 ? target : 0, &name, &len);
    if (verdict != NEEDS_ENTRY_OK) {
      if (say) strerr_warnw("ignoring ./", SVDIR_NEEDS, "/", de->d_name, ": ", needs_entry_reason(verdict));
      continue;
    }
    if (!names_add(out, name, len)) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  return 0;
}

