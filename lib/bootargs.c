/* The kernel command line's words for vigil-init. */
#include <limits.h>
#include <string.h>

#include <skalibs/types.h>

#include "bootargs.h"

#define SEPARATORS " \t\n"

static bool has_prefix(char const *word, char const *prefix, char const **value)
{
  size_t n = strlen(prefix);
  if (strncmp(word, prefix, n)) return false;
  *value = word + n;
  return true;
}

static void timeout(char const *value, struct bootargs *args)
{
  unsigned int seconds;
  size_t len = uint_scan(value, &seconds);
  if (!len || value[len] || seconds > UINT_MAX / 1000) {
    args->bad_timeout = value;
    return;
  }
  args->has_timeout = true;
  args->timeout_ms = seconds * 1000;
}

void bootargs_parse(char *line, size_t len, struct bootargs *args)
{
  char *save = 0;
  memset(args, 0, sizeof *args);
  /* A full buffer may have cut a word in two: keep the whole words only. */
  if (len >= BOOTARGS_MAX - 1) {
    len = BOOTARGS_MAX - 1;
    while (len && !strchr(SEPARATORS, line[len - 1])) len--;
    args->truncated = true;
  }
  line[len] = 0;
  for (char *word = strtok_r(line, SEPARATORS, &save); word; word = strtok_r(0, SEPARATORS, &save)) {
    char const *value;
    if (!strcmp(word, "vigil.rescue") || !strcmp(word, "single") || !strcmp(word, "emergency")) args->rescue = true;
    else if (has_prefix(word, "vigil.timeout=", &value)) timeout(value, args);
    else if (has_prefix(word, "vigil.role=", &value)) args->role = value;
  }
}
