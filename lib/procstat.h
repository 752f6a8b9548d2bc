/* What /proc says of a process: enough to tell it from a later one with the same pid. */
#ifndef VIGIL_PROCSTAT_H
#define VIGIL_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* "/proc/PID" + tail into out, which holds PROCSTAT_PATH_MAX bytes with a
   tail of up to 32. */
#define PROCSTAT_PATH_MAX 64
void procstat_path(char *out, pid_t pid, char const *tail);

/* Start time of pid in clock ticks since boot (/proc/PID/stat, field 22).
   Returns 0, or -1 with errno (ENOENT: no such process). */
int procstat_start_time(pid_t pid, uint64_t *ticks);

#endif
