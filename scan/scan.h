/* vigil-scan's state and the functions its files share. */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include <skalibs/tai.h>

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
  char const *supervisor;       /* absolute path of vigil-supervise */
  unsigned int grace_ms;
  unsigned int rescan_ms;       /* 0: never */
  int inotify_fd;
  int dir_watch;                /* watch on DIR, or -1 */
  bool dir_watch_warned;
  bool dir_gone;                /* DIR was removed or moved away: its services keep running */
  bool stopping;                /* SIGTERM: bring everything down, then exit */
  uint32_t generation;          /* of the last full scan */
  tain next_rescan;             /* when rescan_ms or degraded */
  bool has_next_rescan;
  struct scan_table table;
};

extern struct scan_state scan;

/* scan-dir.c: what is in DIR */
void scan_full(void);
void scan_inotify_events(void);
void scan_dir_lost(void);
void scan_schedule_rescan(void);

/* scan-run.c: supervisors */
void service_appeared(uint32_t slot, bool at_once);
void service_changed(uint32_t slot, enum part_role role);
void service_remove(uint32_t slot);
void service_deadlines(void);
void service_reap(void);
void part_check_log(uint32_t slot);

#endif
