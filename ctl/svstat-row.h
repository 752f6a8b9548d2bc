/* svstat -a and --json: what one service dir shows, read once, printed
   as an aligned line (svstat-table.c) or a JSON object (svstat-json.c). */
#ifndef VIGIL_SVSTAT_ROW_H
#define VIGIL_SVSTAT_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "procmem.h"
#include "svstatus.h"
#include "svsummary.h"

/* supervise/waiting and supervise/notify-status are small: what does not fit is cut. */
#define SVSTAT_WAITING_MAX 1024
#define SVSTAT_NOTIFY_MAX 4200

/* Where memory_kib comes from: the two measure different things
   (svstat(8)). */
enum svstat_memory_source {
  SVSTAT_MEMORY_PROC,         /* private memory of its session's processes */
  SVSTAT_MEMORY_CGROUP        /* its cgroup's memory.current: page cache charged to it too */
};

struct svstat_row {
  char *name;                 /* NAME, NAME/log, or the DIR argument resolved */
  char *dir;                  /* the path read */
  enum svsummary_state state;
  int supervised;             /* 1, 0, or -1 when unknown */
  bool has_status;            /* status (and what follows) is valid */
  struct svstatus status;
  uint64_t seconds;           /* since status.changed */
  uint64_t ready_seconds;     /* since status.ready_at */
  bool normally_up;
  char waiting[SVSTAT_WAITING_MAX];   /* the needs waited for, one a line; "" if none */
  char notify[SVSTAT_NOTIFY_MAX];     /* the STATUS= text; "" if none */
  bool changed;               /* running, and run/env/user edited since its start */
  bool has_memory;
  uint64_t memory_kib;
  enum svstat_memory_source memory_source;
  bool has_cpu;
  uint64_t cpu_usec;          /* from its cgroup only: /proc has no exact total */
};

/* Fill ROW from the service dir DIR (both strings copied). Memory and
   CPU come from the service's cgroup when supervise/cgroup names one
   (lib/cgstat.h); else memory readings use TABLE, loaded on first need.
   Returns the exit code the row deserves: 0, or 111 when it could not
   be read (a warning says why; a bad supervise/cgroup is warned of but
   changes no exit code). A dir removed while read is "gone", exit 0. */
int svstat_row_read(struct svstat_row *row, char const *name, char const *dir, struct procmem_table *table, bool *table_loaded);
void svstat_row_free(struct svstat_row *row);

/* The rows as an aligned table, colour when asked. */
void svstat_table_print(struct svstat_row const *rows, size_t count, bool colour);

/* One JSON object a line per row. */
void svstat_json_print(struct svstat_row const *row);

#endif
