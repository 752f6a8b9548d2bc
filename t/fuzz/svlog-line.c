/* Fuzz: what svlog parses of outside bytes (log/): a line's stamp, the
   JSON escaping of its text, a log file name, a logger's command line.
   No crash, no read past the input (ASan); a stamp's length ends at its
   space and its time is in range; the JSON text holds no raw control byte
   or quote and is valid UTF-8; a dir found in a command line lies within
   it and ends at one of its NULs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logfind.h"
#include "logjson.h"
#include "logname.h"
#include "logstamp.h"

static int valid_utf8(unsigned char const *s, size_t len)
{
  for (size_t i = 0; i < len;) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (!n || i + n > len) return 0;
    for (size_t k = 1; k < n; k++) if ((s[i + k] & 0xc0) != 0x80) return 0;
    i += n;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *copy = malloc(size + 1), *out = malloc(6 * size + 1);
  struct svtime t;
  if (!copy || !out) abort();
  memcpy(copy, data, size);
  copy[size] = 0;

  size_t skip = logstamp_parse(copy, size, &t);
  if (skip > size) abort();
  if (skip && (copy[skip - 1] != ' ' || t.nsec > 999999999)) abort();

  size_t n = logjson_escape(out, copy, size);
  if (n > 6 * size) abort();
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)out[i];
    if (c < 0x20 || c == 0x7f) abort();
    if (c == '"' && (!i || out[i - 1] != '\\')) abort();
  }
  if (!valid_utf8((unsigned char const *)out, n)) abort();

  (void)logname_kind(copy);

  unsigned int leap;
  char const *dir = logfind_from_cmdline(copy, size, &leap);
  if (dir) {
    if (dir < copy || dir >= copy + size) abort();
    size_t left = (size_t)(copy + size - dir);
    if (!memchr(dir, 0, left)) abort();
  }
  free(copy);
  free(out);
  return 0;
}
