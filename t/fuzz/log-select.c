/* Fuzz: vigil-log's line selection (log/select.c) on lines of any bytes
   against a fixed set of the patterns svlogd and s6-log users write: no
   crash, and the line comes back as it was (select_keeps NULs it, then
   restores it). Patterns themselves are not fuzzed: they are the admin's
   own, given on the command line, and the C library's regcomp is not
   ours to fuzz. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"

static struct select patterns;
static int ready;

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *line;
  if (!ready) {
    if (select_add(&patterns, "^debug", false) || select_add(&patterns, "error|warning", true)
        || select_add(&patterns, "^[0-9]+ ", true)) abort();
    ready = 1;
  }
  line = malloc(size + 1);
  if (!line) return 0;
  memcpy(line, data, size);
  line[size] = 'x';
  (void)select_keeps(&patterns, line, size);
  if (memcmp(line, data, size) || line[size] != 'x') abort();
  free(line);
  return 0;
}
