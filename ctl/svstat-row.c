/* svstat -a and --json: one service dir read into a row, never blocking
   and never trusting what it finds (a half-written or hostile dir gives a
   word in the row, not a crash). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "cgstat.h"
#include "exitcode.h"
#include "svchanged.h"
#include "svcontrol.h"
#include "svdir.h"
#include "svpaths.h"
#include "svstat-row.h"
#include "svtext.h"

/* KiB from bytes, rounded down as svsummary_fmt_kib rounds. */
#define BYTES_PER_KIB 1024

/* Memory and CPU from the service's own cgroup, when it has one. A bad
   supervise/cgroup is warned of, and the figures are left unknown. */
static void read_cgroup(struct svstat_row *row, int dirfd)
{
  struct cgstat stat;
  switch (cgstat_read(dirfd, &stat)) {
    case CGSTAT_NONE:
      return;
    case CGSTAT_BAD_PATH:
      strerr_warnwu("use ", row->dir, "/", SVPATH_CGROUP, ": not a file of one absolute path without \"..\"");
      return;
    case CGSTAT_READ:
      break;
  }
  if (stat.has_memory) {
    row->has_memory = true;
    row->memory_kib = stat.memory_bytes / BYTES_PER_KIB;
    row->memory_source = SVSTAT_MEMORY_CGROUP;
  }
  row->has_cpu = stat.has_cpu;
  row->cpu_usec = stat.cpu_usec;
}

/* The private memory of its session's processes, from /proc. */
static void read_proc_memory(struct svstat_row *row, struct procmem_table *table, bool *table_loaded)
{
  if (!*table_loaded) {
    if (procmem_load(table) < 0) {
      strerr_warnwusys("read ", "/proc");
      return;
    }
    *table_loaded = true;
  }
  row->has_memory = procmem_service_kib(table, (pid_t)row->status.pid, &row->memory_kib) == 0;
  row->memory_source = SVSTAT_MEMORY_PROC;
}

/* A status read: the state and what goes with it. */
static void read_details(struct svstat_row *row, int dirfd, struct procmem_table *table, bool *table_loaded)
{
  struct svtime now;
  svtime_now(&now);
  row->has_status = true;
  row->state = svsummary_state(&row->status);
  row->seconds = svtime_seconds_since(&row->status.changed, &now);
  if (row->status.ready) row->ready_seconds = svtime_seconds_since(&row->status.ready_at, &now);
  row->normally_up = !svdir_normally_down(dirfd);
  if (row->state == SVSUMMARY_WAITING && !svtext_read(dirfd, SVPATH_WAITING, row->waiting, sizeof row->waiting))
    row->waiting[0] = 0;
  if (row->status.state == SVSTATUS_RUN) {
    if (!svtext_read(dirfd, SVPATH_NOTIFY_STATUS, row->notify, sizeof row->notify)) row->notify[0] = 0;
    row->changed = svchanged_since(dirfd, &row->status.changed);
    read_cgroup(row, dirfd);
    if (!row->has_memory && row->status.pid) read_proc_memory(row, table, table_loaded);
  }
}

/* Removed while we read it: its dir has no name left. */
static bool removed(int dirfd)
{
  struct stat st;
  return fstat(dirfd, &st) == 0 && st.st_nlink == 0;
}

static int read_status(struct svstat_row *row, int dirfd, struct procmem_table *table, bool *table_loaded)
{
  int r;
  row->supervised = svcontrol_supervised(row->dir);
  if (row->supervised < 0) {
    row->state = SVSUMMARY_UNKNOWN;
    strerr_warnwusys("check ", row->dir, "/", SVPATH_OK);
    return VIGIL_EXIT_SYSTEM;
  }
  if (!row->supervised) {
    row->state = SVSUMMARY_NO_SUPERVISOR;
    return VIGIL_EXIT_OK;
  }
  r = svstatus_read(dirfd, &row->status);
  if (r > 0) {
    read_details(row, dirfd, table, table_loaded);
    return VIGIL_EXIT_OK;
  }
  if (r < 0 && errno == ENOENT) {
    row->state = SVSUMMARY_NO_STATUS;
    return VIGIL_EXIT_OK;
  }
  if (r < 0) {
    row->state = SVSUMMARY_UNKNOWN;
    strerr_warnwusys("read ", row->dir, "/", SVPATH_STATUS);
    return VIGIL_EXIT_SYSTEM;
  }
  row->state = SVSUMMARY_UNREADABLE;
  strerr_warnwu("read ", row->dir, "/", SVPATH_STATUS, ": unreadable status (truncated or unknown format)");
  return VIGIL_EXIT_SYSTEM;
}

int svstat_row_read(struct svstat_row *row, char const *name, char const *dir, struct procmem_table *table, bool *table_loaded)
{
  int dirfd, code;
  memset(row, 0, sizeof *row);
  row->supervised = -1;
  row->name = strdup(name);
  row->dir = strdup(dir);
  if (!row->name || !row->dir) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "a row");
  dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    row->state = errno == ENOENT ? SVSUMMARY_GONE : SVSUMMARY_UNKNOWN;
    if (errno == ENOENT) return VIGIL_EXIT_OK;
    strerr_warnwusys("open ", dir);
    return VIGIL_EXIT_SYSTEM;
  }
  code = read_status(row, dirfd, table, table_loaded);
  if (removed(dirfd)) {
    row->state = SVSUMMARY_GONE;
    row->has_status = false;
    row->has_memory = false;
    row->has_cpu = false;
    code = VIGIL_EXIT_OK;
  }
  close(dirfd);
  return code;
}

void svstat_row_free(struct svstat_row *row)
{
  free(row->name);
  free(row->dir);
}
