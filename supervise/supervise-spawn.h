/* Starting ./run and ./finish as clean processes. */
#ifndef VIGIL_SUPERVISE_SPAWN_H
#define VIGIL_SUPERVISE_SPAWN_H

#include <sys/types.h>

#include "svstatus.h"

/* Can ./run be started? SVSTATUS_REASON_NONE if it looks so. */
enum svstatus_reason spawn_check_run(void);

/* Is there an executable ./finish? */
int spawn_has_finish(void);

/* Fork and exec argv in the service dir (the cwd), with default signal
   dispositions, an empty signal mask, its own session, and fds 0, 1, 2 plus
   notify_fd (the child's copy of notify_source, when notify_fd >= 0) and
   nothing else. Returns the pid, or -1 with errno when fork failed. */
pid_t spawn_clean(char const *const *argv, int notify_fd, int notify_source);

#endif
