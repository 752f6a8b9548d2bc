/* Starting ./run and ./finish as clean processes. */
#ifndef VIGIL_SUPERVISE_SPAWN_H
#define VIGIL_SUPERVISE_SPAWN_H

#include <sys/types.h>

#include "svstatus.h"

/* Mark every fd above 2 close-on-exec: whatever the supervisor inherited
   must not reach its services. Called once, at start. */
void spawn_seal_inherited_fds(void);

/* Start argv in the service dir (the cwd) with default signal dispositions,
   an empty signal mask, its own session, and fds 0, 1, 2 plus notify_fd (a
   copy of notify_source, when notify_fd >= 0) and nothing else: every fd
   of the supervisor is close-on-exec. vfork, so the supervisor's pages
   are never copied and an exec failure is known at once.
   Returns 0 and sets *pid, or an errno value. */
int spawn_clean(char const *const *argv, int notify_fd, int notify_source, pid_t *pid);

/* Why a spawn of ./run failed, for the status. */
enum svstatus_reason spawn_failure_reason(int error);

#endif
