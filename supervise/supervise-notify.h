/* sd_notify for a service dir with a file notify-socket: a datagram
   socket supervise/notify, owned by the supervisor, named to ./run in
   NOTIFY_SOCKET. READY=1 is the readiness a notification-fd line gives;
   STATUS=, STOPPING=1 and RELOADING=1 go to supervise/notify-status for
   svstat. Only the run and its descendants are heard (SCM_CREDENTIALS);
   anything else, and a datagram over 4 KiB, is dropped and counted. */
#ifndef VIGIL_SUPERVISE_NOTIFY_H
#define VIGIL_SUPERVISE_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Before a start of ./run: when the dir has notify-socket, the socket
   (made once) and NOTIFY_SOCKET in our environment for the child; else
   neither. */
void sdnotify_before_spawn(void);

/* After the spawn: NOTIFY_SOCKET leaves our own environment. */
void sdnotify_after_spawn(void);

/* The socket, or -1. */
int sdnotify_fd(void);

/* Before anything else: no socket yet. */
void sdnotify_init(void);

/* One line of a datagram: which of the keys acted on it is, and in
   *VALUE what follows its '=' (the whole line for another key). Pure. */
enum sdnotify_key { SDNOTIFY_READY, SDNOTIFY_STATUS, SDNOTIFY_STOPPING, SDNOTIFY_RELOADING, SDNOTIFY_MAINPID, SDNOTIFY_OTHER };
enum sdnotify_key sdnotify_key(char const *line, char const **value);

/* Reads what is queued (a bounded number per call; with ALL, until
   nothing is). RUN is the run's pid (0 when none runs), RUN_START its
   start time (clock ticks since boot; 0: unknown): returns true when it,
   or a descendant, said READY=1. *MAIN_PID is set to what MAINPID= last
   named, when that is a live descendant of RUN other than RUN itself;
   else left alone. */
bool sdnotify_read(pid_t run, uint64_t run_start, bool all, pid_t *main_pid);

/* A new run: what the last one said is forgotten. */
void sdnotify_reset(void);

#endif
