/* JSON string escaping for svlog --json (its own: lib/jsonout may come from
   svstat's side; the two can be unified later). */
#ifndef VIGIL_LOGJSON_H
#define VIGIL_LOGJSON_H

#include <stddef.h>

/* Write s (len bytes, any bytes) as the inside of a JSON string into out,
   which has room for 6 * len bytes: quotes, backslashes and controls are
   escaped, valid UTF-8 is kept, every byte of invalid UTF-8 becomes
   U+FFFD. Returns the bytes written. */
size_t logjson_escape(char *out, char const *s, size_t len);

#endif
