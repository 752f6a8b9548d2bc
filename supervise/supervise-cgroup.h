/* The service's own cgroup, when the scanner made a vigil subtree
   ($VIGIL_CGROUP, lib/svcgroup.h): made at the supervisor's start, what
   it spawns moves into it, and its path is told to svstat in
   supervise/cgroup. Without it, each call here costs a test. */
#ifndef VIGIL_SUPERVISE_CGROUP_H
#define VIGIL_SUPERVISE_CGROUP_H

#include <stdbool.h>

/* In the service dir, DIR as the scanner named it. Unsets $VIGIL_CGROUP
   (a service has no business with it); a cgroup that cannot be made is
   warned of, and the service runs without one. */
void supervise_cgroup_setup(char const *dir);

/* Has the service a cgroup? */
bool supervise_cgroup_on(void);

/* Is a process of the service's left in it? (False without a cgroup, or
   when it cannot be read.) */
bool supervise_cgroup_populated(void);

/* SIGNAL to everything in it (SIGKILL: cgroup.kill). */
void supervise_cgroup_signal(int signal);

/* The supervisor exits: the cgroup goes when empty, supervise/cgroup
   goes. Not at a hand-over: the successor keeps both. */
void supervise_cgroup_remove(void);

#endif
