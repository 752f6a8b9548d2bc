/* An open-addressing hash index from a key to a small integer value (a
   slot of the service table). The table knows nothing of keys: callers
   give a hash and, to find, a match function; to move entries on growth
   and removal it asks the caller for the hash of a value. */
#ifndef VIGIL_SCAN_INDEX_H
#define VIGIL_SCAN_INDEX_H

#include <stdint.h>

#define SCAN_INDEX_NONE UINT32_MAX

typedef uint64_t scan_index_hash_fn(uint32_t value, void *context);
typedef int scan_index_match_fn(uint32_t value, void const *key, void *context);

struct scan_index {
  uint32_t *slots;        /* value + 1, or 0 when empty */
  uint32_t capacity;      /* a power of two, or 0 */
  uint32_t count;
  scan_index_hash_fn *hash_of;
  void *context;
};

void scan_index_init(struct scan_index *index, scan_index_hash_fn *hash_of, void *context);
void scan_index_free(struct scan_index *index);

/* Returns 0, or -1 (ENOMEM). The value must not be in the index already. */
int scan_index_insert(struct scan_index *index, uint32_t value);

/* The value whose key matches, or SCAN_INDEX_NONE. */
uint32_t scan_index_find(struct scan_index const *index, uint64_t hash, void const *key, scan_index_match_fn *match);

/* Removes value if present. Its hash must be what it was at insertion. */
void scan_index_remove(struct scan_index *index, uint32_t value);

/* Mixes a 64-bit number into a well-spread hash. */
uint64_t scan_index_mix(uint64_t x);

#endif
