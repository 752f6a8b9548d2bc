/* The scanner's table of service dirs: one slot per dir, found by identity
   (device and inode), by current name, by supervisor pid and by inotify
   watch. Every lookup is a hash probe: work per event does not grow with
   the number of services. */
#ifndef VIGIL_SCAN_TABLE_H
#define VIGIL_SCAN_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <skalibs/tai.h>

#include "scan-index.h"

/* Each service dir has two parts, run the same way: the service itself
   and its logger (DIR/log). One function handles both. */
enum part_role {
  PART_MAIN = 0,
  PART_LOG = 1,
  PART_COUNT = 2
};

enum part_state {
  PART_ABSENT,      /* nothing to run: no log/ (main parts are never absent) */
  PART_PENDING,     /* waiting for ./run to be executable and the dir to settle */
  PART_READY        /* runnable: a supervisor runs (pid), or will at deadline */
};

/* A part and a service are in every slot of PID 1's table: the fields
   go largest first, with no padding between, and the enums take a byte
   (a bit-field): 56 bytes a part, 160 a slot, not 64 and 184. */
struct part {
  tain deadline;          /* PENDING: end of grace; READY without pid: restart;
                             log of a removed service: end of its drain */
  tain last_start;
  /* What its supervisor left running when it died, until a successor
     adopts it: stopped by the scanner if the dir goes meanwhile. */
  uint64_t orphan_start_time;
  pid_t orphan;
  pid_t orphan_group;     /* kill-process-group: the group it was stopping, or 0 */
  pid_t pid;              /* its vigil-supervise, or 0 */
  int watch;              /* inotify watch on its dir while it matters, or -1 */
  enum part_state state : 8;
  bool warned;            /* one warning per bad state, not one per event */
  bool handing_over;      /* told to exit leaving its service up: restart at once */
  bool has_deadline;
};

enum service_kind {
  SERVICE_FREE,         /* slot unused */
  SERVICE_DIR,          /* a service dir */
  SERVICE_IGNORED       /* a name that is not a dir: warned once, remembered by name */
};

struct service {
  dev_t dev;
  ino_t ino;
  char *name;             /* current name in the scan dir */
  struct part parts[PART_COUNT];
  uint32_t generation;    /* last full scan that saw it */
  uint32_t timer_slot;    /* position in the timer list, or SCAN_INDEX_NONE */
  int pipe[2];            /* service stdout -> logger stdin, held open here; -1 when unlogged */
  enum service_kind kind : 8;
  bool removing;          /* its dir is gone (or we are stopping): bring it down */
};

struct scan_table {
  struct service *services;
  uint32_t capacity;
  uint32_t count;               /* slots in use */
  uint32_t *free_slots;         /* stack of free slot numbers */
  uint32_t free_count;
  uint32_t *timers;             /* slots with a part deadline */
  uint32_t timer_count;
  struct scan_index by_identity;
  struct scan_index by_name;
  struct scan_index by_pid;     /* value: slot * PART_COUNT + role */
  uint32_t alive[PART_COUNT];   /* parts with a supervisor pid, by role */
  struct scan_index by_watch;   /* value: slot * PART_COUNT + role */
};

void scan_table_init(struct scan_table *table);

/* A new slot for name (copied); identity is set only for SERVICE_DIR.
   Returns the slot, or SCAN_INDEX_NONE when out of memory. */
uint32_t scan_table_add(struct scan_table *table, enum service_kind kind, char const *name, dev_t dev, ino_t ino);
void scan_table_remove(struct scan_table *table, uint32_t slot);
int scan_table_rename(struct scan_table *table, uint32_t slot, char const *name);

uint32_t scan_table_find_identity(struct scan_table *table, dev_t dev, ino_t ino);
uint32_t scan_table_find_name(struct scan_table *table, char const *name);
/* These return slot * PART_COUNT + role. */
uint32_t scan_table_find_pid(struct scan_table *table, pid_t pid);
uint32_t scan_table_find_watch(struct scan_table *table, int watch);

/* Keep the indexes in step when a part's pid or watch changes. On failure
   (out of memory) the part is left without a pid, and -1 returned. */
int scan_table_set_pid(struct scan_table *table, uint32_t slot, enum part_role role, pid_t pid);
int scan_table_set_watch(struct scan_table *table, uint32_t slot, enum part_role role, int watch);

/* Deadlines: only slots with one are visited by the timer code. */
void scan_table_set_deadline(struct scan_table *table, uint32_t slot, enum part_role role, tain const *deadline);
void scan_table_clear_deadline(struct scan_table *table, uint32_t slot, enum part_role role);
/* The earliest deadline of all, or 0 when none. */
int scan_table_earliest(struct scan_table const *table, tain *deadline);

#endif
