/* The process group a status records (kill-process-group), signalled by
   whoever stops it in its supervisor's place: the scanner at its deadline
   or for a dir gone, a successor supervisor. */
#ifndef VIGIL_SVGROUP_H
#define VIGIL_SVGROUP_H

#include "svstatus.h"

/* Signal STATUS's group, if it records one and the group is still the
   run's: its leader (the run) is the recorded process, or is gone (the
   kernel gives no new process a pid that names a live group, so the
   members left are the run's). Not when a new process has the leader's
   pid: the group emptied and the number went to someone else. Returns 1
   when signalled, 0 when not. */
int svgroup_signal(struct svstatus const *status, int signal);

#endif
