/* Starting a program as a clean process: shared by the supervisor (for
   ./run and ./finish) and the scanner (for supervisors). */
#ifndef VIGIL_SPAWN_H
#define VIGIL_SPAWN_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* The child's fd `target` is a copy of the parent's fd `source`. */
struct spawn_fd {
  int target;
  int source;
};

/* Mark every fd above 2 close-on-exec: whatever a daemon inherited must not
   reach what it starts. Called once, at start, before opening anything. */
void spawn_seal_inherited_fds(void);

/* Children get this RLIMIT_NOFILE instead of ours: a scanner raises its
   own for thousands of pipes, and its services must not inherit that (a
   daemon that closes every fd up to the limit would crawl). */
void spawn_set_child_fd_limit(struct rlimit const *limit);

/* Children start with these signals blocked instead of none (a bit mask,
   1 << (signal - 1)). The scanner blocks those it sends to supervisors, so
   one sent before the supervisor has trapped it waits instead of killing it. */
void spawn_set_child_blocked(uint64_t mask);

/* What a service's files ask of its processes (see svdir-spawn.h): set up
   in the child, between fork and exec. */
#define SPAWN_LIMITS_MAX 16
struct spawn_setup {
  char const *const *envp;    /* or 0: the parent's environment */
  int set_ids;                /* setgroups, setgid, setuid, in that order */
  int keep_groups;            /* no setgroups: a user namespace denies it */
  uid_t uid;
  gid_t gid;
  size_t ngroups;
  gid_t const *groups;
  unsigned int nlimits;
  struct { int resource; rlim_t value; } limits[SPAWN_LIMITS_MAX];
  int set_nice;
  int nice;
  int set_oom;
  char oom[16];               /* oom_score_adj's text */
};

/* Children of spawn_clean get this set up (0: none). The pointer is kept. */
void spawn_set_child_setup(struct spawn_setup const *setup);

/* Children of spawn_clean start in the cgroup whose directory DIRFD is
   open on (clone3's CLONE_INTO_CGROUP: no migration, which costs the
   kernel an RCU grace period, milliseconds, each start), or, where the
   kernel lacks it (before 5.7), move themselves in through PROCS, its
   cgroup.procs, before anything else: nothing they start escapes it. A
   refusal leaves the child where it was: the service runs all the same.
   PROCS 0: none. The pointer is kept. */
void spawn_set_child_cgroup(char const *procs, int dirfd);

/* Start argv[0] (a path) with default signal dispositions, an empty signal
   mask (see spawn_set_child_blocked), its own session, the parent's fds 0-2 except where fds says
   otherwise, and nothing else: every other fd of the parent must be
   close-on-exec. vfork, so no page of the parent is copied and an exec
   failure is known at once. Returns 0 and sets *pid, or an errno value. */
int spawn_clean(char const *const *argv, struct spawn_fd const *fds, unsigned int nfds, pid_t *pid);

#endif
