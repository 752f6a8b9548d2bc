/* The kernel command line's words for vigil-init: vigil.rescue (single,
   emergency), vigil.timeout=SECONDS, vigil.role=machine|container. A pure
   parser: vigil-init reads the file and says the warnings. */
#ifndef VIGIL_BOOTARGS_H
#define VIGIL_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/* Longer than any kernel's bound (COMMAND_LINE_SIZE is 2048 on x86). */
#define BOOTARGS_MAX 4096
#define BOOTARGS_MAX_TEXT "4095"

struct bootargs {
  bool rescue;
  bool has_timeout;
  unsigned int timeout_ms;      /* the last good vigil.timeout=, in ms */
  char const *bad_timeout;      /* the last vigil.timeout= that was not, or 0 */
  char const *role;             /* the last vigil.role='s value, unchecked, or 0 */
  bool truncated;               /* the line filled the buffer: its last word was dropped */
};

/* Splits LINE (LEN bytes read into a buffer of BOOTARGS_MAX; LINE[LEN] is
   writable) into words and fills ARGS. The strings ARGS points to live in
   LINE. */
void bootargs_parse(char *line, size_t len, struct bootargs *args);

#endif
