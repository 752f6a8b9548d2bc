/* Unit test of lib/needs: which entry of needs/ names which service, the
   cycles and the edges they cost (every graph left acyclic, the same
   answer every time), the gate, and the stop in reverse (nothing stops
   before what needs it, nothing is left waiting). Random graphs from a
   fixed seed (VIGIL_SEED overrides). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "needs.h"
#include "tap.h"

#define MAX_N 10000
#define MAX_E 40000

static unsigned int first[MAX_N + 1], edge[MAX_E];
static bool ignored[MAX_E], ignored2[MAX_E];
static unsigned int stack[MAX_N], cursor[MAX_N];
static unsigned char mark[MAX_N];
static struct needs_work const work = { stack, cursor, mark };

static uint64_t rng_state;
static uint64_t rng_next(void)
{
  uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* Builds a graph from "from to" pairs, sorted into rows. */
static struct needs_graph build(unsigned int n, unsigned int const (*pairs)[2], unsigned int count)
{
  unsigned int e = 0;
  for (unsigned int i = 0; i < n; i++) {
    first[i] = e;
    for (unsigned int k = 0; k < count; k++)
      if (pairs[k][0] == i) edge[e++] = pairs[k][1];
  }
  first[n] = e;
  return (struct needs_graph){ n, first, edge };
}

/* What the reports said, as text: "a>b;" per cycle, services as letters. */
static char reported[4096];
static unsigned int reports_bad;
static struct needs_graph const *reported_graph;
static bool has_edge(struct needs_graph const *g, unsigned int from, unsigned int to)
{
  for (unsigned int e = g->first[from]; e < g->first[from + 1]; e++)
    if (g->edge[e] == to) return true;
  return false;
}
static void record(void *context, unsigned int const *members, unsigned int count)
{
  size_t len = strlen(reported);
  (void)context;
  for (unsigned int k = 0; k < count; k++) {
    if (!has_edge(reported_graph, members[k], members[(k + 1) % count])) reports_bad++;
    if (len + 3 < sizeof reported) {
      reported[len++] = members[k] < 26 ? (char)('a' + members[k]) : '#';
      reported[len++] = k + 1 < count ? '>' : ';';
    }
  }
  reported[len] = 0;
}
static unsigned int break_cycles(struct needs_graph const *g, bool *out)
{
  reported[0] = 0;
  reports_bad = 0;
  reported_graph = g;
  return needs_break_cycles(g, out, &work, record, 0);
}

/* Kahn's algorithm over the edges not ignored: true when no cycle is left. */
static bool acyclic(struct needs_graph const *g, bool const *skip)
{
  static unsigned int indegree[MAX_N], queue[MAX_N];
  unsigned int head = 0, tail = 0, seen = 0;
  for (unsigned int i = 0; i < g->n; i++) indegree[i] = 0;
  for (unsigned int e = 0; e < g->first[g->n]; e++) if (!skip[e]) indegree[g->edge[e]]++;
  for (unsigned int i = 0; i < g->n; i++) if (!indegree[i]) queue[tail++] = i;
  while (head < tail) {
    unsigned int at = queue[head++];
    seen++;
    for (unsigned int e = g->first[at]; e < g->first[at + 1]; e++)
      if (!skip[e] && !--indegree[g->edge[e]]) queue[tail++] = g->edge[e];
  }
  return seen == g->n;
}

static void test_entries(void)
{
  char const *name;
  size_t len;
  is_int(needs_entry("sshd", "udev", 0, &name, &len), NEEDS_ENTRY_OK, "an empty file names the service");
  ok(len == 4 && !memcmp(name, "udev", 4), "its name is the entry's");
  is_int(needs_entry("sshd", "x", "/run/service/network/", &name, &len), NEEDS_ENTRY_OK, "a symlink names its target's last component");
  ok(len == 7 && !memcmp(name, "network", 7), "trailing slashes aside");
  is_int(needs_entry("sshd", "x", "../udev", &name, &len), NEEDS_ENTRY_OK, "a relative symlink");
  is_int(needs_entry("sshd", "x", "udev", &name, &len), NEEDS_ENTRY_OK, "a bare target");
  is_int(needs_entry("sshd", "x", "../udev/log", &name, &len), NEEDS_ENTRY_LOGGER, "a symlink to NAME/log is refused");
  is_int(needs_entry("sshd", "x", "/run/service/udev/log/", &name, &len), NEEDS_ENTRY_LOGGER, "an absolute one too");
  is_int(needs_entry("sshd", "x", "../log", &name, &len), NEEDS_ENTRY_OK, "../log is a service called log");
  is_int(needs_entry("sshd", "log", 0, &name, &len), NEEDS_ENTRY_OK, "so is a file log");
  is_int(needs_entry("sshd", "x", "./log", &name, &len), NEEDS_ENTRY_OK, "and ./log");
  is_int(needs_entry("sshd", "sshd", 0, &name, &len), NEEDS_ENTRY_SELF, "a service needing itself is refused");
  is_int(needs_entry("sshd", "x", "../sshd", &name, &len), NEEDS_ENTRY_SELF, "through a symlink too");
  is_int(needs_entry("sshd", ".hidden", 0, &name, &len), NEEDS_ENTRY_BAD_NAME, "a dot name is refused");
  is_int(needs_entry("sshd", "a b", 0, &name, &len), NEEDS_ENTRY_BAD_NAME, "a name with a space is refused");
  is_int(needs_entry("sshd", "x", "/", &name, &len), NEEDS_ENTRY_BAD_TARGET, "a symlink to / names nothing");
  is_int(needs_entry("sshd", "x", "", &name, &len), NEEDS_ENTRY_BAD_TARGET, "an empty target names nothing");
  is_int(needs_entry("sshd", "x", "..", &name, &len), NEEDS_ENTRY_BAD_TARGET, "nor does ..");
  char long_name[300];
  memset(long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = 0;
  is_int(needs_entry("sshd", long_name, 0, &name, &len), NEEDS_ENTRY_BAD_NAME, "a name too long is refused");
  ok(strstr(needs_entry_reason(NEEDS_ENTRY_SELF), "itself") != 0, "each refusal has its reason");
}

static void test_cycles(void)
{
  /* a=0 b=1 c=2 d=3 e=4 */
  static unsigned int const two[][2] = { { 0, 1 }, { 1, 0 } };
  struct needs_graph g = build(2, two, 2);
  is_int(break_cycles(&g, ignored), 1, "a -> b -> a: one cycle");
  is_str(reported, "a>b;", "its members, in order");
  ok(ignored[0] && ignored[1], "both its edges are ignored");
  ok(acyclic(&g, ignored), "nothing is left to deadlock");

  static unsigned int const tail[][2] = { { 0, 1 }, { 1, 2 }, { 2, 3 }, { 3, 1 }, { 4, 0 } };
  g = build(5, tail, 5);
  is_int(break_cycles(&g, ignored), 1, "a -> b -> c -> d -> b, e -> a: one cycle");
  is_str(reported, "b>c>d;", "the cycle alone is named, not the way in");
  ok(!ignored[0] && !ignored[4], "the edges into the cycle stay");
  ok(ignored[1] && ignored[2] && ignored[3], "the cycle's three edges go");

  static unsigned int const shared[][2] = { { 0, 1 }, { 1, 0 }, { 1, 2 }, { 2, 1 } };
  g = build(3, shared, 4);
  is_int(break_cycles(&g, ignored), 2, "two cycles through one service: both found");
  ok(acyclic(&g, ignored), "and both broken");

  static unsigned int const dag[][2] = { { 0, 1 }, { 0, 2 }, { 1, 3 }, { 2, 3 }, { 4, 3 } };
  g = build(5, dag, 5);
  is_int(break_cycles(&g, ignored), 0, "a diamond is no cycle");
  ok(!ignored[0] && !ignored[1] && !ignored[2] && !ignored[3] && !ignored[4], "no edge of it is ignored");

  /* 10,000 services in a chain, closed at the end: no recursion to overflow. */
  for (unsigned int i = 0; i < MAX_N; i++) { first[i] = i; edge[i] = (i + 1) % MAX_N; }
  first[MAX_N] = MAX_N;
  g = (struct needs_graph){ MAX_N, first, edge };
  is_int(break_cycles(&g, ignored), 1, "a ring of 10,000: one cycle");
  ok(acyclic(&g, ignored), "broken");

  /* Random graphs: acyclic after, every report a real cycle, the same answer twice. */
  unsigned int bad_acyclic = 0, bad_same = 0, bad_reports = 0, with_cycles = 0;
  for (unsigned int round = 0; round < 300; round++) {
    unsigned int n = 2 + rng_next() % 60, count = rng_next() % (3 * n);
    static unsigned int pairs[MAX_E][2];
    for (unsigned int k = 0; k < count; k++) {
      pairs[k][0] = rng_next() % n;
      pairs[k][1] = rng_next() % n;
    }
    g = build(n, (unsigned int const (*)[2])pairs, count);
    if (break_cycles(&g, ignored)) with_cycles++;
    bad_reports += reports_bad;
    if (!acyclic(&g, ignored)) bad_acyclic++;
    break_cycles(&g, ignored2);
    if (memcmp(ignored, ignored2, first[n] * sizeof *ignored)) bad_same++;
  }
  ok(with_cycles > 50, "random graphs: many have cycles (%u of 300)", with_cycles);
  is_int(bad_acyclic, 0, "random graphs: none has a cycle left");
  is_int(bad_reports, 0, "random graphs: each reported cycle is one (each member needs the next)");
  is_int(bad_same, 0, "random graphs: the same edges ignored every time");
}

static void test_gate(void)
{
  /* a=0 needs b=1, c=2, d=3, b again, e=4 (edge 4 ignored) */
  static unsigned int const pairs[][2] = { { 0, 1 }, { 0, 2 }, { 0, 3 }, { 0, 1 }, { 0, 4 } };
  struct needs_graph g = build(5, pairs, 5);
  enum needs_state state[5] = { NEED_STARTING, NEED_READY, NEED_MISSING, NEED_WANTED_DOWN, NEED_FAILED };
  bool skip[5] = { false, false, false, false, true };
  unsigned int waiting[8];
  is_int(needs_waiting(&g, skip, 0, state, waiting, 8), 2, "waiting: the missing and the wanted-down need; the ready one and the ignored edge do not count");
  ok(waiting[0] == 2 && waiting[1] == 3, "waiting: named in entry order");
  state[1] = NEED_STARTING;
  is_int(needs_waiting(&g, skip, 0, state, waiting, 8), 3, "a need named twice waits once");
  is_int(needs_waiting(&g, skip, 0, state, waiting, 1), 3, "the count is whole when the room is not");
  state[1] = state[2] = state[3] = NEED_READY;
  is_int(needs_waiting(&g, skip, 0, state, waiting, 8), 0, "every need ready: the run may start");
  is_int(needs_waiting(&g, 0, 0, state, waiting, 8), 1, "without the ignored edges, the failed need holds it");
  is_int(needs_waiting(&g, skip, 1, state, waiting, 8), 0, "a service with no needs never waits");
}

/* Stops the graph as the scanner would; true when every service stopped
   and each only after every alive service that needs it. */
static bool stop_in_order(struct needs_graph const *g, bool const *skip, bool const *alive_at_start)
{
  static unsigned int dependents[MAX_N], ready[MAX_N], released[MAX_N];
  static bool alive[MAX_N];
  unsigned int count = 0, stopped = 0, want = 0;
  for (unsigned int i = 0; i < g->n; i++) { alive[i] = alive_at_start[i]; want += alive[i]; }
  needs_stop_init(g, skip, alive, dependents);
  for (unsigned int i = 0; i < g->n; i++) if (alive[i] && !dependents[i]) ready[count++] = i;
  while (count) {
    /* Any of the stoppable ones: the last, then a random swap. */
    unsigned int pick = rng_next() % count, at = ready[pick];
    ready[pick] = ready[--count];
    for (unsigned int j = 0; j < g->n; j++)
      if (alive[j] && j != at)
        for (unsigned int e = g->first[j]; e < g->first[j + 1]; e++)
          if (!(skip && skip[e]) && g->edge[e] == at) return false;
    alive[at] = false;
    stopped++;
    unsigned int r = needs_stop_down(g, skip, at, dependents, released);
    for (unsigned int k = 0; k < r; k++) if (alive[released[k]]) ready[count++] = released[k];
  }
  return stopped == want;
}

static void test_stop(void)
{
  /* c=2 needs b=1 needs a=0 */
  static unsigned int const chain[][2] = { { 1, 0 }, { 2, 1 } };
  struct needs_graph g = build(3, chain, 2);
  bool alive[3] = { true, true, true };
  unsigned int dependents[3], released[3];
  needs_stop_init(&g, 0, alive, dependents);
  ok(dependents[0] == 1 && dependents[1] == 1 && dependents[2] == 0, "a chain: only its last may stop first");
  is_int(needs_stop_down(&g, 0, 2, dependents, released), 1, "c down: one released");
  is_int(released[0], 1, "it is b");
  is_int(needs_stop_down(&g, 0, 1, dependents, released), 1, "b down: a released");
  is_int(needs_stop_down(&g, 0, 0, dependents, released), 0, "a down: nothing more");

  alive[2] = false;
  needs_stop_init(&g, 0, alive, dependents);
  ok(dependents[1] == 0, "a dependent already down does not hold a stop");

  unsigned int bad = 0;
  static bool alive_r[MAX_N];
  for (unsigned int round = 0; round < 300; round++) {
    unsigned int n = 2 + rng_next() % 60, count = rng_next() % (3 * n);
    static unsigned int pairs[MAX_E][2];
    for (unsigned int k = 0; k < count; k++) {
      pairs[k][0] = rng_next() % n;
      pairs[k][1] = rng_next() % n;
    }
    g = build(n, (unsigned int const (*)[2])pairs, count);
    break_cycles(&g, ignored);
    for (unsigned int i = 0; i < n; i++) alive_r[i] = rng_next() % 4 != 0;
    if (!stop_in_order(&g, ignored, alive_r)) bad++;
  }
  is_int(bad, 0, "random graphs, cycles broken: every service stops, each after what needs it");
}

int main(void)
{
  char const *seed = getenv("VIGIL_SEED");
  rng_state = seed ? strtoull(seed, 0, 10) : 20261206;
  test_entries();
  test_cycles();
  test_gate();
  test_stop();
  return done_testing();
}
