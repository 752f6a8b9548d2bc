/* Unit test of scan/scan-index (the open-addressing hash index: insert,
   find, growth, backward-shift removal) and scan/scan-table (the scanner's
   table of service dirs: lookups by identity, name, pid and watch, and the
   list of deadlines). Random keys from a fixed seed (VIGIL_SEED overrides);
   a hash with few distinct values forces long collision runs, some of
   them wrapping around the end of the slot array. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <skalibs/tai.h>

#include "scan-index.h"
#include "scan-table.h"
#include "tap.h"

/* Enough to grow the index many times (64 -> 32768 slots). */
#define MANY_VALUES 20000
/* With a hash of 8 values every probe walks a run as long as the index,
   and a full check after each removal is quadratic: keep it smaller. */
#define COLLIDING_VALUES 1500
/* Random insert/remove operations checked against a plain array. */
#define CHURN_OPERATIONS 200000
#define CHURN_KEYS 3000
/* Service slots: past the table's first growths (64, 128, ...). */
#define TABLE_SERVICES 3000
#define DEADLINE_ROUNDS 20

static uint64_t rng_state;

/* splitmix64: a fixed seed gives the same run every time. */
static uint64_t rng_next(void)
{
  uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static uint32_t rng_below(uint32_t bound)
{
  return (uint32_t)(rng_next() % bound);
}

static void shuffle(uint32_t *items, uint32_t count)
{
  for (uint32_t i = count; i > 1; i--) {
    uint32_t j = rng_below(i);
    uint32_t swap = items[i - 1];
    items[i - 1] = items[j];
    items[j] = swap;
  }
}

/* --- scan_index on its own: values 0..n-1 stand for keys[value] --- */

enum hash_kind {
  HASH_SPREAD,        /* scan_index_mix: what the table uses */
  HASH_COLLIDING      /* 8 distinct values, half of them at the end of any table */
};

struct keyed {
  uint64_t *keys;
  enum hash_kind kind;
};

static uint64_t hash_key(struct keyed const *keyed, uint64_t key)
{
  switch (keyed->kind) {
    case HASH_SPREAD:
      return scan_index_mix(key);
    case HASH_COLLIDING:
      /* 0..3 land at the start of the slots, UINT64_MAX-0..3 at the very
         end: runs from there wrap around to slot 0. */
      return key & 4 ? UINT64_MAX - (key & 3) : key & 3;
  }
  return 0;
}

static uint64_t keyed_hash_of(uint32_t value, void *context)
{
  struct keyed *keyed = context;
  return hash_key(keyed, keyed->keys[value]);
}

static int keyed_match(uint32_t value, void const *key, void *context)
{
  struct keyed *keyed = context;
  return keyed->keys[value] == *(uint64_t const *)key;
}

static uint32_t keyed_find(struct scan_index const *index, struct keyed *keyed, uint64_t key)
{
  return scan_index_find(index, hash_key(keyed, key), &key, keyed_match);
}

/* Distinct random keys (a duplicate would make "find" ambiguous). */
static uint64_t *random_keys(uint32_t count)
{
  uint64_t *keys = malloc(count * sizeof *keys);
  if (!keys) {
    diag("out of memory");
    exit(1);
  }
  for (uint32_t i = 0; i < count; i++) {
    uint64_t key;
    bool duplicate;
    do {
      key = rng_next();
      duplicate = false;
      /* Keys are random 64-bit numbers: this loop practically never repeats,
         but the check keeps the test exact. Linear, so only for small counts. */
      if (count <= CHURN_KEYS)
        for (uint32_t j = 0; j < i && !duplicate; j++) duplicate = keys[j] == key;
    } while (duplicate);
    keys[i] = key;
  }
  return keys;
}

/* Returns the first value in present[] not found (or found as another
   value), or SCAN_INDEX_NONE when all are found. */
static uint32_t first_lost(struct scan_index const *index, struct keyed *keyed, uint32_t const *present, uint32_t count)
{
  for (uint32_t i = 0; i < count; i++) {
    uint32_t value = present[i];
    if (keyed_find(index, keyed, keyed->keys[value]) != value) return value;
  }
  return SCAN_INDEX_NONE;
}

static bool power_of_two(uint32_t n)
{
  return n && !(n & (n - 1));
}

static void test_index_empty(void)
{
  struct keyed keyed = { .kind = HASH_SPREAD };
  struct scan_index index;
  uint64_t keys[1] = { 42 };
  keyed.keys = keys;
  scan_index_init(&index, keyed_hash_of, &keyed);
  is_uint(keyed_find(&index, &keyed, 42), SCAN_INDEX_NONE, "index: find in an empty index gives NONE");
  scan_index_remove(&index, 0);
  is_uint(index.count, 0, "index: removing from an empty index is harmless");
  is_int(scan_index_insert(&index, 0), 0, "index: first insert succeeds");
  ok(index.capacity >= 1 && power_of_two(index.capacity), "index: first insert allocates a power-of-two table (%u)", index.capacity);
  is_uint(keyed_find(&index, &keyed, 42), 0, "index: the value is found by its key");
  is_uint(keyed_find(&index, &keyed, 43), SCAN_INDEX_NONE, "index: another key is not found");
  scan_index_remove(&index, 0);
  is_uint(index.count, 0, "index: count back to 0 after removal");
  is_uint(keyed_find(&index, &keyed, 42), SCAN_INDEX_NONE, "index: removed value is not found");
  scan_index_free(&index);
  is_uint(keyed_find(&index, &keyed, 42), SCAN_INDEX_NONE, "index: find after free gives NONE");
}

/* Insert count values, checking growth; then remove them in random order,
   checking after each removal that the removed one is gone and every other
   one is still found (backward shift must not break a probe run). */
static void test_index_many(enum hash_kind kind, uint32_t count, char const *label)
{
  struct keyed keyed = { .kind = kind, .keys = random_keys(count) };
  struct scan_index index;
  uint32_t *order = malloc(count * sizeof *order);
  uint32_t lost = SCAN_INDEX_NONE, lost_after = 0, wrong_count = 0, not_gone = SCAN_INDEX_NONE;
  uint32_t inserted_lost = SCAN_INDEX_NONE, growths = 0, previous_capacity = 0;
  bool capacity_ok = true, load_ok = true, insert_ok = true;
  if (!order) exit(1);
  for (uint32_t i = 0; i < count; i++) order[i] = i;
  shuffle(order, count);
  scan_index_init(&index, keyed_hash_of, &keyed);

  for (uint32_t i = 0; i < count; i++) {
    if (scan_index_insert(&index, order[i]) < 0) insert_ok = false;
    if (index.capacity != previous_capacity) {
      growths++;
      if (!power_of_two(index.capacity) || (previous_capacity && index.capacity != previous_capacity * 2))
        capacity_ok = false;
      previous_capacity = index.capacity;
      /* Right after each growth, every value so far must have been moved. */
      if (inserted_lost == SCAN_INDEX_NONE) inserted_lost = first_lost(&index, &keyed, order, i + 1);
    }
    if ((uint64_t)index.count * 100 > (uint64_t)index.capacity * 70) load_ok = false;
  }
  ok(insert_ok, "%s: %u inserts succeed", label, count);
  is_uint(index.count, count, "%s: count is %u", label, count);
  ok(capacity_ok && growths > 1, "%s: the index grew %u times, doubling a power of two (now %u)", label, growths, index.capacity);
  ok(load_ok, "%s: never more than 70%% full", label);
  is_uint(inserted_lost, SCAN_INDEX_NONE, "%s: every value found after each growth and after all inserts", label);
  is_uint(first_lost(&index, &keyed, order, count), SCAN_INDEX_NONE, "%s: all %u values found", label, count);

  /* Keys never inserted are not found. */
  {
    uint32_t false_hits = 0;
    for (uint32_t i = 0; i < 1000; i++) {
      uint64_t key = rng_next() | 1;
      bool known = false;
      for (uint32_t j = 0; j < count && !known; j++) known = keyed.keys[j] == key;
      if (!known && keyed_find(&index, &keyed, key) != SCAN_INDEX_NONE) false_hits++;
    }
    is_uint(false_hits, 0, "%s: 1000 unknown keys are not found", label);
  }

  shuffle(order, count);
  for (uint32_t removed = 0; removed < count; removed++) {
    uint32_t value = order[removed];
    scan_index_remove(&index, value);
    if (index.count != count - removed - 1 && !wrong_count) wrong_count = removed + 1;
    if (not_gone == SCAN_INDEX_NONE && keyed_find(&index, &keyed, keyed.keys[value]) != SCAN_INDEX_NONE) not_gone = value;
    if (lost == SCAN_INDEX_NONE) {
      lost = first_lost(&index, &keyed, order + removed + 1, count - removed - 1);
      if (lost != SCAN_INDEX_NONE) lost_after = removed + 1;
    }
  }
  is_uint(wrong_count, 0, "%s: count drops by one per removal", label);
  is_uint(not_gone, SCAN_INDEX_NONE, "%s: a removed value is no longer found", label);
  if (!is_uint(lost, SCAN_INDEX_NONE, "%s: after each removal, every remaining value is still found", label))
    diag("value %u lost after %u removals", lost, lost_after);
  is_uint(index.count, 0, "%s: empty after removing all", label);
  {
    uint32_t used = 0;
    for (uint32_t i = 0; i < index.capacity; i++) used += index.slots[i] != 0;
    is_uint(used, 0, "%s: every slot is empty again", label);
  }
  /* Removing an absent value changes nothing. */
  scan_index_insert(&index, 0);
  scan_index_remove(&index, 1);
  is_uint(index.count, 1, "%s: removing an absent value changes nothing", label);
  is_uint(keyed_find(&index, &keyed, keyed.keys[0]), 0, "%s: and the present one is still found", label);
  scan_index_free(&index);
  free(order);
  free(keyed.keys);
}

/* Random inserts and removals, checked against a plain membership array. */
static void test_index_churn(enum hash_kind kind, char const *label)
{
  struct keyed keyed = { .kind = kind, .keys = random_keys(CHURN_KEYS) };
  struct scan_index index;
  bool member[CHURN_KEYS] = { false };
  uint32_t members = 0, mismatch_op = 0, full_mismatch = SCAN_INDEX_NONE;
  scan_index_init(&index, keyed_hash_of, &keyed);
  for (uint32_t op = 0; op < CHURN_OPERATIONS; op++) {
    uint32_t value = rng_below(CHURN_KEYS);
    /* Grow towards the full set, then shrink, then grow again. */
    bool want_insert = rng_below(100) < ((op / 20000) % 2 ? 30 : 70);
    if (want_insert && !member[value]) {
      scan_index_insert(&index, value);
      member[value] = true;
      members++;
    } else if (!want_insert && member[value]) {
      scan_index_remove(&index, value);
      member[value] = false;
      members--;
    }
    if (!mismatch_op) {
      uint32_t probe = rng_below(CHURN_KEYS);
      uint32_t found = keyed_find(&index, &keyed, keyed.keys[probe]);
      if (found != (member[probe] ? probe : SCAN_INDEX_NONE) || index.count != members) mismatch_op = op + 1;
    }
    if (op % 10000 == 9999 && full_mismatch == SCAN_INDEX_NONE)
      for (uint32_t v = 0; v < CHURN_KEYS; v++)
        if (keyed_find(&index, &keyed, keyed.keys[v]) != (member[v] ? v : SCAN_INDEX_NONE)) {
          full_mismatch = v;
          break;
        }
  }
  is_uint(mismatch_op, 0, "%s: %u random inserts/removals agree with a plain array at each step", label, CHURN_OPERATIONS);
  is_uint(full_mismatch, SCAN_INDEX_NONE, "%s: every key agrees at each 10,000th step", label);
  scan_index_free(&index);
  free(keyed.keys);
}

static void test_index_mix(void)
{
  /* Consecutive numbers (pids, inodes) must spread over the low bits. */
  uint32_t buckets[64] = { 0 }, empty = 0;
  for (uint64_t n = 1; n <= 6400; n++) buckets[scan_index_mix(n) & 63]++;
  for (int i = 0; i < 64; i++) empty += buckets[i] == 0;
  is_uint(empty, 0, "mix: 6400 consecutive numbers reach all 64 low-bit buckets");
  ok(scan_index_mix(1) != scan_index_mix(2), "mix: 1 and 2 hash differently");
}

/* --- scan_table --- */

static struct scan_table table;   /* static: its indexes keep a pointer to it */

static void name_of_number(char *out, size_t size, uint32_t n)
{
  /* Names as a scan dir has them, spaces and a newline included. */
  snprintf(out, size, n % 7 ? "service-%u" : "odd name %u\nline two", n);
}

static uint32_t table_value(uint32_t slot, enum part_role role)
{
  return slot * PART_COUNT + role;
}

static void test_table_services(void)
{
  uint32_t slots[TABLE_SERVICES];
  uint32_t bad_add = SCAN_INDEX_NONE, bad_identity = SCAN_INDEX_NONE, bad_name = SCAN_INDEX_NONE;
  char name[64];
  scan_table_init(&table);
  is_uint(scan_table_find_name(&table, "nothing"), SCAN_INDEX_NONE, "table: find by name in an empty table gives NONE");
  is_uint(scan_table_find_identity(&table, 1, 1), SCAN_INDEX_NONE, "table: find by identity in an empty table gives NONE");
  is_uint(scan_table_find_pid(&table, 1), SCAN_INDEX_NONE, "table: find by pid in an empty table gives NONE");
  is_uint(scan_table_find_watch(&table, 1), SCAN_INDEX_NONE, "table: find by watch in an empty table gives NONE");

  for (uint32_t n = 0; n < TABLE_SERVICES; n++) {
    name_of_number(name, sizeof name, n);
    /* Two devices, inodes that repeat across them: identity is the pair. */
    slots[n] = scan_table_add(&table, SERVICE_DIR, name, 1 + n % 2, 1000 + n / 2);
    if (slots[n] == SCAN_INDEX_NONE && bad_add == SCAN_INDEX_NONE) bad_add = n;
  }
  is_uint(bad_add, SCAN_INDEX_NONE, "table: %u services added", TABLE_SERVICES);
  is_uint(table.count, TABLE_SERVICES, "table: count is %u", TABLE_SERVICES);
  {
    bool distinct = true;
    bool *used = calloc(table.capacity, sizeof *used);
    for (uint32_t n = 0; n < TABLE_SERVICES && used; n++) {
      if (slots[n] >= table.capacity || used[slots[n]]) distinct = false;
      else used[slots[n]] = true;
    }
    ok(used && distinct, "table: every service has its own slot");
    free(used);
  }
  for (uint32_t n = 0; n < TABLE_SERVICES; n++) {
    name_of_number(name, sizeof name, n);
    if (bad_identity == SCAN_INDEX_NONE && scan_table_find_identity(&table, 1 + n % 2, 1000 + n / 2) != slots[n]) bad_identity = n;
    if (bad_name == SCAN_INDEX_NONE && scan_table_find_name(&table, name) != slots[n]) bad_name = n;
  }
  is_uint(bad_identity, SCAN_INDEX_NONE, "table: each found by identity (after growth)");
  is_uint(bad_name, SCAN_INDEX_NONE, "table: each found by name, spaces and newlines included");
  is_str(table.services[slots[7]].name, "odd name 7\nline two", "table: the name is kept as given");
  is_uint(scan_table_find_identity(&table, 3, 1000), SCAN_INDEX_NONE, "table: an unknown device is not found");
  is_uint(scan_table_find_identity(&table, 1, 999), SCAN_INDEX_NONE, "table: an unknown inode is not found");
  is_uint(scan_table_find_name(&table, "service-"), SCAN_INDEX_NONE, "table: a prefix of a name is not found");

  /* An ignored name: by name only. */
  {
    uint32_t ignored = scan_table_add(&table, SERVICE_IGNORED, "a-file", 0, 0);
    ok(ignored != SCAN_INDEX_NONE, "table: an ignored name is added");
    is_uint(scan_table_find_name(&table, "a-file"), ignored, "table: the ignored name is found by name");
    is_uint(scan_table_find_identity(&table, 0, 0), SCAN_INDEX_NONE, "table: the ignored name has no identity");
    is_int(table.services[ignored].kind, SERVICE_IGNORED, "table: kind is SERVICE_IGNORED");
    scan_table_remove(&table, ignored);
    is_uint(scan_table_find_name(&table, "a-file"), SCAN_INDEX_NONE, "table: removed ignored name is gone");
  }

  /* A fresh slot starts clean. */
  {
    struct service const *service = &table.services[slots[5]];
    ok(service->pipe[0] == -1 && service->pipe[1] == -1, "table: a new service has no pipe");
    ok(service->parts[PART_MAIN].watch == -1 && service->parts[PART_LOG].watch == -1, "table: nor watches");
    ok(service->parts[PART_MAIN].pid == 0 && service->parts[PART_LOG].pid == 0, "table: nor pids");
    ok(!service->parts[PART_MAIN].has_deadline && !service->parts[PART_LOG].has_deadline, "table: nor deadlines");
    is_uint(service->timer_slot, SCAN_INDEX_NONE, "table: and is not in the timer list");
  }

  /* Rename: the new name finds the same slot, the old one nothing. */
  {
    uint32_t slot = slots[10];
    name_of_number(name, sizeof name, 10);
    is_int(scan_table_rename(&table, slot, "renamed"), 0, "table: rename succeeds");
    is_uint(scan_table_find_name(&table, "renamed"), slot, "table: found by its new name");
    is_uint(scan_table_find_name(&table, name), SCAN_INDEX_NONE, "table: not by its old name");
    is_uint(scan_table_find_identity(&table, 1 + 10 % 2, 1000 + 10 / 2), slot, "table: identity unchanged by rename");
    is_int(scan_table_rename(&table, slot, name), 0, "table: rename back");
    is_uint(scan_table_find_name(&table, name), slot, "table: found by its name again");
    is_uint(scan_table_find_name(&table, "renamed"), SCAN_INDEX_NONE, "table: the other name is gone");
  }

  /* Remove every other service, in random order, checking the rest each time. */
  {
    uint32_t order[TABLE_SERVICES / 2], lost = SCAN_INDEX_NONE, not_gone = SCAN_INDEX_NONE;
    for (uint32_t i = 0; i < TABLE_SERVICES / 2; i++) order[i] = 2 * i;
    shuffle(order, TABLE_SERVICES / 2);
    for (uint32_t i = 0; i < TABLE_SERVICES / 2; i++) {
      uint32_t n = order[i];
      name_of_number(name, sizeof name, n);
      scan_table_remove(&table, slots[n]);
      if (not_gone == SCAN_INDEX_NONE && (scan_table_find_name(&table, name) != SCAN_INDEX_NONE ||
                                         scan_table_find_identity(&table, 1 + n % 2, 1000 + n / 2) != SCAN_INDEX_NONE))
        not_gone = n;
      /* The odd ones stay. Checking all of them each time is 1500 x 1500 probes. */
      for (uint32_t m = 1; m < TABLE_SERVICES && lost == SCAN_INDEX_NONE; m += 2) {
        char other[64];
        name_of_number(other, sizeof other, m);
        if (scan_table_find_name(&table, other) != slots[m] || scan_table_find_identity(&table, 1 + m % 2, 1000 + m / 2) != slots[m])
          lost = m;
      }
    }
    is_uint(not_gone, SCAN_INDEX_NONE, "table: a removed service is found neither by name nor by identity");
    is_uint(lost, SCAN_INDEX_NONE, "table: after each removal every remaining service is found by name and identity");
    is_uint(table.count, TABLE_SERVICES / 2, "table: count is halved");
    is_int(table.services[slots[0]].kind, SERVICE_FREE, "table: a removed slot is SERVICE_FREE");
    ok(table.services[slots[0]].name == 0, "table: and its name is freed");
  }

  /* A freed slot is reused; its old name and identity do not come back. */
  {
    uint32_t again = scan_table_add(&table, SERVICE_DIR, "newcomer", 9, 9);
    uint32_t last_removed = SCAN_INDEX_NONE;
    ok(again != SCAN_INDEX_NONE && table.services[again].kind == SERVICE_DIR, "table: add after removals succeeds");
    for (uint32_t n = 0; n < TABLE_SERVICES; n += 2)
      if (slots[n] == again) last_removed = n;
    ok(last_removed != SCAN_INDEX_NONE, "table: it reuses a freed slot");
    is_uint(scan_table_find_identity(&table, 9, 9), again, "table: found by identity");
    is_uint(scan_table_find_name(&table, "newcomer"), again, "table: found by name");
    is_uint(table.count, TABLE_SERVICES / 2 + 1, "table: count up by one");
    scan_table_remove(&table, again);
  }
}

/* Pids and watches: set, move, clear; remove clears them too. */
static void test_table_pids_watches(void)
{
  uint32_t a = scan_table_add(&table, SERVICE_DIR, "pid-a", 77, 1);
  uint32_t b = scan_table_add(&table, SERVICE_DIR, "pid-b", 77, 2);
  uint32_t bad = SCAN_INDEX_NONE;
  /* Many services, two parts each, consecutive pids and watches as the kernel gives them. */
  enum { COUNT = 2000 };
  static uint32_t many[COUNT];
  ok(a != SCAN_INDEX_NONE && b != SCAN_INDEX_NONE, "pids: two services added");

  is_int(scan_table_set_pid(&table, a, PART_MAIN, 1234), 0, "pids: set_pid succeeds");
  is_uint(scan_table_find_pid(&table, 1234), table_value(a, PART_MAIN), "pids: found as slot*2+main");
  is_int(table.services[a].parts[PART_MAIN].pid, 1234, "pids: the part holds the pid");
  scan_table_set_pid(&table, a, PART_LOG, 1235);
  is_uint(scan_table_find_pid(&table, 1235), table_value(a, PART_LOG), "pids: the logger's pid is found as slot*2+log");
  scan_table_set_pid(&table, a, PART_MAIN, 4321);
  is_uint(scan_table_find_pid(&table, 1234), SCAN_INDEX_NONE, "pids: after a new pid, the old one is not found");
  is_uint(scan_table_find_pid(&table, 4321), table_value(a, PART_MAIN), "pids: the new one is");
  is_uint(scan_table_find_pid(&table, 1235), table_value(a, PART_LOG), "pids: the other part is untouched");
  is_uint(table.alive[PART_MAIN], 1, "alive: a new pid for a live part counts once");
  is_uint(table.alive[PART_LOG], 1, "alive: one logger");
  scan_table_set_pid(&table, a, PART_MAIN, 0);
  is_uint(scan_table_find_pid(&table, 4321), SCAN_INDEX_NONE, "pids: pid 0 clears it");
  is_uint(table.alive[PART_MAIN], 0, "alive: pid 0 uncounts it");
  scan_table_set_pid(&table, a, PART_MAIN, 0);
  is_uint(table.alive[PART_MAIN], 0, "alive: clearing twice does not go below zero");
  is_uint(scan_table_find_pid(&table, 0), SCAN_INDEX_NONE, "pids: pid 0 is never found");
  is_uint(scan_table_find_pid(&table, -1), SCAN_INDEX_NONE, "pids: a negative pid is never found");
  /* A pid reused by another service (the first one died). */
  scan_table_set_pid(&table, a, PART_LOG, 0);
  scan_table_set_pid(&table, b, PART_MAIN, 1235);
  is_uint(scan_table_find_pid(&table, 1235), table_value(b, PART_MAIN), "pids: a reused pid finds its new owner");
  is_uint(table.alive[PART_MAIN] + table.alive[PART_LOG], 1, "alive: one part alive in all");

  is_int(scan_table_set_watch(&table, a, PART_MAIN, 0), 0, "watches: set_watch 0 succeeds (0 is a valid watch)");
  is_uint(scan_table_find_watch(&table, 0), table_value(a, PART_MAIN), "watches: watch 0 is found");
  scan_table_set_watch(&table, b, PART_LOG, 5);
  is_uint(scan_table_find_watch(&table, 5), table_value(b, PART_LOG), "watches: found as slot*2+log");
  scan_table_set_watch(&table, b, PART_LOG, 6);
  is_uint(scan_table_find_watch(&table, 5), SCAN_INDEX_NONE, "watches: the old watch is not found after a move");
  is_uint(scan_table_find_watch(&table, 6), table_value(b, PART_LOG), "watches: the new one is");
  scan_table_set_watch(&table, a, PART_MAIN, -1);
  is_uint(scan_table_find_watch(&table, 0), SCAN_INDEX_NONE, "watches: -1 clears it");
  is_uint(scan_table_find_watch(&table, -1), SCAN_INDEX_NONE, "watches: -1 is never found");

  /* Removing a service drops its pid and watch from the indexes. */
  scan_table_remove(&table, b);
  is_uint(scan_table_find_pid(&table, 1235), SCAN_INDEX_NONE, "remove: its pid is no longer found");
  is_uint(scan_table_find_watch(&table, 6), SCAN_INDEX_NONE, "remove: nor its watch");
  scan_table_remove(&table, a);

  for (uint32_t n = 0; n < COUNT; n++) {
    char name[32];
    snprintf(name, sizeof name, "many-%u", n);
    many[n] = scan_table_add(&table, SERVICE_DIR, name, 78, n);
    scan_table_set_pid(&table, many[n], PART_MAIN, (pid_t)(10000 + 2 * n));
    scan_table_set_pid(&table, many[n], PART_LOG, (pid_t)(10001 + 2 * n));
    scan_table_set_watch(&table, many[n], PART_MAIN, (int)(2 * n + 1));
    scan_table_set_watch(&table, many[n], PART_LOG, (int)(2 * n + 2));
  }
  for (uint32_t n = 0; n < COUNT && bad == SCAN_INDEX_NONE; n++)
    if (scan_table_find_pid(&table, (pid_t)(10000 + 2 * n)) != table_value(many[n], PART_MAIN) ||
        scan_table_find_pid(&table, (pid_t)(10001 + 2 * n)) != table_value(many[n], PART_LOG) ||
        scan_table_find_watch(&table, (int)(2 * n + 1)) != table_value(many[n], PART_MAIN) ||
        scan_table_find_watch(&table, (int)(2 * n + 2)) != table_value(many[n], PART_LOG))
      bad = n;
  is_uint(bad, SCAN_INDEX_NONE, "pids/watches: %u services, each part found by pid and by watch", COUNT);

  /* Every supervisor restarts: each pid moves to a new one, in random order. */
  {
    uint32_t order[COUNT], stale = SCAN_INDEX_NONE, missing = SCAN_INDEX_NONE;
    for (uint32_t i = 0; i < COUNT; i++) order[i] = i;
    shuffle(order, COUNT);
    for (uint32_t i = 0; i < COUNT; i++) {
      uint32_t n = order[i];
      scan_table_set_pid(&table, many[n], PART_MAIN, (pid_t)(50000 + n));
      scan_table_set_watch(&table, many[n], PART_LOG, (int)(100000 + n));
    }
    for (uint32_t n = 0; n < COUNT; n++) {
      if (stale == SCAN_INDEX_NONE && (scan_table_find_pid(&table, (pid_t)(10000 + 2 * n)) != SCAN_INDEX_NONE ||
                                       scan_table_find_watch(&table, (int)(2 * n + 2)) != SCAN_INDEX_NONE))
        stale = n;
      if (missing == SCAN_INDEX_NONE && (scan_table_find_pid(&table, (pid_t)(50000 + n)) != table_value(many[n], PART_MAIN) ||
                                         scan_table_find_pid(&table, (pid_t)(10001 + 2 * n)) != table_value(many[n], PART_LOG) ||
                                         scan_table_find_watch(&table, (int)(100000 + n)) != table_value(many[n], PART_LOG) ||
                                         scan_table_find_watch(&table, (int)(2 * n + 1)) != table_value(many[n], PART_MAIN)))
        missing = n;
    }
    is_uint(stale, SCAN_INDEX_NONE, "pids/watches: after moving, no old pid or watch is found");
    is_uint(missing, SCAN_INDEX_NONE, "pids/watches: after moving, new and untouched ones are found");
  }
  for (uint32_t n = 0; n < COUNT; n++) scan_table_remove(&table, many[n]);
  is_uint(table.by_pid.count, 0, "pids: removing every service empties the pid index");
  is_uint(table.by_watch.count, 0, "watches: and the watch index");
}

static int tain_equal(tain const *a, tain const *b)
{
  return !tain_less(a, b) && !tain_less(b, a);
}

/* Deadlines: set and cleared in random order; the earliest is always the
   minimum of those set; the list holds exactly the slots with one. */
static void test_table_deadlines(void)
{
  enum { COUNT = 300 };
  uint32_t slots[COUNT];
  bool set[COUNT][PART_COUNT];
  tain when[COUNT][PART_COUNT];
  uint32_t wrong_earliest = 0, wrong_list = 0, rounds_emptied = 0;
  tain earliest;
  for (uint32_t n = 0; n < COUNT; n++) {
    char name[32];
    snprintf(name, sizeof name, "timer-%u", n);
    slots[n] = scan_table_add(&table, SERVICE_DIR, name, 79, n);
  }
  ok(!scan_table_earliest(&table, &earliest), "deadlines: none at first");
  memset(set, 0, sizeof set);

  for (uint32_t round = 0; round < DEADLINE_ROUNDS; round++) {
    uint32_t ops[COUNT * PART_COUNT];
    /* Set every part, some twice (the later value counts), in random order... */
    for (uint32_t i = 0; i < COUNT * PART_COUNT; i++) ops[i] = i;
    shuffle(ops, COUNT * PART_COUNT);
    for (uint32_t step = 0; step < 2 * COUNT * PART_COUNT; step++) {
      uint32_t op = step < COUNT * PART_COUNT ? ops[step] : rng_below(COUNT * PART_COUNT);
      uint32_t n = op / PART_COUNT;
      enum part_role role = op % PART_COUNT;
      bool clear = step >= COUNT * PART_COUNT && rng_below(3) == 0;
      if (clear) {
        scan_table_clear_deadline(&table, slots[n], role);
        set[n][role] = false;
      } else {
        tain t = TAIN_ZERO;
        /* Few distinct seconds: ties on the second, decided by nanoseconds. */
        t.sec.x = UINT64_C(0x4000000000000000) + rng_below(50);
        t.nano = rng_below(1000000000);
        scan_table_set_deadline(&table, slots[n], role, &t);
        set[n][role] = true;
        when[n][role] = t;
      }
      {
        tain model;
        bool any = false;
        uint32_t with_one = 0, listed_ok = 1;
        for (uint32_t m = 0; m < COUNT; m++) {
          bool counted = false;
          for (int r = 0; r < PART_COUNT; r++)
            if (set[m][r]) {
              if (!any || tain_less(&when[m][r], &model)) model = when[m][r];
              any = true;
              counted = true;
            }
          with_one += counted;
          /* Its place in the list points back at it. */
          if (counted && (table.services[slots[m]].timer_slot >= table.timer_count ||
                          table.timers[table.services[slots[m]].timer_slot] != slots[m]))
            listed_ok = 0;
          if (!counted && table.services[slots[m]].timer_slot != SCAN_INDEX_NONE) listed_ok = 0;
        }
        if (!wrong_list && (table.timer_count != with_one || !listed_ok)) wrong_list = round * 10000 + step + 1;
        if (!wrong_earliest) {
          tain got;
          int found = scan_table_earliest(&table, &got);
          if (found != any || (any && !tain_equal(&got, &model))) wrong_earliest = round * 10000 + step + 1;
        }
      }
    }
    /* ...then clear all, in random order. */
    shuffle(ops, COUNT * PART_COUNT);
    for (uint32_t i = 0; i < COUNT * PART_COUNT; i++) {
      uint32_t n = ops[i] / PART_COUNT;
      enum part_role role = ops[i] % PART_COUNT;
      scan_table_clear_deadline(&table, slots[n], role);
      set[n][role] = false;
      if (!wrong_earliest && i + 1 < COUNT * PART_COUNT) {
        tain got, model;
        bool any = false;
        for (uint32_t m = 0; m < COUNT; m++)
          for (int r = 0; r < PART_COUNT; r++)
            if (set[m][r] && (!any || tain_less(&when[m][r], &model))) {
              model = when[m][r];
              any = true;
            }
        if (scan_table_earliest(&table, &got) != any || (any && !tain_equal(&got, &model))) wrong_earliest = round * 10000 + 5000 + i;
      }
    }
    if (table.timer_count == 0 && !scan_table_earliest(&table, &earliest)) rounds_emptied++;
  }
  if (!is_uint(wrong_earliest, 0, "deadlines: %u rounds of random sets/clears: earliest is always the minimum", DEADLINE_ROUNDS))
    diag("first wrong at round %u, step %u", wrong_earliest / 10000, wrong_earliest % 10000);
  is_uint(wrong_list, 0, "deadlines: the timer list holds exactly the services with a deadline");
  is_uint(rounds_emptied, DEADLINE_ROUNDS, "deadlines: clearing all empties the list, every round");

  /* Setting a deadline twice lists the service once; remove takes it off. */
  {
    tain t = TAIN_ZERO;
    t.sec.x = 100;
    scan_table_set_deadline(&table, slots[3], PART_MAIN, &t);
    scan_table_set_deadline(&table, slots[3], PART_MAIN, &t);
    scan_table_set_deadline(&table, slots[3], PART_LOG, &t);
    is_uint(table.timer_count, 1, "deadlines: two parts, set three times: listed once");
    t.sec.x = 50;
    scan_table_set_deadline(&table, slots[4], PART_LOG, &t);
    scan_table_remove(&table, slots[3]);
    is_uint(table.timer_count, 1, "deadlines: removing a service takes it off the list");
    ok(scan_table_earliest(&table, &earliest) && earliest.sec.x == 50, "deadlines: the other one remains the earliest");
    scan_table_clear_deadline(&table, slots[4], PART_LOG);
    ok(!scan_table_earliest(&table, &earliest) && table.timer_count == 0, "deadlines: none left");
  }
  for (uint32_t n = 0; n < COUNT; n++)
    if (n != 3) scan_table_remove(&table, slots[n]);
}

int main(void)
{
  char const *seed = getenv("VIGIL_SEED");
  rng_state = seed ? strtoull(seed, 0, 0) : UINT64_C(20240611);
  diag("seed %llu (set VIGIL_SEED to repeat another run)", (unsigned long long)rng_state);

  test_index_empty();
  test_index_mix();
  test_index_many(HASH_SPREAD, MANY_VALUES, "spread hash");
  test_index_many(HASH_COLLIDING, COLLIDING_VALUES, "8-value hash");
  test_index_churn(HASH_SPREAD, "churn, spread hash");
  test_index_churn(HASH_COLLIDING, "churn, 8-value hash");
  test_table_services();
  test_table_pids_watches();
  test_table_deadlines();
  return done_testing();
}
