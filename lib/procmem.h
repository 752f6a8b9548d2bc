/* The private memory of a service's processes, from /proc: for svstat -a.
   A run is spawned with setsid(), so the service's processes are those
   of the session it leads (a daemon that called setsid() again, as a
   MAINPID= daemon may, leads a session of its own: the status's pid is
   then that daemon, and its session is counted). */
#ifndef VIGIL_PROCMEM_H
#define VIGIL_PROCMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procmem_process {
  pid_t pid;
  pid_t session;
};

/* Every process's session, read in one pass over /proc. */
struct procmem_table {
  struct procmem_process *processes;
  size_t count;
};

/* Fill TABLE (its processes on the heap). Returns 0, or -1 with errno
   when /proc cannot be read. */
int procmem_load(struct procmem_table *table);
void procmem_free(struct procmem_table *table);

/* Private memory (Private_Clean + Private_Dirty of smaps_rollup, in KiB)
   of the processes of the session PID leads, or of PID alone when it
   leads none (a supervisor that does not call setsid: its session is
   not the service's). Returns 0, or -1 with errno (ESRCH: PID is gone). */
int procmem_service_kib(struct procmem_table const *table, pid_t pid, uint64_t *kib);

/* Pure parsers, for the unit tests. The session (field 6) of a
   /proc/PID/stat text (NUL-terminated): 0, or -1 when malformed. */
int procmem_parse_session(char const *stat, pid_t *session);
/* Private_Clean + Private_Dirty in KiB of a smaps_rollup text. */
uint64_t procmem_parse_private(char const *smaps);

#endif
