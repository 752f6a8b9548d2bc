/* vigil-scan's state and the functions its files share. */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include <skalibs/tai.h>

#include "scan-stop.h"
#include "sdnotify.h"
#include "scan-table.h"

/* A half-populated dir made by mkdir starts once nothing in it has changed
   for this long (-g). The atomic way (populate .NAME, rename) skips it. */
#define GRACE_DEFAULT_MS 1000
/* A supervisor that dies is started again, at most once per this interval. */
#define SUPERVISOR_RESTART_MS 1000
/* A logger whose service is gone gets this long to read its pipe to EOF
   and exit before it is told to stop. */
#define LOGGER_DRAIN_MS 5000
/* When the scan dir itself disappears or inotify is unusable, look again
   this often: polling only in that degraded state. */
#define DEGRADED_RESCAN_MS 1000

struct scan_state {
  char const *dir;              /* as given, for messages */
  char *dir_path;               /* absolute, to come back after DIR is replaced */
  char const *supervisor;       /* path of vigil-supervise */
  char const *shutdown;         /* path of vigil-shutdown, when PID 1 */
  char const *rc_shutdown;      /* the distro's hook at stop, or 0 */
  char const *force_flag;       /* left by vigil-shutdown -f before its signal, when a machine */
  enum scan_role role;
  pid_t main_pid;               /* a container's main program (our child), or 0 */
  unsigned int grace_ms;
  unsigned int rescan_ms;       /* 0: never */
  unsigned int stop_deadline_ms;
  int notify_fd;                /* told once the first scan has started everything, or -1 */
  char runtime_socket[SDNOTIFY_PATH_MAX];  /* a container runtime's NOTIFY_SOCKET, or "" */
  int inotify_fd;               /* -1 once stopping */
  int dir_watch;                /* watch on DIR, or -1 */
  bool dir_watch_warned;
  bool dir_gone;                /* DIR was removed or moved away: its services keep running */
  uint32_t generation;          /* of the last full scan */
  tain next_rescan;             /* when rescan_ms or degraded */
  bool has_next_rescan;
  pid_t rc_pid;                 /* rc.shutdown while it runs */
  struct scan_stop stop;
  struct scan_table table;
};

extern struct scan_state scan;

static inline struct service *service_at(uint32_t slot)
{
  return &scan.table.services[slot];
}

/* scan.c: the scanner's life */
void scan_start(void);
void scan_schedule_rescan(void);
void scan_rescan(void);
bool scan_stopping(void);
/* The one way in to a stop: how it should end (exit_code -1: keep the
   one known); the deadline is -k's. */
void scan_stop(enum stop_goal goal, int exit_code);
/* The same, skipping rc.shutdown and the services: vigil-shutdown -f. */
void scan_stop_force(enum stop_goal goal);
void scan_on_signal(int sig);
void scan_reap(void);
/* The stop's own deadline passed, or a process it waits for went. */
void scan_stop_timer(void);
void scan_stop_progress(void);
int scan_earliest(tain *deadline);
/* Whatever is due: a rescan, a part's deadline, the stop's. */
void scan_on_time(void);

/* scan-dir.c: what is in DIR */
void scan_full(void);
void scan_inotify_events(void);
void scan_dir_lost(void);

/* scan-run.c: supervisors */
void service_appeared(uint32_t slot, bool at_once);
void service_changed(uint32_t slot, enum part_role role);
void service_remove(uint32_t slot);
void service_deadlines(void);
/* A child of ours exited: 1 if it was a supervisor (then handled), else 0. */
int service_child_exited(pid_t pid);
void part_check_log(uint32_t slot);
/* Each child of ours that is no supervisor (an orphan, a service's
   leftover), until visit returns nonzero. */
void scan_each_child(int (*visit)(pid_t, void *), void *context);
/* The stop's escalation: SIGKILL what a part runs (read from its status), then its supervisor. */
void part_kill(uint32_t slot, enum part_role role);

#endif
