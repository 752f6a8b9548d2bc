/* Line selection: ordered include/exclude patterns, last match wins. */
#include "select.h"

int select_add(struct select *select, char const *pattern, bool include)
{
  int error;
  if (select->count == SELECT_PATTERNS_MAX) return REG_ESPACE;
  error = regcomp(&select->pattern[select->count], pattern, REG_EXTENDED | REG_NOSUB);
  if (error) return error;
  select->include[select->count++] = include;
  return 0;
}

bool select_keeps(struct select const *select, char *line, size_t len)
{
  bool kept;
  char saved;
  if (!select->count) return true;
  kept = !select->include[0];
  saved = line[len];
  line[len] = 0;
  for (unsigned int i = 0; i < select->count; i++)
    if (kept != select->include[i] && !regexec(&select->pattern[i], line, 0, 0, 0)) kept = select->include[i];
  line[len] = saved;
  return kept;
}
