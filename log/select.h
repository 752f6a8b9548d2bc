/* Line selection by pattern, the way svlogd and s6-log users expect: the
   patterns are tried in order and the last one that matches decides. */
#ifndef VIGIL_LOG_SELECT_H
#define VIGIL_LOG_SELECT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#define SELECT_PATTERNS_MAX 64

struct select {
  unsigned int count;
  bool include[SELECT_PATTERNS_MAX];
  regex_t pattern[SELECT_PATTERNS_MAX];
};

/* Add an extended regular expression that selects (include) or drops a
   line. Returns 0, or a regcomp(3) error code (REG_ESPACE when full). */
int select_add(struct select *select, char const *pattern, bool include);

/* Is this line kept? A line starts kept, unless the first pattern is an
   include (then only what some include matches is kept). line[len] must
   be writable: it is NUL for the match, then restored. */
bool select_keeps(struct select const *select, char *line, size_t len);

#endif
