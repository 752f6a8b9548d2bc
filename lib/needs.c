/* needs/: entries, cycles, the gate and the reverse stop, without a system call. */
#include <string.h>

#include "needs.h"
#include "svinstall.h"

#define UNSEEN 0
#define ON_PATH 1
#define DONE 2

enum needs_entry_verdict needs_entry(char const *self, char const *entry, char const *target,
                                     char const **name, size_t *len)
{
  char buf[256];
  char const *start = target ? target : entry;
  size_t n = strlen(start);
  if (target) {
    /* The last component, trailing slashes aside. */
    while (n && start[n - 1] == '/') n--;
    size_t base = n;
    while (base && start[base - 1] != '/') base--;
    if (n == base) return NEEDS_ENTRY_BAD_TARGET;
    if (n - base == 3 && !memcmp(start + base, "log", 3) && base) {
      /* NAME/log is a logger; "log" or "../log" is a service called log. */
      size_t parent = base - 1, p = parent;
      while (p && start[p - 1] != '/') p--;
      if (parent > p && !(parent - p == 2 && !memcmp(start + p, "..", 2))
          && !(parent - p == 1 && start[p] == '.'))
        return NEEDS_ENTRY_LOGGER;
    }
    start += base;
    n -= base;
  }
  *name = start;
  *len = n;
  if (n >= sizeof buf) return NEEDS_ENTRY_BAD_NAME;
  memcpy(buf, start, n);
  buf[n] = 0;
  if (!svinstall_name_valid(buf)) return target && (!strcmp(buf, "..") || !strcmp(buf, ".")) ? NEEDS_ENTRY_BAD_TARGET : NEEDS_ENTRY_BAD_NAME;
  if (!strcmp(buf, self)) return NEEDS_ENTRY_SELF;
  return NEEDS_ENTRY_OK;
}

char const *needs_entry_reason(enum needs_entry_verdict verdict)
{
  switch (verdict) {
    case NEEDS_ENTRY_OK: return "a need";
    case NEEDS_ENTRY_BAD_NAME: return "not a service name (" SVINSTALL_NAME_RULE ")";
    case NEEDS_ENTRY_SELF: return "a service cannot need itself";
    case NEEDS_ENTRY_LOGGER: return "a logger (NAME/log) is not a need: name the service";
    case NEEDS_ENTRY_BAD_TARGET: return "a symlink whose target names no service";
  }
  return "?";
}

/* The edge taken from path[k] to path[k + 1]: the one before its cursor. */
static unsigned int edge_from(struct needs_work const *work, unsigned int k)
{
  return work->cursor[work->stack[k]] - 1;
}

unsigned int needs_break_cycles(struct needs_graph const *graph, bool *ignored, struct needs_work const *work,
                                needs_cycle_report *report, void *context)
{
  unsigned int found = 0;
  for (unsigned int i = 0; i < graph->n; i++) {
    work->mark[i] = UNSEEN;
    work->cursor[i] = graph->first[i];
  }
  for (unsigned int e = 0; e < graph->first[graph->n]; e++) ignored[e] = false;
  /* Iterative: 10,000 services in a chain must not need 10,000 frames. */
  for (unsigned int root = 0; root < graph->n; root++) {
    unsigned int depth = 0;
    if (work->mark[root] != UNSEEN) continue;
    work->stack[depth++] = root;
    work->mark[root] = ON_PATH;
    while (depth) {
      unsigned int at = work->stack[depth - 1];
      if (work->cursor[at] == graph->first[at + 1]) {
        work->mark[at] = DONE;
        depth--;
        continue;
      }
      unsigned int e = work->cursor[at]++;
      unsigned int to = graph->edge[e];
      if (ignored[e]) continue;
      if (work->mark[to] == UNSEEN) {
        work->mark[to] = ON_PATH;
        work->stack[depth++] = to;
      } else if (work->mark[to] == ON_PATH) {
        unsigned int from = depth;
        while (work->stack[from - 1] != to) from--;
        from--;
        /* path[from] = to ... path[depth - 1] = at, then back to to. */
        for (unsigned int k = from; k + 1 < depth; k++) ignored[edge_from(work, k)] = true;
        ignored[e] = true;
        found++;
        if (report) report(context, work->stack + from, depth - from);
      }
    }
  }
  return found;
}

unsigned int needs_waiting(struct needs_graph const *graph, bool const *ignored, unsigned int i,
                           enum needs_state const *state, unsigned int *waiting, unsigned int max)
{
  unsigned int count = 0;
  for (unsigned int e = graph->first[i]; e < graph->first[i + 1]; e++) {
    unsigned int need = graph->edge[e];
    bool seen = false;
    if (ignored && ignored[e]) continue;
    if (state[need] == NEED_READY) continue;
    /* The same need named twice (a file and a symlink) waits once. */
    for (unsigned int k = graph->first[i]; k < e && !seen; k++)
      seen = graph->edge[k] == need && !(ignored && ignored[k]);
    if (seen) continue;
    if (count < max) waiting[count] = need;
    count++;
  }
  return count;
}

void needs_stop_init(struct needs_graph const *graph, bool const *ignored, bool const *alive, unsigned int *dependents)
{
  for (unsigned int i = 0; i < graph->n; i++) dependents[i] = 0;
  for (unsigned int i = 0; i < graph->n; i++) {
    if (!alive[i]) continue;
    for (unsigned int e = graph->first[i]; e < graph->first[i + 1]; e++)
      if (!(ignored && ignored[e])) dependents[graph->edge[e]]++;
  }
}

unsigned int needs_stop_down(struct needs_graph const *graph, bool const *ignored, unsigned int i,
                             unsigned int *dependents, unsigned int *released)
{
  unsigned int count = 0;
  for (unsigned int e = graph->first[i]; e < graph->first[i + 1]; e++) {
    unsigned int need = graph->edge[e];
    if (ignored && ignored[e]) continue;
    if (dependents[need] && !--dependents[need]) released[count++] = need;
  }
  return count;
}
