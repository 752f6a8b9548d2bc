/* Fuzz: a sd_notify datagram cut into lines and keyed as the supervisor
   reads it (sdnotify_key), MAINPID='s value scanned as a pid: no crash;
   a key's value lies inside its line, past its '='. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <skalibs/types.h>

#include "supervise-notify.h"

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  char *datagram = malloc(size + 1);
  if (!datagram) return 0;
  memcpy(datagram, data, size);
  datagram[size] = 0;
  for (char *line = datagram, *next; line && *line; line = next) {
    char const *value;
    pid_t pid;
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    enum sdnotify_key key = sdnotify_key(line, &value);
    if (value < line || value > line + strlen(line)) abort();
    if (key != SDNOTIFY_OTHER && value[-1] != '=' && value[-1] != '1') abort();
    if (key == SDNOTIFY_MAINPID) (void)pid0_scan(value, &pid);
  }
  free(datagram);
  return 0;
}
