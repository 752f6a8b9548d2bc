/* Log dir file names: which are logs, and in which order to read them. */
#include <string.h>

#include "logname.h"

enum logname_kind logname_kind(char const *name)
{
  if (!strcmp(name, "current")) return LOGNAME_CURRENT;
  if (!strcmp(name, "previous")) return LOGNAME_PREVIOUS;
  if (name[0] != '@' || strlen(name) != 27 || name[25] != '.' || (name[26] != 's' && name[26] != 'u')) return LOGNAME_OTHER;
  for (unsigned int i = 1; i < 25; i++) {
    char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return LOGNAME_OTHER;
  }
  return LOGNAME_ARCHIVE;
}

int logname_compare(char const *a, char const *b)
{
  enum logname_kind ka = logname_kind(a), kb = logname_kind(b);
  if (ka != kb) return ka < kb ? -1 : 1;
  return strcmp(a, b);
}
