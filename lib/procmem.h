/* The private memory of a service's processes, from /proc: for svstat -a.
   A run is spawned with setsid(), so the service's processes are those
   of the session it leads; after a MAINPID=, the status names the
   daemon, whose session is the exited run's, or its own if it called
   setsid() again. */
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

/* The session whose processes are PID's service: the one PID leads (a
   run, spawned with setsid), or PID's session when its leader is gone (a
   MAINPID= daemon forked by a run that exited: all the session came from
   that run). 0 when neither: a session whose leader lives and is not PID
   (a supervisor that does not call setsid) is not the service's alone,
   and PID counts alone. Pure, over TABLE. */
pid_t procmem_service_session(struct procmem_table const *table, pid_t pid);

/* Private memory (Private_Clean + Private_Dirty of smaps_rollup, in KiB)
   of PID and the other processes of its service session (above).
   Returns 0, or -1 with errno (ESRCH: PID is gone). */
int procmem_service_kib(struct procmem_table const *table, pid_t pid, uint64_t *kib);

/* Pure parsers, for the unit tests. The session (field 6) of a
   /proc/PID/stat text (NUL-terminated): 0, or -1 when malformed. */
int procmem_parse_session(char const *stat, pid_t *session);
/* Private_Clean + Private_Dirty in KiB of a smaps_rollup text. */
uint64_t procmem_parse_private(char const *smaps);

#endif
