/* vigil-scan: a template's instances (lib/svinstance.h), each given a
   state dir of its own under SVINSTANCE_DIR. */
#ifndef VIGIL_SCAN_INSTANCE_H
#define VIGIL_SCAN_INSTANCE_H

#include <stddef.h>
#include <sys/stat.h>

/* NAME (in the scan dir, the current dir) has an instance's shape,
   NAME@ARG: make or bring up to date its state dir, a symlink there to
   each of the template's entries (its log/ a dir of links likewise),
   and fill ST with the state dir's identity: 1. 0 when NAME is no
   instance's name; -1 when it is but cannot be one, *WHY says why. */
int scan_instance_examine(char const *name, struct stat *st, char const **why);

/* The path the scanner supervises for NAME: SVINSTANCE_DIR/NAME for an
   instance's name, NAME otherwise. Returns its length, or 0 if it does
   not fit in SIZE. */
size_t scan_instance_path(char *out, size_t size, char const *name);

#endif
