/* mkdir -p: a path and every missing parent. */
#ifndef VIGIL_MKDIRS_H
#define VIGIL_MKDIRS_H

#include <sys/types.h>

/* Make path (relative to dirfd, or absolute) and its missing parents:
   parents get 0755, the last component mode. An existing dir is fine.
   Returns 0, or -1 with errno (ENAMETOOLONG beyond PATH_MAX). */
int mkdirs(int dirfd, char const *path, mode_t mode);

#endif
