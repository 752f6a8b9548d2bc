/* vigil-log's input framing. */
#include <string.h>

#include "frame.h"

bool frame_next(char const *input, size_t available, size_t line_max, bool all, struct frame_piece *piece)
{
  /* One byte past the longest line: a line of exactly line_max bytes
     ends with its own newline, not with an empty line after it. */
  size_t scan = available < line_max + 1 ? available : line_max + 1;
  char const *newline = memchr(input, '\n', scan);
  if (newline) {
    piece->content = (size_t)(newline - input);
    piece->consumed = piece->content + 1;
    piece->newline = true;
    return true;
  }
  if (available <= line_max && !all) return false;  /* wait for the rest */
  piece->content = available > line_max ? line_max : available;
  piece->consumed = piece->content;
  piece->newline = false;
  return true;
}
