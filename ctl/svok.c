/* svok: exit 0 if a supervisor is running on DIR, 100 if not (daemontools' contract). */
#include <limits.h>

#include <skalibs/strerr.h>

#include "exitcode.h"
#include "svcontrol.h"
#include "svpaths.h"

#define USAGE "svok DIR"

char const *PROG = "svok";

int main(int argc, char const *const *argv)
{
  char dir[PATH_MAX];
  if (argc != 2 || !argv[1][0]) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  if (svpath_resolve(dir, sizeof dir, argv[1]) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "check ", argv[1]);
  switch (svcontrol_supervised(dir)) {
    case 1: return VIGIL_EXIT_OK;
    case 0: return VIGIL_EXIT_NOT_SUPERVISED;
  }
  strerr_diefusys(VIGIL_EXIT_SYSTEM, "check ", dir);
}
