/* One service's log, read as one stream of lines across its files: the
   archives, previous and current, in order, following renames. */
#ifndef VIGIL_LOGSOURCE_H
#define VIGIL_LOGSOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "svtime.h"

/* A line longer than this is cut in pieces of this size. */
#define LOGSOURCE_BUFFER_SIZE (256 * 1024)
#define LOGSOURCE_NAME_MAX 32

struct logsource {
  char const *service;
  size_t service_len;
  char const *dir;            /* the log dir, for opening and messages */
  int fd;                     /* the file being read, or -1 */
  dev_t dev;
  ino_t ino;
  bool fd_is_current;         /* opened as `current`: may be renamed under us */
  bool rotated;               /* ... and it was: read to its end, then go on */
  char last[LOGSOURCE_NAME_MAX]; /* the name of the file read last, "" before the first */
  char *buffer;               /* LOGSOURCE_BUFFER_SIZE + 1 bytes */
  size_t start, end;          /* unread bytes */
  uint64_t limit;             /* lines still to give (for -n), UINT64_MAX: no limit */
  struct svtime stamp;        /* the last stamp seen: lines without one sort with it */
  /* The line logsource_next gave: text without its stamp */
  char const *text;
  size_t text_len;
  bool stamped;
  struct svtime time;
  bool warned;
  unsigned int leap;           /* seconds taken off TAI64N stamps (s6-log's) */
};

/* Set up a source for dir (the buffer is allocated once here). Returns 0 or -1 (errno). */
int logsource_init(struct logsource *s, char const *service, char const *dir);

/* Position the source on the last n lines of its log (reading files from
   their ends, newest first, only as far as needed) and limit it to them.
   Returns the number of lines found (at most n). */
uint64_t logsource_tail(struct logsource *s, uint64_t n);

/* The next whole line: 1 (s->text etc. set), 0 when there is none for now.
   With final, a last line without a newline is given too (a torn line);
   else it waits for its end. A file that vanishes or cannot be read is
   warned about once and skipped. */
int logsource_next(struct logsource *s, bool final);

#endif
