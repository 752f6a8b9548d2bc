/* A service's own cgroup (cgroup v2), optional. The scanner makes one
   vigil subtree, BASE, and names it to its supervisors in $VIGIL_CGROUP
   (unset: no cgroups). Each supervisor puts what it starts in a cgroup
   of its own below: BASE/NAME/run for the service (./run, ./finish,
   ./check), BASE/NAME/log for its logger. A stop kills what is left in
   it; svstat reads its memory and CPU time, from the path the supervisor
   writes to supervise/cgroup. */
#ifndef VIGIL_SVCGROUP_H
#define VIGIL_SVCGROUP_H

#include <stddef.h>

#define SVCGROUP_VAR "VIGIL_CGROUP"
/* A cgroup's path, at most: BASE (a short path by design), a service's
   name (NAME_MAX), /run. A longer one means no cgroup for that service. */
#define SVCGROUP_PATH_MAX 512
/* ... and a file in it. */
#define SVCGROUP_FILE_PATH_MAX (SVCGROUP_PATH_MAX + 32)
/* The vigil subtree of a machine's (or a container's) PID 1. */
#define SVCGROUP_BASE_DEFAULT "/sys/fs/cgroup/vigil"

/* The cgroup below BASE of the service dir DIR (as the scanner names it
   to a supervisor: NAME, NAME/log, .instances/NAME@ARG[/log], or any
   path): "NAME/run" or "NAME/log", NAME the dir's last component (the
   one before a last "log"). Written to OUT with its NUL; returns its
   length, or 0 when DIR names no service (empty, ".", "..", a dotdir)
   or OUT is too small. Pure. */
size_t svcgroup_leaf(char const *dir, char *out, size_t size);

/* cgroup.events' "populated" line: 1 or 0, or -1 when it has none. Pure. */
int svcgroup_parse_populated(char const *events);

/* Is DIR on a cgroup v2 filesystem? 1, 0, or -1 with errno. */
int svcgroup_is_cgroup2(char const *dir);

/* Make BASE/LEAF (its parent BASE/NAME too, with the controllers
   BASE has enabled for its children, so that memory and CPU show per
   service). Writes the path to OUT. Returns 0, or -1 with errno. */
int svcgroup_make(char const *base, char const *leaf, char *out, size_t size);

/* Enable the memory, cpu and pids controllers for DIR's children, each
   on its own: one the kernel or the parent lacks is skipped. */
void svcgroup_enable_controllers(char const *dir);

/* Is a process left in the cgroup at PATH? 1, 0, or -1 with errno. */
int svcgroup_populated(char const *path);

/* SIGKILL every process of the cgroup at PATH: cgroup.kill, or on a
   kernel before 5.14 each pid of cgroup.procs. Returns 0, or -1. */
int svcgroup_kill(char const *path);

/* SIGNAL to every process of the cgroup at PATH (SIGKILL: as
   svcgroup_kill), each pid cgroup.procs lists. Returns 0, or -1. */
int svcgroup_signal(char const *path, int signal);

/* Remove the cgroup at PATH and its parent (BASE/NAME) when empty: what
   is still in use stays, quietly. */
void svcgroup_remove(char const *path);

#endif
