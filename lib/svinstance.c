/* Templates and instances: their names (svinstance.h). */
#include <string.h>

#include "svdir.h"
#include "svinstance.h"

int svinstance_is_template(char const *name)
{
  char const *at = strchr(name, '@');
  return at && at != name && !at[1];
}

size_t svinstance_template_len(char const *name)
{
  char const *at = strchr(name, '@');
  if (!at || at == name || !at[1] || strchr(name, '/')) return 0;
  return (size_t)(at - name) + 1;
}

/* The component of DIR that ends at END (exclusive). */
static char const *component_start(char const *dir, char const *end)
{
  char const *p = end;
  while (p > dir && p[-1] != '/') p--;
  return p;
}

size_t svinstance_arg_of_dir(char const *dir, char const **arg)
{
  char const *end = dir + strlen(dir), *start, *at;
  while (end > dir && end[-1] == '/') end--;
  start = component_start(dir, end);
  if ((size_t)(end - start) == sizeof SVDIR_LOG - 1 && !memcmp(start, SVDIR_LOG, end - start)) {
    end = start;
    while (end > dir && end[-1] == '/') end--;
    start = component_start(dir, end);
  }
  at = memchr(start, '@', (size_t)(end - start));
  if (!at || at == start || at + 1 >= end) return 0;
  *arg = at + 1;
  return (size_t)(end - at - 1);
}
