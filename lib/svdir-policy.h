/* The restart policy files of a service dir. No supervision suite names
   such files (s6's max-death-tally only bounds its death history): vigil's
   own names, systemd's words (Restart=always|on-failure|no). */
#ifndef VIGIL_SVDIR_POLICY_H
#define VIGIL_SVDIR_POLICY_H

#include "svdir.h"

/* restart: always (the default), on-failure or never. */
#define SVDIR_RESTART "restart"
/* give-up: "N T": after N deaths within T seconds, down until svc -u. */
#define SVDIR_GIVE_UP "give-up"

#define SVDIR_RESTART_ALWAYS 0
#define SVDIR_RESTART_ON_FAILURE 1
#define SVDIR_RESTART_NEVER 2

/* The longest T: its milliseconds fit an unsigned int. */
#define SVDIR_GIVE_UP_SECONDS_MAX 4000000u

/* The health check: an executable check, every check-interval ms (a
   check running that long is killed), check-failures failures in a row
   restart the run. */
#define SVDIR_CHECK "check"
#define SVDIR_CHECK_INTERVAL "check-interval"
#define SVDIR_CHECK_FAILURES "check-failures"

enum svdir_read_result svdir_read_restart(int dirfd, int *restart);

/* N >= 1, 1 <= T <= SVDIR_GIVE_UP_SECONDS_MAX, blanks between. */
enum svdir_read_result svdir_read_give_up(int dirfd, unsigned int *deaths, unsigned int *seconds);

#endif
