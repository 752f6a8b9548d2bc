/* Sessions and private memory from /proc. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include "procmem.h"
#include "procstat.h"

/* Field 6 (session), counted from field 3, the first after the command name. */
#define STAT_FIELDS_AFTER_COMM_TO_SESSION 3
/* smaps_rollup is some 20 lines of some 30 bytes. */
#define SMAPS_ROLLUP_MAX 4096

int procmem_parse_session(char const *stat, pid_t *session)
{
  /* The command name may hold spaces and parentheses: skip to the last ')'. */
  char const *p = strrchr(stat, ')');
  int64_t value;
  if (!p) return -1;
  p++;
  for (unsigned int field = 0; field < STAT_FIELDS_AFTER_COMM_TO_SESSION; field++) {
    p = strchr(p + 1, ' ');
    if (!p) return -1;
  }
  if (!int64_scan(p + 1, &value) || value < 0) return -1;
  *session = (pid_t)value;
  return 0;
}

static uint64_t field_kib(char const *smaps, char const *name)
{
  size_t namelen = strlen(name);
  uint64_t kib = 0;
  for (char const *line = smaps; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0) {
    char const *p;
    if (strncmp(line, name, namelen)) continue;
    p = line + namelen;
    while (*p == ' ') p++;
    if (uint64_scan(p, &kib)) return kib;
    return 0;
  }
  return 0;
}

uint64_t procmem_parse_private(char const *smaps)
{
  return field_kib(smaps, "Private_Clean:") + field_kib(smaps, "Private_Dirty:");
}

static int read_proc(pid_t pid, char const *tail, char *buf, size_t size)
{
  char path[PROCSTAT_PATH_MAX];
  ssize_t len;
  procstat_path(path, pid, tail);
  len = openreadnclose(path, buf, size - 1);
  if (len < 0) return -1;
  buf[len] = 0;
  return 0;
}

static int add(struct procmem_table *table, size_t *room, pid_t pid, pid_t session)
{
  if (table->count == *room) {
    size_t more = *room ? 2 * *room : 256;
    struct procmem_process *grown = realloc(table->processes, more * sizeof *grown);
    if (!grown) return -1;
    table->processes = grown;
    *room = more;
  }
  table->processes[table->count++] = (struct procmem_process){ .pid = pid, .session = session };
  return 0;
}

int procmem_load(struct procmem_table *table)
{
  DIR *proc = opendir("/proc");
  struct dirent *entry;
  size_t room = 0;
  *table = (struct procmem_table){ 0 };
  if (!proc) return -1;
  while ((entry = readdir(proc))) {
    char stat[1024];
    uint64_t pid;
    pid_t session;
    size_t len = uint64_scan(entry->d_name, &pid);
    if (!len || entry->d_name[len] || !pid) continue;
    /* A process gone since readdir, or a stat we cannot parse: not counted. */
    if (read_proc((pid_t)pid, "/stat", stat, sizeof stat) < 0 || procmem_parse_session(stat, &session) < 0) continue;
    if (add(table, &room, (pid_t)pid, session) < 0) {
      closedir(proc);
      procmem_free(table);
      errno = ENOMEM;
      return -1;
    }
  }
  closedir(proc);
  return 0;
}

void procmem_free(struct procmem_table *table)
{
  free(table->processes);
  *table = (struct procmem_table){ 0 };
}

static int private_kib(pid_t pid, uint64_t *kib)
{
  char smaps[SMAPS_ROLLUP_MAX];
  if (read_proc(pid, "/smaps_rollup", smaps, sizeof smaps) < 0) return -1;
  *kib = procmem_parse_private(smaps);
  return 0;
}

pid_t procmem_service_session(struct procmem_table const *table, pid_t pid)
{
  pid_t session = 0;
  bool found = false, leader_alive = false;
  for (size_t i = 0; i < table->count; i++)
    if (table->processes[i].pid == pid) {
      found = true;
      session = table->processes[i].session;
    }
  if (!found || session <= 0) return 0;
  if (session == pid) return session;
  for (size_t i = 0; i < table->count; i++)
    if (table->processes[i].pid == session) leader_alive = true;
  return leader_alive ? 0 : session;
}

int procmem_service_kib(struct procmem_table const *table, pid_t pid, uint64_t *kib)
{
  pid_t session = procmem_service_session(table, pid);
  uint64_t total = 0;
  if (private_kib(pid, &total) < 0) {
    errno = ESRCH;
    return -1;
  }
  if (session)
    for (size_t i = 0; i < table->count; i++) {
      uint64_t one;
      /* Each one read apart: a process that ended since counts nothing. */
      if (table->processes[i].session == session && table->processes[i].pid != pid
          && !private_kib(table->processes[i].pid, &one))
        total += one;
    }
  *kib = total;
  return 0;
}
