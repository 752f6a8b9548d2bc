/* Finding another vigil program beside ours, or in $PATH. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "findprog.h"
#include "svdir.h"

static int beside_self(char const *name, char *out)
{
  size_t namelen = strlen(name);
  ssize_t len = readlink("/proc/self/exe", out, PATH_MAX - namelen - 2);
  char *slash;
  if (len <= 0) return 0;
  out[len] = 0;
  slash = strrchr(out, '/');
  if (!slash) return 0;
  memcpy(slash + 1, name, namelen + 1);
  return svdir_executable(AT_FDCWD, out);
}

static int in_path(char const *name, char *out)
{
  char const *search = getenv("PATH");
  size_t namelen = strlen(name);
  while (search && *search) {
    size_t dirlen = strcspn(search, ":");
    if (dirlen && dirlen + namelen + 2 <= PATH_MAX) {
      memcpy(out, search, dirlen);
      out[dirlen] = '/';
      memcpy(out + dirlen + 1, name, namelen + 1);
      if (svdir_executable(AT_FDCWD, out)) return 1;
    }
    search += dirlen + (search[dirlen] == ':');
  }
  return 0;
}

char const *findprog(char const *name, char const *env_name, char out[PATH_MAX])
{
  char const *env = env_name ? getenv(env_name) : 0;
  if (env && *env) return env;
  if (beside_self(name, out) || in_path(name, out)) return out;
  return 0;
}
