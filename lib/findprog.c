/* Finding a companion program beside our own binary, or in $PATH. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findprog.h"

static int executable(char const *path)
{
  struct stat st;
  return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

/* dir (dirlen bytes) + "/" + name into out, if it fits and is executable. */
static int try_in(char *out, size_t size, char const *dir, size_t dirlen, char const *name)
{
  size_t namelen = strlen(name);
  if (dirlen + 1 + namelen + 1 > size) return 0;
  memmove(out, dir, dirlen);
  out[dirlen] = '/';
  memcpy(out + dirlen + 1, name, namelen + 1);
  return executable(out);
}

int findprog(char *out, size_t size, char const *name, char const *envvar)
{
  char const *env = envvar ? getenv(envvar) : 0;
  char const *search = getenv("PATH");
  ssize_t len;
  if (env && *env) {
    if (strlen(env) + 1 > size) return (errno = ENAMETOOLONG, -1);
    memcpy(out, env, strlen(env) + 1);
    return 0;
  }
  len = readlink("/proc/self/exe", out, size - 1);
  if (len > 0) {
    char *slash;
    out[len] = 0;
    slash = strrchr(out, '/');
    if (slash && try_in(out, size, out, slash - out, name)) return 0;
  }
  while (search && *search) {
    size_t dirlen = strcspn(search, ":");
    if (dirlen && try_in(out, size, search, dirlen, name)) return 0;
    search += dirlen + (search[dirlen] == ':');
  }
  errno = ENOENT;
  return -1;
}
