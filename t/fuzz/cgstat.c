/* Fuzz: what svstat reads of a service's cgroup (lib/cgstat): a
   supervise/cgroup text, memory.current, cpu.stat. No crash, and a path
   it accepts is absolute, shorter than PATH_MAX, of no control byte and
   no ".." component. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgstat.h"

static void check_path(char const *path)
{
  size_t len = strlen(path);
  if (path[0] != '/' || len >= CGSTAT_PATH_MAX) abort();
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f) abort();
    if (path[i] == '.' && path[i + 1] == '.' && path[i - 1] == '/' && (!path[i + 2] || path[i + 2] == '/')) abort();
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static char path[CGSTAT_PATH_MAX];
  uint64_t value;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  if (!cgstat_parse_path(path, text)) check_path(path);
  cgstat_parse_memory(text, &value);
  cgstat_parse_cpu(text, &value);
  free(text);
  return 0;
}
