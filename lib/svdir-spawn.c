/* Parsing env/, user, nice, oom-score-adj and limit-* contents. */
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include <skalibs/types.h>

#include "svdir-spawn.h"

struct svdir_limit const svdir_limits[] = {
  { "limit-as", RLIMIT_AS },
  { "limit-core", RLIMIT_CORE },
  { "limit-cpu", RLIMIT_CPU },
  { "limit-data", RLIMIT_DATA },
  { "limit-fsize", RLIMIT_FSIZE },
  { "limit-memlock", RLIMIT_MEMLOCK },
  { "limit-nofile", RLIMIT_NOFILE },
  { "limit-nproc", RLIMIT_NPROC },
  { "limit-rss", RLIMIT_RSS },
  { "limit-stack", RLIMIT_STACK },
};
unsigned int const svdir_limits_count = sizeof svdir_limits / sizeof svdir_limits[0];

int envdir_name_check(char const *name)
{
  if (name[0] == '.') return -1;
  return name[0] && !strchr(name, '=');
}

size_t envdir_value(char *text, size_t len)
{
  char *newline = memchr(text, '\n', len);
  if (newline) len = (size_t)(newline - text);
  while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
  for (size_t i = 0; i < len; i++) if (!text[i]) text[i] = '\n';
  text[len] = 0;
  return len;
}

/* A whole decimal unsigned int. */
static int whole_uint(char const *text, unsigned int *value)
{
  size_t used = uint_scan(text, value);
  return used && !text[used];
}

int svuser_parse(char *text, char const **user, char const **group, int *numeric, unsigned int *uid, unsigned int *gid)
{
  char *colon = strchr(text, ':');
  *user = text;
  *group = 0;
  *numeric = 0;
  if (colon) {
    *colon = 0;
    *group = colon + 1;
    if (!**group || strchr(*group, ':')) return -1;
  }
  if (!text[0]) return -1;
  if (whole_uint(text, uid)) {
    /* A lone number would be a guess between a uid and a name: refused. */
    if (!*group || !whole_uint(*group, gid)) return -1;
    *numeric = 1;
  }
  return 0;
}

int svlimit_parse(char const *text, rlim_t *value)
{
  uint64_t n;
  size_t used;
  if (!strcmp(text, "unlimited") || !strcmp(text, "infinity")) {
    *value = RLIM_INFINITY;
    return 0;
  }
  used = uint64_scan(text, &n);
  if (!used || text[used] || (rlim_t)n == RLIM_INFINITY) return -1;
  *value = (rlim_t)n;
  return 0;
}

int svint_parse(char const *text, int min, int max, int *value)
{
  int n;
  size_t used = int_scan(text, &n);
  if (!used || text[used] || n < min || n > max) return -1;
  *value = n;
  return 0;
}
