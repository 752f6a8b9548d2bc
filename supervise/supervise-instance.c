/* An instance's ARG (supervise-instance.h). The ARG is in the dir's name,
   so the supervisor needs no file and no state for it: a dir with no
   '@' in its name costs one strchr. */
#include <stdlib.h>
#include <string.h>

#include <skalibs/strerr.h>

#include "exitcode.h"
#include "supervise-instance.h"
#include "svinstance.h"

char const *supervise_instance_setup(char const *dir)
{
  char const *arg;
  size_t len = svinstance_arg_of_dir(dir, &arg);
  char *copy;
  if (!len) return 0;
  copy = strndup(arg, len);
  if (!copy || setenv(SVINSTANCE_VAR, copy, 1) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "set ", SVINSTANCE_VAR);
  free(copy);
  return getenv(SVINSTANCE_VAR);
}
