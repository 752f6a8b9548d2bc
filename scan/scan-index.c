/* An open-addressing hash index with linear probing and backward-shift removal. */
#include <errno.h>
#include <stdlib.h>

#include "scan-index.h"

/* Grow past 70% full: probes stay short. */
#define LOAD_PERCENT_MAX 70
#define CAPACITY_MIN 64

uint64_t scan_index_mix(uint64_t x)
{
  /* splitmix64's finaliser */
  x ^= x >> 30;
  x *= UINT64_C(0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= UINT64_C(0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

void scan_index_init(struct scan_index *index, scan_index_hash_fn *hash_of, void *context)
{
  index->slots = 0;
  index->capacity = 0;
  index->count = 0;
  index->hash_of = hash_of;
  index->context = context;
}

void scan_index_free(struct scan_index *index)
{
  free(index->slots);
  index->slots = 0;
  index->capacity = index->count = 0;
}

static void place(uint32_t *slots, uint32_t capacity, uint64_t hash, uint32_t value)
{
  uint32_t mask = capacity - 1;
  uint32_t i = (uint32_t)hash & mask;
  while (slots[i]) i = (i + 1) & mask;
  slots[i] = value + 1;
}

static int grow(struct scan_index *index)
{
  uint32_t capacity = index->capacity ? index->capacity * 2 : CAPACITY_MIN;
  uint32_t *slots = calloc(capacity, sizeof *slots);
  if (!slots) {
    errno = ENOMEM;
    return -1;
  }
  for (uint32_t i = 0; i < index->capacity; i++)
    if (index->slots[i])
      place(slots, capacity, index->hash_of(index->slots[i] - 1, index->context), index->slots[i] - 1);
  free(index->slots);
  index->slots = slots;
  index->capacity = capacity;
  return 0;
}

int scan_index_insert(struct scan_index *index, uint32_t value)
{
  if ((uint64_t)(index->count + 1) * 100 > (uint64_t)index->capacity * LOAD_PERCENT_MAX && grow(index) < 0) return -1;
  place(index->slots, index->capacity, index->hash_of(value, index->context), value);
  index->count++;
  return 0;
}

uint32_t scan_index_find(struct scan_index const *index, uint64_t hash, void const *key, scan_index_match_fn *match)
{
  uint32_t mask = index->capacity - 1;
  if (!index->capacity) return SCAN_INDEX_NONE;
  for (uint32_t i = (uint32_t)hash & mask; index->slots[i]; i = (i + 1) & mask)
    if (match(index->slots[i] - 1, key, index->context)) return index->slots[i] - 1;
  return SCAN_INDEX_NONE;
}

void scan_index_remove(struct scan_index *index, uint32_t value)
{
  uint32_t mask = index->capacity - 1, hole, i;
  if (!index->capacity) return;
  for (i = (uint32_t)index->hash_of(value, index->context) & mask; index->slots[i] != value + 1; i = (i + 1) & mask)
    if (!index->slots[i]) return;
  index->count--;
  /* Backward shift: pull later entries of the probe run into the hole. */
  hole = i;
  for (i = (hole + 1) & mask; index->slots[i]; i = (i + 1) & mask) {
    uint32_t home = (uint32_t)index->hash_of(index->slots[i] - 1, index->context) & mask;
    /* Move it if its home is not in (hole, i], cyclically. */
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      index->slots[hole] = index->slots[i];
      hole = i;
    }
  }
  index->slots[hole] = 0;
}
