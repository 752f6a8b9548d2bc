/* The run's environment, user and limits, from env/, user, nice,
   oom-score-adj and limit-* (see svdir-spawn.h), read at the supervisor's
   start and at each start of the run, and handed to spawn_clean. */
#ifndef VIGIL_SUPERVISE_ENV_H
#define VIGIL_SUPERVISE_ENV_H

/* Read the files again; bad entries are warned of and skipped. Returns 0,
   or -1 when the run must not start: a user file that names no known
   user, or that cannot be read, under a root supervisor (warned of). */
int supervise_env_load(void);

/* Did the last load succeed? (./finish and ./down are skipped if not.) */
int supervise_env_usable(void);

#endif
