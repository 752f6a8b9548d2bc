/* Finding a companion program: vigil-init starts vigil-populate and
   vigil-scan, which ship beside it. */
#ifndef VIGIL_FINDPROG_H
#define VIGIL_FINDPROG_H

#include <stddef.h>

/* The path of program `name` into out (size bytes): $envvar when set and
   not empty (envvar may be 0), else beside our own binary
   (/proc/self/exe), else the first executable one in $PATH. Returns 0, or
   -1 (ENOENT) when none is found. Allocates nothing. */
int findprog(char *out, size_t size, char const *name, char const *envvar);

#endif
