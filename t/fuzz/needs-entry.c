/* Fuzz: an entry of needs/ (its name, and a symlink's target) as lib/needs
   reads it: no crash, and a name it accepts lies inside what it was given,
   is not empty, and is no dot name. Input: SELF \0 ENTRY \0 TARGET. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "needs.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *copy = malloc(size + 3);
  char const *parts[3] = { "", "", 0 };
  char const *name = 0;
  size_t len = 0, at = 0;
  if (!copy) return 0;
  memcpy(copy, data, size);
  copy[size] = copy[size + 1] = copy[size + 2] = 0;
  for (int k = 0; k < 3 && at <= size; k++) {
    parts[k] = copy + at;
    at += strlen(copy + at) + 1;
  }
  if (needs_entry(parts[0], parts[1], parts[2], &name, &len) == NEEDS_ENTRY_OK) {
    if (!name || !len || name[0] == '.') abort();
    if (!((name >= parts[1] && name + len <= parts[1] + strlen(parts[1]))
          || (parts[2] && name >= parts[2] && name + len <= parts[2] + strlen(parts[2])))) abort();
    if (memchr(name, '/', len)) abort();
  }
  free(copy);
  return 0;
}
