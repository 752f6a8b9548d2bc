/* vigil-analyze: what a status says of the boot, blame's and the plot's
   orders, the critical chain, times as text. No system calls. */
#include <string.h>

#include <skalibs/types.h>

#include "analyze.h"

enum analyze_record analyze_classify(struct svstatus const *status, bool readiness_expected, uint64_t now_boot_ns,
                                     struct svtime const *now_wall, struct analyze_service *service)
{
  service->format = status->format;
  service->restarts = status->restarts;
  service->supervised_ns = status->supervised_ns;
  service->spawn_ns = status->first_spawn_ns;
  service->ready_ns = 0;
  service->ready_now = false;
  /* Layout 1 and the foreign formats have no instants; a layout 2
     supervisor always records when it began. */
  if (status->format != SVSTATUS_FORMAT_VIGIL || !status->supervised_ns) return ANALYZE_NO_RECORD;
  if (status->supervised_ns > now_boot_ns) return ANALYZE_OTHER_BOOT;
  if (status->changed.sec + now_boot_ns / ANALYZE_NS_PER_S + 1 < now_wall->sec) return ANALYZE_OTHER_BOOT;
  if (!status->first_spawn_ns) return ANALYZE_NOT_STARTED;
  if (status->first_ready_ns) {
    /* Never before the spawn, whatever the file says. */
    service->ready_ns = status->first_ready_ns < status->first_spawn_ns ? status->first_spawn_ns : status->first_ready_ns;
    return ANALYZE_BOOT;
  }
  if (readiness_expected) {
    service->ready_now = status->ready;
    return ANALYZE_NOT_READY;
  }
  service->ready_ns = status->first_spawn_ns;
  return ANALYZE_BOOT;
}

char const *analyze_record_reason(struct analyze_service const *service)
{
  switch (service->record) {
    case ANALYZE_BOOT: return "ready";
    case ANALYZE_NOT_READY:
      if (service->ready_now) return "its first run never ready (ready after a restart)";
      return service->oneshot ? "its up has not succeeded" : "not ready";
    case ANALYZE_NOT_STARTED: return "not started";
    case ANALYZE_OTHER_BOOT: return "status from another boot";
    case ANALYZE_NO_RECORD:
      switch (service->format) {
        case SVSTATUS_FORMAT_DAEMONTOOLS: return "no boot record: daemontools' status";
        case SVSTATUS_FORMAT_RUNIT: return "no boot record: runit's status";
        case SVSTATUS_FORMAT_VIGIL: return "no boot record: an older vigil's status";
      }
      return "no boot record";
    case ANALYZE_NO_STATUS: return "no status";
  }
  return "unknown";
}

static uint64_t duration(struct analyze_service const *service)
{
  return service->ready_ns - service->spawn_ns;
}

/* ---- sorting indices by a comparison that needs the boot ---- */

typedef int compare_fn(struct analyze_boot const *boot, unsigned int a, unsigned int b);

static int compare_u64(uint64_t a, uint64_t b)
{
  return a < b ? -1 : a > b;
}

/* Every comparison ends on the index (name order: a service, then its
   logger), so that no two differ and any sort gives the same order. */
static int compare_blame(struct analyze_boot const *boot, unsigned int a, unsigned int b)
{
  struct analyze_service const *x = &boot->service[a], *y = &boot->service[b];
  bool x_boot = x->record == ANALYZE_BOOT, y_boot = y->record == ANALYZE_BOOT;
  int c;
  if (x_boot != y_boot) return x_boot ? -1 : 1;
  if (x_boot) {
    if ((c = compare_u64(duration(y), duration(x)))) return c;
    if ((c = compare_u64(x->spawn_ns, y->spawn_ns))) return c;
  }
  return compare_u64(a, b);
}

static int compare_spawn(struct analyze_boot const *boot, unsigned int a, unsigned int b)
{
  struct analyze_service const *x = &boot->service[a], *y = &boot->service[b];
  int c;
  if ((c = compare_u64(x->spawn_ns, y->spawn_ns))) return c;
  if ((c = compare_u64(x->supervised_ns, y->supervised_ns))) return c;
  return compare_u64(a, b);
}

static void sift_down(struct analyze_boot const *boot, compare_fn *compare, unsigned int *list, unsigned int root,
                      unsigned int count)
{
  for (;;) {
    unsigned int child = 2 * root + 1, largest = root;
    if (child < count && compare(boot, list[child], list[largest]) > 0) largest = child;
    if (child + 1 < count && compare(boot, list[child + 1], list[largest]) > 0) largest = child + 1;
    if (largest == root) return;
    unsigned int swap = list[root];
    list[root] = list[largest];
    list[largest] = swap;
    root = largest;
  }
}

/* Heapsort: in place, no allocation, n log n for 10,000 dirs. */
static void sort_indices(struct analyze_boot const *boot, compare_fn *compare, unsigned int *list, unsigned int count)
{
  for (unsigned int i = count / 2; i-- > 0;) sift_down(boot, compare, list, i, count);
  for (unsigned int end = count; end-- > 1;) {
    unsigned int swap = list[0];
    list[0] = list[end];
    list[end] = swap;
    sift_down(boot, compare, list, 0, end);
  }
}

void analyze_blame_order(struct analyze_boot const *boot, unsigned int *order)
{
  for (unsigned int i = 0; i < boot->count; i++) order[i] = i;
  sort_indices(boot, compare_blame, order, boot->count);
}

unsigned int analyze_boot_order(struct analyze_boot const *boot, unsigned int *order)
{
  unsigned int count = 0;
  for (unsigned int i = 0; i < boot->count; i++)
    if (boot->service[i].record == ANALYZE_BOOT || boot->service[i].record == ANALYZE_NOT_READY) order[count++] = i;
  sort_indices(boot, compare_spawn, order, count);
  return count;
}

int analyze_last_ready(struct analyze_boot const *boot)
{
  int last = -1;
  for (unsigned int i = 0; i < boot->count; i++) {
    struct analyze_service const *s = &boot->service[i];
    if (s->record != ANALYZE_BOOT) continue;
    if (last >= 0) {
      struct analyze_service const *best = &boot->service[last];
      if (s->ready_ns < best->ready_ns) continue;
      if (s->ready_ns == best->ready_ns && s->spawn_ns <= best->spawn_ns) continue;
    }
    last = (int)i;
  }
  return last;
}

static bool in_chain(unsigned int const *chain, unsigned int length, unsigned int i)
{
  for (unsigned int k = 0; k < length; k++)
    if (chain[k] == i) return true;
  return false;
}

unsigned int analyze_chain(struct analyze_boot const *boot, unsigned int from, unsigned int *chain)
{
  unsigned int length = 0, at = from;
  for (;;) {
    struct analyze_service const *here = &boot->service[at];
    int next = -1;
    chain[length++] = at;
    for (unsigned int e = boot->needs.first[at]; e < boot->needs.first[at + 1]; e++) {
      unsigned int need = boot->needs.edge[e];
      struct analyze_service const *s = &boot->service[need];
      if (s->record != ANALYZE_BOOT || s->ready_ns > here->spawn_ns) continue;
      /* Equal instants could lead back: a service is in a chain once. */
      if (in_chain(chain, length, need)) continue;
      if (next < 0 || s->ready_ns > boot->service[next].ready_ns) next = (int)need;
    }
    if (next < 0 || length == boot->count) return length;
    at = (unsigned int)next;
  }
}

size_t analyze_fmt_time(char *out, uint64_t ns)
{
  uint64_t ms = ns / ANALYZE_NS_PER_MS;
  size_t len;
  if (ms < 1000) {
    len = uint64_fmt(out, ms);
    memcpy(out + len, "ms", 2);
    return len + 2;
  }
  len = uint64_fmt(out, ms / 1000);
  out[len++] = '.';
  len += uint640_fmt(out + len, ms % 1000, 3);
  out[len++] = 's';
  return len;
}
