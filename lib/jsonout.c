/* JSON strings: quoting and escaping, with UTF-8 checked. */
#include <string.h>

#include "jsonout.h"

static char const hex[] = "0123456789abcdef";

/* The length of the valid UTF-8 sequence at in (1 to 4), or 0 if none
   starts there. */
static size_t utf8_sequence(unsigned char const *in, size_t len)
{
  unsigned char lead = in[0];
  size_t need;
  unsigned int min, code;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) { need = 2; min = 0x80; code = lead & 0x1f; }
  else if (lead >= 0xe0 && lead <= 0xef) { need = 3; min = 0x800; code = lead & 0x0f; }
  else if (lead >= 0xf0 && lead <= 0xf4) { need = 4; min = 0x10000; code = lead & 0x07; }
  else return 0;
  if (len < need) return 0;
  for (size_t i = 1; i < need; i++) {
    if ((in[i] & 0xc0) != 0x80) return 0;
    code = code << 6 | (in[i] & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return need;
}

static size_t put_escape(char *out, char const *escape)
{
  size_t len = strlen(escape);
  memcpy(out, escape, len);
  return len;
}

size_t jsonout_quote(char *out, char const *in, size_t len)
{
  unsigned char const *bytes = (unsigned char const *)in;
  size_t w = 0;
  out[w++] = '"';
  for (size_t i = 0; i < len; ) {
    unsigned char c = bytes[i];
    size_t n;
    switch (c) {
      case '"': w += put_escape(out + w, "\\\""); i++; continue;
      case '\\': w += put_escape(out + w, "\\\\"); i++; continue;
      case '\n': w += put_escape(out + w, "\\n"); i++; continue;
      case '\t': w += put_escape(out + w, "\\t"); i++; continue;
      case '\r': w += put_escape(out + w, "\\r"); i++; continue;
      case '\b': w += put_escape(out + w, "\\b"); i++; continue;
      case '\f': w += put_escape(out + w, "\\f"); i++; continue;
    }
    if (c < 0x20 || c == 0x7f) {
      w += put_escape(out + w, "\\u00");
      out[w++] = hex[c >> 4];
      out[w++] = hex[c & 15];
      i++;
      continue;
    }
    n = utf8_sequence(bytes + i, len - i);
    if (!n) {
      w += put_escape(out + w, "\\ufffd");
      i++;
      continue;
    }
    memcpy(out + w, in + i, n);
    w += n;
    i += n;
  }
  out[w++] = '"';
  return w;
}
