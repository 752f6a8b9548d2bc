/* The vigil cgroup subtree (lib/svcgroup.h): chosen and made once, at
   the scanner's start, and named to the supervisors in $VIGIL_CGROUP. */
#ifndef VIGIL_SCAN_CGROUP_H
#define VIGIL_SCAN_CGROUP_H

#include "scan-stop.h"

/* $VIGIL_CGROUP, when set, is the subtree asked for (empty or "off":
   none); else PID 1 (machine or container) at the root of its cgroup
   namespace takes SVCGROUP_BASE_DEFAULT, and any other scanner none. One that cannot be had (read-only,
   denied; or no cgroup v2 there, when asked for) is said once, and
   $VIGIL_CGROUP unset: the services run as without. */
void scan_cgroup_setup(enum scan_role role);

#endif
