/* svlog-gen DIR SERVICES MB_EACH: log dirs DIR/s0 ... as vigil-log leaves
   them (1 MiB files: archives @TAI64N.s, then current), 100-byte lines
   stamped like vigil-log -t (even services) and -T (odd ones), the
   services' lines interleaved in time, each numbered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FILE_SIZE (1024 * 1024)

static void tai(char *out, uint64_t sec, uint32_t nsec)
{
  sprintf(out, "@%016llx%08x", (unsigned long long)(sec + 0x400000000000000aULL), nsec);
}

static void iso(char *out, uint64_t sec, uint32_t nsec)
{
  time_t t = (time_t)sec;
  struct tm tm;
  gmtime_r(&t, &tm);
  sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
          tm.tm_hour, tm.tm_min, tm.tm_sec, nsec / 1000);
}

int main(int argc, char **argv)
{
  if (argc != 4) { fprintf(stderr, "usage: svlog-gen DIR SERVICES MB_EACH\n"); return 100; }
  char const *dir = argv[1];
  int services = atoi(argv[2]);
  uint64_t bytes = (uint64_t)atoi(argv[3]) * 1024 * 1024;
  uint64_t base = 1790000000;
  static char buf[FILE_SIZE + 256];
  char path[4096], name[4200], stamp[64];
  for (int s = 0; s < services; s++) {
    snprintf(path, sizeof path, "%s/s%d", dir, s);
    mkdir(path, 0755);
    uint64_t written = 0, line = 0;
    size_t len = 0;
    while (written < bytes) {
      /* A line every 10 ms per service, the services 97 us apart. */
      uint64_t ns = line * 10000000ULL + (uint64_t)s * 97000ULL;
      uint64_t sec = base + ns / 1000000000ULL;
      uint32_t nsec = (uint32_t)(ns % 1000000000ULL);
      if (s % 2) iso(stamp, sec, nsec); else tai(stamp, sec, nsec);
      int n = snprintf(buf + len, 256, "%s service s%d line %09llu lorem ipsum dolor sit amet consectetur", stamp, s, (unsigned long long)line);
      /* Pad to 100 bytes with the newline. */
      while (n < 99) buf[len + n++] = '.';
      buf[len + n++] = '\n';
      line++;
      if (len + (size_t)n > FILE_SIZE || written + len + (uint64_t)n >= bytes) {
        int last = written + len + (uint64_t)n >= bytes;
        if (last) len += (size_t)n;
        if (last) snprintf(name, sizeof name, "%s/current", path);
        else { tai(stamp, sec, nsec); snprintf(name, sizeof name, "%s/%s.s", path, stamp); }
        FILE *f = fopen(name, "w");
        if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) { perror(name); return 111; }
        written += len;
        if (last) break;
        memmove(buf, buf + len, (size_t)n);
        len = (size_t)n;
      } else len += (size_t)n;
    }
  }
  return 0;
}
