/* Which PID namespace we are in. */
#include <sys/stat.h>

#include "pidns.h"

/* PROC_PID_INIT_INO in the kernel's include/linux/proc_ns.h: fixed since
   Linux 3.8, the inode every view of the initial PID namespace has. */
#define INITIAL_PID_NAMESPACE_INODE 0xEFFFFFFCU

enum pidns_kind pidns_kind(void)
{
  struct stat st;
  if (stat("/proc/self/ns/pid", &st) < 0) return PIDNS_UNKNOWN;
  return st.st_ino == INITIAL_PID_NAMESPACE_INODE ? PIDNS_INITIAL : PIDNS_CHILD;
}
