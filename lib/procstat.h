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

/* A pidfd on pid, if pid is still the process that started at
   start_time: opened first and checked after, so the pid cannot be
   recycled between the check and a signal sent through the pidfd.
   Returns the fd (close-on-exec), or -1 with errno (ESRCH: gone or another process). */
int procstat_pidfd_same(pid_t pid, uint64_t start_time);

#endif
