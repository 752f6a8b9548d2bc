/* Fuzz: the kernel command line as vigil-init reads it (lib/bootargs.c),
   any bytes up to the buffer's size and beyond: no crash, no read or
   write outside the buffer, and what it reports is consistent: a
   timeout only from digits that fit in ms, a role and a bad timeout
   pointing inside the line, the truncation said exactly when the line
   filled the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootargs.h"

static int inside(char const *p, char const *line, size_t len)
{
  return p >= line && p <= line + len;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  struct bootargs args;
  /* As read(2) fills it: at most BOOTARGS_MAX - 1 bytes, in a buffer of
     exactly BOOTARGS_MAX so that ASan sees any overrun. */
  size_t len = size < BOOTARGS_MAX - 1 ? size : BOOTARGS_MAX - 1;
  char *line = malloc(BOOTARGS_MAX);
  if (!line) return 0;
  memcpy(line, data, len);
  bootargs_parse(line, len, &args);
  if (args.truncated != (len == BOOTARGS_MAX - 1)) abort();
  if (args.has_timeout && args.timeout_ms % 1000) abort();
  if (args.bad_timeout && !inside(args.bad_timeout, line, len)) abort();
  if (args.role && !inside(args.role, line, len)) abort();
  if (args.role && (strchr(args.role, ' ') || strchr(args.role, '\t') || strchr(args.role, '\n'))) abort();
  /* "single" anywhere as a whole word (before any NUL) means rescue. */
  if (!args.truncated && !memchr(data, 0, len)) {
    char *copy = malloc(len + 3);
    int single;
    if (!copy) abort();
    copy[0] = ' ';
    memcpy(copy + 1, data, len);
    copy[len + 1] = ' ';
    copy[len + 2] = 0;
    for (char *c = copy; *c; c++) if (*c == '\t' || *c == '\n') *c = ' ';
    single = !!strstr(copy, " single ") || !!strstr(copy, " emergency ") || !!strstr(copy, " vigil.rescue ");
    if (single != args.rescue) abort();
    free(copy);
  }
  free(line);
  return 0;
}
