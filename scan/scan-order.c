/* The stop in reverse needs/ order. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "needs.h"
#include "needsdir.h"
#include "scan.h"
#include "scan-order.h"

/* Held from the stop's start to its end: the scanner exits or execs then. */
static struct {
  bool active;
  unsigned int n;
  uint32_t *slot;             /* index -> table slot */
  unsigned int *first, *edge, *dependents, *released;
  bool *ignored;
  int *index_of;              /* table slot -> index, or -1 */
} order;

static int by_slot_name(void const *a, void const *b)
{
  return strcmp(service_at(*(uint32_t const *)a)->name, service_at(*(uint32_t const *)b)->name);
}

static void remove_all(void)
{
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++)
    if (scan.table.services[slot].kind != SERVICE_FREE) service_remove(slot);
}

static int find_name(char const *name)
{
  unsigned int lo = 0, hi = order.n;
  while (lo < hi) {
    unsigned int mid = (lo + hi) / 2;
    int c = strcmp(service_at(order.slot[mid])->name, name);
    if (!c) return (int)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/* The graph of the services' needs, by name order. False when memory is
   short: then the stop is unordered, as before needs/ existed. */
static bool build(void)
{
  unsigned int cap = 0, edges = 0;
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++)
    if (service_at(slot)->kind == SERVICE_DIR) order.n++;
  order.slot = malloc((order.n + 1) * sizeof *order.slot);
  order.first = malloc((order.n + 1) * sizeof *order.first);
  order.index_of = malloc((scan.table.capacity + 1) * sizeof *order.index_of);
  if (!order.slot || !order.first || !order.index_of) return false;
  order.n = 0;
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++)
    if (service_at(slot)->kind == SERVICE_DIR) order.slot[order.n++] = slot;
  qsort(order.slot, order.n, sizeof *order.slot, by_slot_name);
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++) order.index_of[slot] = -1;
  for (unsigned int i = 0; i < order.n; i++) order.index_of[order.slot[i]] = (int)i;
  for (unsigned int i = 0; i < order.n; i++) {
    struct names needs = { 0 };
    char const *name = service_at(order.slot[i])->name;
    int dirfd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    order.first[i] = edges;
    if (dirfd < 0) continue;
    if (!read_needs(dirfd, name, &needs, false) && names_sort(&needs)) {
      for (unsigned int k = 0; k < needs.count; k++) {
        int to = find_name(needs.list[k]);
        if (to < 0) continue;
        if (edges == cap) {
          unsigned int *more = realloc(order.edge, (cap = cap ? 2 * cap : 64) * sizeof *order.edge);
          if (!more) {
            names_free(&needs);
            close(dirfd);
            return false;
          }
          order.edge = more;
        }
        order.edge[edges++] = (unsigned int)to;
      }
    }
    names_free(&needs);
    close(dirfd);
  }
  order.first[order.n] = edges;
  return true;
}

void order_stop_begin(void)
{
  unsigned int *stack, *cursor;
  unsigned char *mark;
  bool *alive;
  bool ok = build();
  unsigned int edges = ok ? order.first[order.n] : 0;
  order.ignored = malloc((edges + 1) * sizeof *order.ignored);
  order.dependents = malloc((order.n + 1) * sizeof *order.dependents);
  order.released = malloc((order.n + 1) * sizeof *order.released);
  stack = malloc((order.n + 1) * sizeof *stack);
  cursor = malloc((order.n + 1) * sizeof *cursor);
  mark = malloc(order.n + 1);
  alive = malloc((order.n + 1) * sizeof *alive);
  if (ok && order.ignored && order.dependents && order.released && stack && cursor && mark && alive) {
    struct needs_graph graph = { order.n, order.first, order.edge };
    struct needs_work work = { stack, cursor, mark };
    /* The supervisors said the cycles when they met them. */
    needs_break_cycles(&graph, order.ignored, &work, 0, 0);
    for (unsigned int i = 0; i < order.n; i++) alive[i] = service_at(order.slot[i])->parts[PART_MAIN].pid > 0;
    needs_stop_init(&graph, order.ignored, alive, order.dependents);
    order.active = true;
  }
  free(stack);
  free(cursor);
  free(mark);
  free(alive);
  if (!order.active) {
    remove_all();
    return;
  }
  /* Nothing alive needs them: down now. The rest waits its turn. */
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++) {
    int i = order.index_of[slot];
    if (scan.table.services[slot].kind == SERVICE_FREE) continue;
    if (i < 0 || !order.dependents[i]) service_remove(slot);
  }
}

void order_service_down(uint32_t slot)
{
  struct needs_graph graph = { order.n, order.first, order.edge };
  unsigned int count;
  int i;
  if (!order.active || slot >= scan.table.capacity || (i = order.index_of[slot]) < 0) return;
  order.index_of[slot] = -1;
  count = needs_stop_down(&graph, order.ignored, (unsigned int)i, order.dependents, order.released);
  for (unsigned int k = 0; k < count; k++) service_remove(order.slot[order.released[k]]);
}

void order_stop_all(void)
{
  order.active = false;
  remove_all();
}
