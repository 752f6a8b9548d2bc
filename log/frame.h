/* vigil-log's input framing: where the next line of the input ends.
   Lines longer than the maximum are split into pieces, never dropped; a
   last line without a newline is logged with one at the end. */
#ifndef VIGIL_LOG_FRAME_H
#define VIGIL_LOG_FRAME_H

#include <stdbool.h>
#include <stddef.h>

struct frame_piece {
  size_t content;     /* bytes of the line (no newline), at most line_max */
  size_t consumed;    /* bytes of input it takes: content, plus its newline if it has one */
  bool newline;       /* it ended with a newline of the input */
};

/* The next piece of INPUT (AVAILABLE > 0 bytes): true, or false when it
   is a partial line that must wait for the rest (never when ALL: at the
   end of input, the partial line is a piece too). */
bool frame_next(char const *input, size_t available, size_t line_max, bool all, struct frame_piece *piece);

#endif
