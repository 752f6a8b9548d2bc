/* Reading needs/ from disk, for the supervisor's gate and the scanner's
   stop: the entries as service names (lib/needs says which are), and a
   small list of names to hold them. */
#ifndef VIGIL_NEEDSDIR_H
#define VIGIL_NEEDSDIR_H

#include <stdbool.h>
#include <stddef.h>

/* Names, NUL-separated in one buffer: 10,000 needs cost their bytes, not
   10,000 fixed slots. list (by names_sort) is sorted, without duplicates. */
struct names {
  char *bytes;
  size_t len, cap;
  unsigned int count;
  char const **list;
};

bool names_add(struct names *n, char const *name, size_t len);
bool names_sort(struct names *n);
void names_free(struct names *n);
/* Its index in the sorted list, or -1. */
int names_find(struct names const *n, char const *name);

/* The entries of DIRFD's needs/ (DIRFD a service dir called SELF) as the
   names of the services needed; bad ones warned about when SAY. No
   needs/ (or a file): none, 0. -1 with errno on a failure. */
int read_needs(int dirfd, char const *self, struct names *out, bool say);

#endif
