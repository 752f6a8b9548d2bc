/* Fuzz: vigil-log's input framing (log/frame.c), fed as vigil-log feeds
   it: the input arrives in reads of any sizes (chosen by the first
   bytes), a partial line waits at the front of the buffer for the rest,
   and at the end of input the last partial line is a piece too. No
   crash, and no byte lost, added or moved: the pieces, each with its
   newline, are the input exactly; a piece holds no newline, is never
   longer than the maximum, and is cut without a newline only at the
   maximum or at the end of input; a wait always leaves room to read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define READ_MAX 64

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  size_t line_max, seed_len, pos, start = 0, end = 0, consumed = 0;
  uint32_t seed = 1;
  char *buffer;
  if (size < 2) return 0;
  line_max = 1 + data[0] % 200;
  seed_len = data[1] % 4;
  if (size < 2 + seed_len) return 0;
  for (size_t i = 0; i < seed_len; i++) seed = seed * 257 + data[2 + i];
  pos = 2 + seed_len;
  /* As vigil-log's: room for the longest line and a whole read after it,
     plus the byte a line's end can be made a NUL in. */
  buffer = malloc(line_max + READ_MAX + 1);
  if (!buffer) return 0;
  for (;;) {
    struct frame_piece piece;
    bool all = pos == size;
    if (start) {
      memmove(buffer, buffer + start, end - start);
      end -= start;
      start = 0;
    }
    if (pos < size) {
      size_t room = line_max + READ_MAX - end, n;
      seed = seed * 1103515245u + 12345u;
      n = 1 + (seed >> 16) % READ_MAX;
      if (n > room) n = room;
      if (n > size - pos) n = size - pos;
      if (!n) abort();  /* a wait left no room: vigil-log would stall */
      memcpy(buffer + end, data + pos, n);
      end += n;
      pos += n;
      all = pos == size;
    }
    while (start < end && frame_next(buffer + start, end - start, line_max, all, &piece)) {
      char const *p = buffer + start;
      if (piece.content > line_max) abort();
      if (memchr(p, '\n', piece.content)) abort();
      if (piece.newline != (piece.consumed == piece.content + 1)) abort();
      if (!piece.newline && piece.consumed != piece.content) abort();
      if (piece.newline && p[piece.content] != '\n') abort();
      if (!piece.newline && piece.content < line_max && !(all && start + piece.consumed == end)) abort();
      if (!piece.consumed && start < end) abort();  /* no progress */
      /* The piece is the input at this offset. */
      if (memcmp(p, data + 2 + seed_len + consumed, piece.consumed)) abort();
      consumed += piece.consumed;
      start += piece.consumed;
    }
    if (start < end && (all || end - start > line_max)) abort();  /* a wait it should not make */
    if (all) break;
  }
  if (consumed != size - 2 - seed_len) abort();
  free(buffer);
  return 0;
}
