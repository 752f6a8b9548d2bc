/* "changed since start": has the definition of a running service been
   edited since its supervisor last started it? Worked out by the reader
   (svstat) from inode times and the status's start stamp: the supervisor
   keeps no state for it. */
#ifndef VIGIL_SVCHANGED_H
#define VIGIL_SVCHANGED_H

#include <stdbool.h>

#include "svtime.h"

/* Is any of ./run (./up for a oneshot), ./env (the dir and each entry)
   or ./user, relative to DIRFD, changed after START (wall clock)? A file
   counts as changed when its ctime, or its mtime, is later than START:
   ctime moves with every write, chmod or rename, and no one can set it
   back, so a file put in place with an old mtime (cp -p, tar) is still
   seen. Missing files count for nothing. */
bool svchanged_since(int dirfd, struct svtime const *start);

#endif
