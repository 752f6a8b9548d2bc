/* Which PID namespace we are in: the one fact that tells a machine's
   PID 1 from a container's (or a test's, in `unshare -fp`). */
#ifndef VIGIL_PIDNS_H
#define VIGIL_PIDNS_H

enum pidns_kind {
  PIDNS_INITIAL,         /* the machine's own: reboot(2) and kill(-1) reach everything */
  PIDNS_CHILD,           /* a container's, or a test's */
  PIDNS_UNKNOWN          /* /proc is not mounted: nothing says */
};

/* From the inode of /proc/self/ns/pid (the kernel's PROC_PID_INIT_INO for
   the initial namespace). A caller that must know mounts /proc first. */
enum pidns_kind pidns_kind(void);

#endif
