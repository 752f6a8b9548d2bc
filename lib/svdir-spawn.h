/* The service dir's files that shape the run's process before exec: env/
   (daemontools' envdir), user, nice, oom-score-adj and limit-* (the rlimits
   of softlimit). Pure parsers of their contents, unit-tested. */
#ifndef VIGIL_SVDIR_SPAWN_H
#define VIGIL_SVDIR_SPAWN_H

#include <stddef.h>
#include <sys/resource.h>

#define SVDIR_ENV "env"
/* runit's chpst -u and nitro have no file for it; s6 none either: the name
   says what it holds. */
#define SVDIR_USER "user"
#define SVDIR_NICE "nice"
#define SVDIR_OOM_SCORE_ADJ "oom-score-adj"

/* The limit files: limit-NAME for softlimit's RLIMIT_NAME, lower case. */
struct svdir_limit {
  char const *file;
  int resource;
};
extern struct svdir_limit const svdir_limits[];
extern unsigned int const svdir_limits_count;

/* An env/ entry's name: not empty, no '=', not a dot file (skipped, as
   envdir does for ".", "..", and editors' leftovers). 1 ok, 0 bad, -1 skip. */
int envdir_name_check(char const *name);

/* An env/ file's contents (len bytes, len > 0) to its value, in place, as
   envdir does: the first line, trailing spaces and tabs removed, NUL bytes
   made newlines. Returns the value's length; text[length] is 0. */
size_t envdir_value(char *text, size_t len);

/* A user file's (already trimmed) text: "user", "user:group" or
   "uid:gid". Splits it in place: *user and *group (0 when none).
   *numeric is 1 for "uid:gid" (both decimal), with *uid and *gid set.
   Returns 0, or -1 for an empty part, a second ':' or a lone number. */
int svuser_parse(char *text, char const **user, char const **group, int *numeric, unsigned int *uid, unsigned int *gid);

/* A limit: a decimal number or "unlimited" / "infinity". 0 or -1. */
int svlimit_parse(char const *text, rlim_t *value);

/* A signed decimal int in [min, max]. 0 or -1. */
int svint_parse(char const *text, int min, int max, int *value);

#endif
