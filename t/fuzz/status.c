/* Fuzz: the status file, ours and daemontools'/runit's (svstatus_unpack).
   Whatever the bytes, no crash; what unpacks as vigil's packs back to
   bytes that unpack the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svstatus.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  struct svstatus status, again;
  char first[SVSTATUS_SIZE], second[SVSTATUS_SIZE];
  if (svstatus_unpack(&status, (char const *)data, size) < 0) return 0;
  if (status.format != SVSTATUS_FORMAT_VIGIL) return 0;
  svstatus_pack(first, &status);
  if (svstatus_unpack(&again, first, sizeof first) < 0) abort();
  svstatus_pack(second, &again);
  if (memcmp(first, second, sizeof first)) abort();
  return 0;
}
