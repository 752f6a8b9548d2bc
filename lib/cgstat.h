/* A service's memory and CPU time from its own cgroup (cgroup v2), for
   svstat -a and --json. Its supervisor names the cgroup's directory in
   supervise/cgroup; anyone who may write the service dir could write
   that file too, so the path is checked and only two files under it are
   read, each bounded, none able to block. */
#ifndef VIGIL_CGSTAT_H
#define VIGIL_CGSTAT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cgstat {
  bool has_memory;
  uint64_t memory_bytes;      /* memory.current: all the cgroup is charged for, page cache too */
  bool has_cpu;
  uint64_t cpu_usec;          /* cpu.stat's usage_usec: user + system, since the cgroup was made */
};

enum cgstat_result {
  CGSTAT_NONE,                /* no supervise/cgroup: the service has no cgroup */
  CGSTAT_READ,                /* a cgroup named: STAT says which figures could be read */
  CGSTAT_BAD_PATH             /* supervise/cgroup holds no path we accept: nothing read */
};

/* Read the service dir DIRFD's supervise/cgroup, then memory.current and
   cpu.stat in the directory it names. A figure whose file is missing,
   not a regular file (a fifo, a device), unreadable or malformed is left
   out (has_* false). Never blocks. */
enum cgstat_result cgstat_read(int dirfd, struct cgstat *stat);

/* Pure parsers, for the unit tests; TEXT is NUL-terminated.
   The cgroup path of a supervise/cgroup text: one line (its newline
   optional), absolute, no ".." component, no control byte, shorter than
   CGSTAT_PATH_MAX. Copies it to OUT (CGSTAT_PATH_MAX bytes). 0, or -1. */
#define CGSTAT_PATH_MAX PATH_MAX
int cgstat_parse_path(char *out, char const *text);
/* memory.current: one number and an optional newline. 0, or -1. */
int cgstat_parse_memory(char const *text, uint64_t *bytes);
/* cpu.stat: the number on its line "usage_usec N". 0, or -1 when no
   such line or N is not a number that fits. */
int cgstat_parse_cpu(char const *text, uint64_t *usec);

#endif
