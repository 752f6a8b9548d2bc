/* Whose entries vigil goes through: a symlink (or, where a program
   writes into it or runs from it, a dir) in a service dir or in /etc/rc
   is followed only when it belongs to the uid the program runs as or to
   the owner of the dir that holds it. That is the rule of the kernel's
   fs.protected_symlinks, applied whatever the sysctl and the dir's mode:
   those two can already replace anything in the dir (and so choose what
   ./run runs); a user who can only add entries (a sticky or
   group-writable dir) cannot lead a root supervisor, the scanner or
   svactivate into writing, opening or running elsewhere. */
#ifndef VIGIL_TRUST_H
#define VIGIL_TRUST_H

#include <sys/types.h>

enum trust_scope {
  TRUST_SYMLINK,            /* a symlink is judged; any other entry is fine */
  TRUST_ANY_TYPE            /* a dir or file too: we write into it or run from it */
};

/* May this process go through NAME, an entry of the dir DIRFD (or
   AT_FDCWD)? Yes when NAME is absent, or (TRUST_SYMLINK) not a symlink,
   or owned by our effective uid or by DIRFD's owner. Returns 1 yes, 0 no
   (*owner: whose it is), -1 when it cannot be told (errno). */
int trust_entry(int dirfd, char const *name, enum trust_scope scope, uid_t *owner);

#endif
