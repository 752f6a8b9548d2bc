/* stackdepth PID: how far below its start (startstack, field 28 of
   /proc/PID/stat) PID has ever written on its stack, in bytes: the
   lowest byte of its [stack] mapping that is not zero. Pages below that
   were never touched (the kernel hands out zeroed pages), so this is the
   deepest any call of the process went, to the byte, whatever the
   stack's random start. Pages not in memory (pagemap) are not read,
   so that reading never adds one. Exits 111 when it cannot be read (root, or the
   same user with ptrace allowed). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096

int main(int argc, char **argv)
{
  char path[64], line[512], *p;
  unsigned long long low = 0, high = 0, start = 0;
  unsigned char page[PAGE];
  FILE *f;
  int fd, map, found = 0;
  if (argc != 2) {
    fputs("usage: stackdepth PID\n", stderr);
    return 100;
  }
  snprintf(path, sizeof path, "/proc/%s/maps", argv[1]);
  if (!(f = fopen(path, "r"))) { perror(path); return 111; }
  while (fgets(line, sizeof line, f))
    if (strstr(line, "[stack]") && sscanf(line, "%llx-%llx", &low, &high) == 2) found = 1;
  fclose(f);
  snprintf(path, sizeof path, "/proc/%s/stat", argv[1]);
  if (!found || !(f = fopen(path, "r")) || !fgets(line, sizeof line, f) || !(p = strrchr(line, ')'))) {
    fprintf(stderr, "stackdepth: no stack or no stat for %s\n", argv[1]);
    return 111;
  }
  fclose(f);
  /* Field 28: 25 more after the state (field 3). */
  p += 2;
  for (int field = 3; field < 28 && p; field++) p = strchr(p, ' '), p = p ? p + 1 : 0;
  if (!p || sscanf(p, "%llu", &start) != 1 || start < low || start > high) {
    fprintf(stderr, "stackdepth: no startstack for %s\n", argv[1]);
    return 111;
  }
  snprintf(path, sizeof path, "/proc/%s/pagemap", argv[1]);
  if ((map = open(path, O_RDONLY)) < 0) { perror(path); return 111; }
  snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
  if ((fd = open(path, O_RDONLY)) < 0) { perror(path); return 111; }
  for (unsigned long long at = low; at < start; at += PAGE) {
    uint64_t entry;
    /* Bit 63: present; bit 62: swapped. */
    if (pread(map, &entry, sizeof entry, (off_t)(at / PAGE * sizeof entry)) != sizeof entry) continue;
    if (!(entry >> 62)) continue;
    if (pread(fd, page, PAGE, (off_t)at) != PAGE) continue;
    for (size_t i = 0; i < PAGE; i++)
      if (page[i]) {
        printf("%llu\n", start > at + i ? start - (at + i) : 0);
        return 0;
      }
  }
  puts("0");
  return 0;
}
