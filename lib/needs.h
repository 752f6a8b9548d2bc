/* The ordering of needs/ (DESIGN, "Ordering, oneshots and readiness"):
   which entry of DIR/needs/ names which service, the cycles of the graph
   and the edges they cost, the gate before a start, and the stop in
   reverse. No system calls: the callers read the dirs and status files,
   these decide; t/unit/needs.c drives them on synthetic graphs.

   A graph is n services, 0 .. n-1, and their needs in compressed rows:
   the needs of service i are edge[first[i]] .. edge[first[i + 1] - 1],
   each the index of the service needed. Both arrays are the caller's.
   Callers index the services in name order, and each row in the order of
   the needed names, so that every process reading the same live dir
   builds the same graph (and so breaks the same cycles). */
#ifndef VIGIL_NEEDS_H
#define VIGIL_NEEDS_H

#include <stdbool.h>
#include <stddef.h>

struct needs_graph {
  unsigned int n;
  unsigned int const *first;  /* n + 1 entries */
  unsigned int const *edge;   /* first[n] entries */
};

/* ---- one entry of DIR/needs/ ---- */

enum needs_entry_verdict {
  NEEDS_ENTRY_OK,             /* *name is the service needed */
  NEEDS_ENTRY_BAD_NAME,       /* not a service name (a dot name, a slash, empty, too long) */
  NEEDS_ENTRY_SELF,           /* DIR needs itself */
  NEEDS_ENTRY_LOGGER,         /* a symlink to NAME/log: a logger is no need */
  NEEDS_ENTRY_BAD_TARGET      /* a symlink whose target names nothing ("", "/", "..") */
};

/* The entry ENTRY of SELF's needs/: with TARGET (its symlink target, or 0
   for a file) the name is TARGET's last component. *name points into
   ENTRY or TARGET; *len is its length (TARGET may end in slashes). */
enum needs_entry_verdict needs_entry(char const *self, char const *entry, char const *target,
                                     char const **name, size_t *len);

/* What the verdict says, for a warning: "names itself", ... */
char const *needs_entry_reason(enum needs_entry_verdict verdict);

/* ---- cycles ---- */

/* Called once per cycle found: its members in order (the last needs the
   first). The members' memory is valid during the call only. */
typedef void needs_cycle_report(void *context, unsigned int const *members, unsigned int count);

/* Work space for needs_break_cycles, all of n entries (edges: first[n]). */
struct needs_work {
  unsigned int *stack;        /* the DFS path, as service indices */
  unsigned int *cursor;       /* per service: the next of its edges to follow */
  unsigned char *mark;        /* per service: unseen, on the path, done */
};

/* Finds every cycle a depth-first walk meets (each back edge closes one),
   reports it, and sets ignored[e] for each edge e on it, so that what is
   left has no cycle and nothing waits for ever. The same graph gives the
   same cycles and the same ignored edges, in any process: a supervisor
   and its scanner agree without talking. Returns how many were found. */
unsigned int needs_break_cycles(struct needs_graph const *graph, bool *ignored, struct needs_work const *work,
                                needs_cycle_report *report, void *context);

/* ---- the gate before a start ---- */

enum needs_state {
  NEED_MISSING,               /* no such service in the live dir */
  NEED_WANTED_DOWN,           /* a down file, svc -d */
  NEED_FAILED,                /* a oneshot whose up failed, or a run that cannot start */
  NEED_STARTING,              /* wanted up, not ready yet */
  NEED_READY                  /* ready (or up, for one that does not tell readiness) */
};

/* The needs of service i not ready, skipping ignored edges: their
   indices go to waiting (at most max of them); returns how many there
   are in all. 0 means the run may start. */
unsigned int needs_waiting(struct needs_graph const *graph, bool const *ignored, unsigned int i,
                           enum needs_state const *state, unsigned int *waiting, unsigned int max);

/* ---- the stop in reverse ---- */

/* dependents[i]: how many services still up need i (ignored edges do not
   count), for the services alive[] says are up. A service may be sent its
   down signal once its count is 0. */
void needs_stop_init(struct needs_graph const *graph, bool const *ignored, bool const *alive, unsigned int *dependents);

/* Service i is down (alive[i] was true): each service it needed has one
   dependent fewer; those that reach 0 go to released (room for the needs
   of i), and their count is returned. */
unsigned int needs_stop_down(struct needs_graph const *graph, bool const *ignored, unsigned int i,
                             unsigned int *dependents, unsigned int *released);

#endif
