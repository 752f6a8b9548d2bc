/* JSON escaping: the output must parse whatever bytes a service logged. */
#include "logjson.h"

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t utf8_len(unsigned char const *s, size_t len)
{
  unsigned char c = s[0];
  size_t n;
  unsigned int cp;
  if (c < 0xc2) return 0;
  if (c < 0xe0) { n = 2; cp = c & 0x1f; }
  else if (c < 0xf0) { n = 3; cp = c & 0x0f; }
  else if (c < 0xf5) { n = 4; cp = c & 0x07; }
  else return 0;
  if (len < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  /* Overlong forms, surrogates, beyond U+10FFFF. */
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

size_t logjson_escape(char *out, char const *s, size_t len)
{
  static char const hex[] = "0123456789abcdef";
  unsigned char const *p = (unsigned char const *)s;
  size_t w = 0, i = 0;
  while (i < len) {
    unsigned char c = p[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') { out[w++] = (char)c; i++; continue; }
    if (c == '"' || c == '\\') { out[w++] = '\\'; out[w++] = (char)c; i++; continue; }
    if (c < 0x20 || c == 0x7f) {
      switch (c) {
        case '\t': out[w++] = '\\'; out[w++] = 't'; break;
        case '\n': out[w++] = '\\'; out[w++] = 'n'; break;
        case '\r': out[w++] = '\\'; out[w++] = 'r'; break;
        default:
          out[w++] = '\\'; out[w++] = 'u'; out[w++] = '0'; out[w++] = '0';
          out[w++] = hex[c >> 4]; out[w++] = hex[c & 15];
      }
      i++;
      continue;
    }
    size_t n = utf8_len(p + i, len - i);
    if (n) {
      for (size_t k = 0; k < n; k++) out[w++] = (char)p[i + k];
      i += n;
    } else {
      out[w++] = (char)0xef; out[w++] = (char)0xbf; out[w++] = (char)0xbd;
      i++;
    }
  }
  return w;
}
