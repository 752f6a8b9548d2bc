/* What /proc says of a process: enough to tell it from a later one with the same pid. */
#ifndef VIGIL_PROCSTAT_H
#define VIGIL_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* Start time of pid in clock ticks since boot (/proc/PID/stat, field 22).
   Returns 0, or -1 with errno (ENOENT: no such process). */
int procstat_start_time(pid_t pid, uint64_t *ticks);

#endif
