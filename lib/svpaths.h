/* Where things are: the files under DIR/supervise/ and the system-wide
   service dir. Nothing outside lib/ spells a path under supervise/. */
#ifndef VIGIL_SVPATHS_H
#define VIGIL_SVPATHS_H

#include <stddef.h>
#include <sys/types.h>

#define SVPATH_SUPERVISE "supervise"
#define SVPATH_LOCK "supervise/lock"
#define SVPATH_CONTROL "supervise/control"
#define SVPATH_OK "supervise/ok"
#define SVPATH_OK_NAME "ok"          /* SVPATH_OK inside supervise/ */
#define SVPATH_STATUS "supervise/status"
#define SVPATH_STATUS_NEW "supervise/status.new"
#define SVPATH_WAITING "supervise/waiting"          /* the needs a held service waits for */
#define SVPATH_WAITING_NEW "supervise/waiting.new"
#define SVPATH_CYCLE "supervise/cycle"              /* the needs cycle through the service, its edges ignored */
#define SVPATH_CYCLE_NEW "supervise/cycle.new"
#define SVPATH_NOTIFY "supervise/notify"            /* the sd_notify socket (notify-socket) */
#define SVPATH_NOTIFY_STATUS "supervise/notify-status"  /* what it said: STATUS=, stopping, reloading */
#define SVPATH_NOTIFY_STATUS_NEW "supervise/notify-status.new"
#define SVPATH_CGROUP "supervise/cgroup"            /* the path of the service's own cgroup (cgroup v2), when it has one */

/* The distro's configuration (rc.init, rc.shutdown, log-run, rescue):
   $VIGIL_CONFDIR when set, else this. */
#define VIGIL_CONFDIR_DEFAULT "/etc/vigil"
/* Where packages install service dirs (the seed's /etc/rc): $VIGIL_RCDIR, else this. */
#define VIGIL_RCDIR_DEFAULT "/etc/rc"

/* Where vigil keeps run-time state of its own (vigil-shutdown -f's flag):
   $VIGIL_RUNDIR when set, else this. */
#define VIGIL_RUNDIR_DEFAULT "/run/vigil"
#define VIGIL_FORCE_FLAG "shutdown-force"

/* vigil-scan, as PID 1 of a machine, failed its setup: it execs vigil-init
   with the reason in this variable, for the rescue shell. */
#define VIGIL_SCAN_FAILED_VAR "VIGIL_SCAN_FAILED"

/* Used when $SVDIR is unset or empty (the seed's recommended location). */
#define SVDIR_DEFAULT "/var/service"

/* The service dir a DIR argument names: a DIR with no slash that is not
   "." or ".." is relative to $SVDIR (seed, "Controlling daemons").
   An instance, a symlink NAME@ARG, resolves to its own state dir,
   SVINSTANCE_DIR/NAME@ARG beside it (lib/svinstance.h).
   Returns 0, or -1 with ENAMETOOLONG. */
int svpath_resolve(char *out, size_t size, char const *dir);

/* $var when it is set and not empty, else fallback: how every vigil
   program lets a distro or a test move its directories. */
char const *svpath_env_dir(char const *var, char const *fallback);

/* dir + "/" + file into out (PATH_MAX bytes). Returns 0, or -1 with ENAMETOOLONG. */
int svpath_join(char *out, char const *dir, char const *file);

/* Make DIR/supervise (mode 0700) in the service dir dirfd. When supervise
   is a symlink whose target is missing (Void links it to
   /run/runit/supervise.NAME), make the target and its parents. A
   supervise already there (symlink or dir) that belongs to neither our
   uid nor the dir's owner is not gone through (lib/trust.h): returns 1,
   *owner says whose it is, and nothing is made. Returns 0 when ready, or
   -1 with errno. */
int svpath_make_supervise(int dirfd, uid_t *owner);

#endif
