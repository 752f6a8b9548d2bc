/* The small text files a supervisor keeps beside its status for svstat:
   supervise/waiting, supervise/cycle, supervise/notify-status. Text,
   written whole (NEW, then renamed), read whole. */
#ifndef VIGIL_SVTEXT_H
#define VIGIL_SVTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* PATH (relative to DIRFD) into TEXT, SIZE bytes at most with its NUL,
   without its trailing newlines. False when there is none, or it is empty. */
bool svtext_read(int dirfd, char const *path, char *text, size_t size);

/* TEXT and a newline into NEW, renamed to PATH (both relative to the
   current dir). -1 with errno on a failure (NEW is removed). */
int svtext_write(char const *new, char const *path, char const *text);

#endif
