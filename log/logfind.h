/* Where a service's log dir is. */
#ifndef VIGIL_LOGFIND_H
#define VIGIL_LOGFIND_H

#include <stddef.h>

/* The log dir a logger's command line names (args: /proc/PID/cmdline,
   NUL-separated, len bytes): vigil-log's last argument (not "-");
   svlogd's first argument that is not an option; multilog's and
   s6-log's first script item starting with "." or "/". Returns a pointer
   into args, or 0 for another program or no dir; *leap is the seconds to
   take off the logger's TAI64N stamps (s6-log's), else 0. */
char const *logfind_from_cmdline(char const *args, size_t len, unsigned int *leap);

/* s6-log's TAI64N labels are TAI (skalibs counts leap seconds): 37 s
   after UTC since 2017, not daemontools' 10. What is subtracted from
   its stamps to read them as the others. */
#define LOGFIND_S6_LEAP_SECONDS 27

/* The log dir of service dir svc (PATH_MAX bytes into out): from the
   command line of the running logger svc/log (its status file's pid),
   relative names against the logger's cwd, or, when that is no dir (multilog
   changes into its dir), the dir of the `current` it holds open; else the convention
   $VIGIL_LOGROOT/NAME ($VIGIL_LOGROOT defaults to /var/log), NAME the
   last component of svc, if that dir exists. Returns 1, *how
   ("logger" or "convention") and *leap (as above), or 0 when neither gives one. */
int logfind_service(char *out, char const *svc, char const **how, unsigned int *leap);

#endif
