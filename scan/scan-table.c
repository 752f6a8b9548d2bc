/* The scanner's table of service dirs and its indexes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan-table.h"

static struct service *at(struct scan_table *table, uint32_t slot)
{
  return &table->services[slot];
}

static uint64_t hash_identity(dev_t dev, ino_t ino)
{
  return scan_index_mix((uint64_t)ino ^ scan_index_mix((uint64_t)dev));
}

/* FNV-1a, mixed: names are short. */
static uint64_t hash_name(char const *name)
{
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *name; name++) h = (h ^ (unsigned char)*name) * UINT64_C(1099511628211);
  return scan_index_mix(h);
}

static uint64_t identity_of(uint32_t slot, void *context)
{
  struct service *service = at(context, slot);
  return hash_identity(service->dev, service->ino);
}

static uint64_t name_of(uint32_t slot, void *context)
{
  return hash_name(at(context, slot)->name);
}

static uint64_t pid_of(uint32_t value, void *context)
{
  return scan_index_mix((uint64_t)at(context, value / PART_COUNT)->parts[value % PART_COUNT].pid);
}

static uint64_t watch_of(uint32_t value, void *context)
{
  return scan_index_mix((uint64_t)(unsigned int)at(context, value / PART_COUNT)->parts[value % PART_COUNT].watch);
}

struct identity_key {
  dev_t dev;
  ino_t ino;
};

static int match_identity(uint32_t slot, void const *key, void *context)
{
  struct identity_key const *k = key;
  struct service *service = at(context, slot);
  return service->dev == k->dev && service->ino == k->ino;
}

static int match_name(uint32_t slot, void const *key, void *context)
{
  return !strcmp(at(context, slot)->name, key);
}

static int match_pid(uint32_t value, void const *key, void *context)
{
  return at(context, value / PART_COUNT)->parts[value % PART_COUNT].pid == *(pid_t const *)key;
}

static int match_watch(uint32_t value, void const *key, void *context)
{
  return at(context, value / PART_COUNT)->parts[value % PART_COUNT].watch == *(int const *)key;
}

void scan_table_init(struct scan_table *table)
{
  memset(table, 0, sizeof *table);
  scan_index_init(&table->by_identity, identity_of, table);
  scan_index_init(&table->by_name, name_of, table);
  scan_index_init(&table->by_pid, pid_of, table);
  scan_index_init(&table->by_watch, watch_of, table);
}

/* Slots come as they are used: a few to begin with, then half as many
   again each time (at most a third of them idle), not a doubling. */
#define CAPACITY_FIRST 16

static int grow(struct scan_table *table)
{
  uint32_t capacity = table->capacity ? table->capacity + table->capacity / 2 : CAPACITY_FIRST;
  struct service *services = realloc(table->services, capacity * sizeof *services);
  uint32_t *free_slots, *timers;
  if (!services) return -1;
  table->services = services;
  free_slots = realloc(table->free_slots, capacity * sizeof *free_slots);
  if (!free_slots) return -1;
  table->free_slots = free_slots;
  timers = realloc(table->timers, capacity * sizeof *timers);
  if (!timers) return -1;
  table->timers = timers;
  /* Push new slots so the lowest comes out first. */
  for (uint32_t slot = capacity; slot-- > table->capacity;) {
    table->services[slot].kind = SERVICE_FREE;
    table->free_slots[table->free_count++] = slot;
  }
  table->capacity = capacity;
  return 0;
}

uint32_t scan_table_add(struct scan_table *table, enum service_kind kind, char const *name, dev_t dev, ino_t ino)
{
  struct service *service;
  uint32_t slot;
  if (!table->free_count && grow(table) < 0) return SCAN_INDEX_NONE;
  slot = table->free_slots[table->free_count - 1];
  service = at(table, slot);
  memset(service, 0, sizeof *service);
  service->name = strdup(name);
  if (!service->name) return SCAN_INDEX_NONE;
  service->kind = kind;
  service->dev = dev;
  service->ino = ino;
  service->pipe[0] = service->pipe[1] = -1;
  service->timer_slot = SCAN_INDEX_NONE;
  for (int role = 0; role < PART_COUNT; role++) service->parts[role].watch = -1;
  if (scan_index_insert(&table->by_name, slot) < 0) goto fail;
  if (kind == SERVICE_DIR && scan_index_insert(&table->by_identity, slot) < 0) {
    scan_index_remove(&table->by_name, slot);
    goto fail;
  }
  table->free_count--;
  table->count++;
  return slot;
fail:
  free(service->name);
  service->kind = SERVICE_FREE;
  return SCAN_INDEX_NONE;
}

void scan_table_remove(struct scan_table *table, uint32_t slot)
{
  struct service *service = at(table, slot);
  for (int role = 0; role < PART_COUNT; role++) {
    scan_table_clear_deadline(table, slot, role);
    scan_table_set_pid(table, slot, role, 0);
    scan_table_set_watch(table, slot, role, -1);
  }
  scan_index_remove(&table->by_name, slot);
  if (service->kind == SERVICE_DIR) scan_index_remove(&table->by_identity, slot);
  free(service->name);
  service->name = 0;
  service->kind = SERVICE_FREE;
  table->free_slots[table->free_count++] = slot;
  table->count--;
}

int scan_table_rename(struct scan_table *table, uint32_t slot, char const *name)
{
  struct service *service = at(table, slot);
  char *copy = strdup(name);
  if (!copy) return -1;
  scan_index_remove(&table->by_name, slot);
  free(service->name);
  service->name = copy;
  return scan_index_insert(&table->by_name, slot);
}

uint32_t scan_table_find_identity(struct scan_table *table, dev_t dev, ino_t ino)
{
  struct identity_key key = { dev, ino };
  return scan_index_find(&table->by_identity, hash_identity(dev, ino), &key, match_identity);
}

uint32_t scan_table_find_name(struct scan_table *table, char const *name)
{
  return scan_index_find(&table->by_name, hash_name(name), name, match_name);
}

uint32_t scan_table_find_pid(struct scan_table *table, pid_t pid)
{
  if (pid <= 0) return SCAN_INDEX_NONE;
  return scan_index_find(&table->by_pid, scan_index_mix((uint64_t)pid), &pid, match_pid);
}

uint32_t scan_table_find_watch(struct scan_table *table, int watch)
{
  if (watch < 0) return SCAN_INDEX_NONE;
  return scan_index_find(&table->by_watch, scan_index_mix((uint64_t)(unsigned int)watch), &watch, match_watch);
}

int scan_table_set_pid(struct scan_table *table, uint32_t slot, enum part_role role, pid_t pid)
{
  struct part *part = &at(table, slot)->parts[role];
  uint32_t value = slot * PART_COUNT + role;
  if (part->pid > 0) {
    scan_index_remove(&table->by_pid, value);
    table->alive[role]--;
  }
  part->pid = pid > 0 ? pid : 0;
  if (!part->pid) return 0;
  /* Unindexed, a pid's death would go unnoticed: the caller must know. */
  if (scan_index_insert(&table->by_pid, value) < 0) {
    part->pid = 0;
    return -1;
  }
  table->alive[role]++;
  return 0;
}

int scan_table_set_watch(struct scan_table *table, uint32_t slot, enum part_role role, int watch)
{
  struct part *part = &at(table, slot)->parts[role];
  uint32_t value = slot * PART_COUNT + role;
  if (part->watch >= 0) scan_index_remove(&table->by_watch, value);
  part->watch = watch;
  return watch >= 0 ? scan_index_insert(&table->by_watch, value) : 0;
}

static void timer_list_update(struct scan_table *table, uint32_t slot)
{
  struct service *service = at(table, slot);
  bool any = service->parts[PART_MAIN].has_deadline || service->parts[PART_LOG].has_deadline;
  if (any && service->timer_slot == SCAN_INDEX_NONE) {
    service->timer_slot = table->timer_count;
    table->timers[table->timer_count++] = slot;
  } else if (!any && service->timer_slot != SCAN_INDEX_NONE) {
    uint32_t last = table->timers[--table->timer_count];
    table->timers[service->timer_slot] = last;
    at(table, last)->timer_slot = service->timer_slot;
    service->timer_slot = SCAN_INDEX_NONE;
  }
}

void scan_table_set_deadline(struct scan_table *table, uint32_t slot, enum part_role role, tain const *deadline)
{
  struct part *part = &at(table, slot)->parts[role];
  part->has_deadline = true;
  part->deadline = *deadline;
  timer_list_update(table, slot);
}

void scan_table_clear_deadline(struct scan_table *table, uint32_t slot, enum part_role role)
{
  at(table, slot)->parts[role].has_deadline = false;
  timer_list_update(table, slot);
}

int scan_table_earliest(struct scan_table const *table, tain *deadline)
{
  int found = 0;
  for (uint32_t i = 0; i < table->timer_count; i++) {
    struct service const *service = &table->services[table->timers[i]];
    for (int role = 0; role < PART_COUNT; role++) {
      struct part const *part = &service->parts[role];
      if (!part->has_deadline) continue;
      if (!found || tain_less(&part->deadline, deadline)) *deadline = part->deadline;
      found = 1;
    }
  }
  return found;
}
