/* Fuzz: a service name for the live dir (svactivate, vigil-populate:
   svinstall_name_valid): no crash, and a name it accepts holds only
   letters, digits and . _ @ + -, starts with no dot, and is not empty. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svinstall.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *name = malloc(size + 1);
  if (!name) return 0;
  memcpy(name, data, size);
  name[size] = 0;
  if (svinstall_name_valid(name)) {
    if (!name[0] || name[0] == '.') abort();
    for (char const *c = name; *c; c++)
      if (!isalnum((unsigned char)*c) && !strchr("._@+-", *c)) abort();
  }
  free(name);
  return 0;
}
