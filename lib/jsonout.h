/* JSON text for the programs that print it (svstat --json; svlog and
   vigil-analyze may too): strings quoted and escaped, nothing else. */
#ifndef VIGIL_JSONOUT_H
#define VIGIL_JSONOUT_H

#include <stddef.h>

/* The most bytes jsonout_quote writes for LEN input bytes: each may
   become a six-byte escape, plus the two quotes. */
#define JSONOUT_QUOTED_MAX(len) (6 * (len) + 2)

/* IN (LEN bytes, any bytes) as a JSON string, quotes included, into OUT
   (JSONOUT_QUOTED_MAX(LEN) bytes; no NUL added). Returns the length
   written. Quotes and backslashes are escaped, control bytes (below
   0x20, and DEL) become \n, \t, \r, \b, \f or \u00XX; valid UTF-8 is
   copied; each byte of no valid UTF-8 sequence (a stray continuation,
   an overlong form, a surrogate, past U+10FFFF, cut short) becomes
   \ufffd, the replacement character: the output is always valid
   UTF-8 JSON. */
size_t jsonout_quote(char *out, char const *in, size_t len);

#endif
