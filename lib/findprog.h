/* Finding another vigil program: the scanner runs vigil-supervise and
   vigil-shutdown, vigil-init runs vigil-populate and vigil-scan. */
#ifndef VIGIL_FINDPROG_H
#define VIGIL_FINDPROG_H

#include <limits.h>

/* The path of program name: the environment variable env_name when set
   and not empty, else name beside our own binary (/proc/self/exe: an
   installed suite stays together), else the first executable name in
   $PATH. Looked up once at start: a spawn in a daemon must not search.
   Returns out (PATH_MAX bytes) or the variable's value, or 0 if not found. */
char const *findprog(char const *name, char const *env_name, char out[PATH_MAX]);

#endif
