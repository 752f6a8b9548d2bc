/* A service's cgroup figures: its path checked, two small files read. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "cgstat.h"
#include "svdir.h"
#include "svpaths.h"

#define CGROUP_MEMORY_FILE "memory.current"
#define CGROUP_CPU_FILE "cpu.stat"
#define CPU_USAGE_KEY "usage_usec "
/* memory.current is one number; cpu.stat some 6 to 10 short lines with
   usage_usec first: what is past 1 KiB is not read. */
#define MEMORY_TEXT_MAX 64
#define CPU_TEXT_MAX 1024
/* A path and its newline, and one byte more to tell a longer file. */
#define PATH_TEXT_MAX (CGSTAT_PATH_MAX + 2)

/* Has TEXT (LEN bytes) a ".." component? */
static bool dotdot_component(char const *text, size_t len)
{
  for (size_t i = 0; i + 1 < len; i++)
    if (text[i] == '.' && text[i + 1] == '.' && (i == 0 || text[i - 1] == '/')
        && (i + 2 == len || text[i + 2] == '/'))
      return true;
  return false;
}

int cgstat_parse_path(char *out, char const *text)
{
  size_t len = strcspn(text, "\n");
  /* One line: nothing after its newline. */
  if (text[len] == '\n' && text[len + 1]) return -1;
  if (!len || text[0] != '/' || len >= CGSTAT_PATH_MAX) return -1;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) return -1;
  if (dotdot_component(text, len)) return -1;
  memcpy(out, text, len);
  out[len] = 0;
  return 0;
}

/* A decimal number at P that fits in 64 bits, ending the text or its line. */
static int scan_number_line(char const *p, uint64_t *value)
{
  size_t len = uint64_scan(p, value);
  if (!len) return -1;
  return p[len] == '\n' || !p[len] ? 0 : -1;
}

int cgstat_parse_memory(char const *text, uint64_t *bytes)
{
  uint64_t value;
  size_t len = strcspn(text, "\n");
  /* One line: nothing after its newline. */
  if (text[len] == '\n' && text[len + 1]) return -1;
  if (scan_number_line(text, &value) < 0) return -1;
  *bytes = value;
  return 0;
}

int cgstat_parse_cpu(char const *text, uint64_t *usec)
{
  size_t keylen = sizeof CPU_USAGE_KEY - 1;
  for (char const *line = text; *line; ) {
    char const *end = strchr(line, '\n');
    if (!strncmp(line, CPU_USAGE_KEY, keylen)) return scan_number_line(line + keylen, usec);
    if (!end) break;
    line = end + 1;
  }
  return -1;
}

/* FILE under DIRFD into TEXT (SIZE bytes with its NUL), when it is a
   regular file (cgroupfs's and procfs's are): svdir_open_regular, so
   that a fifo or a device planted there is never opened, and a symlink
   not followed elsewhere. A text
   with a NUL byte is refused (none of these files has one). Returns 0
   when read whole, 1 when it filled TEXT (cut after its last whole
   line), -1 with errno when not read. */
static int read_small(int dirfd, char const *file, char *text, size_t size)
{
  size_t len = 0;
  /* A device is not even opened (a watchdog's open arms it). */
  int fd = svdir_open_regular(dirfd, file, AT_SYMLINK_NOFOLLOW);
  if (fd < 0) return -1;
  while (len < size - 1) {
    ssize_t r = read(fd, text + len, size - 1 - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if (!r) break;
    len += (size_t)r;
  }
  close(fd);
  text[len] = 0;
  if (memchr(text, 0, len)) {
    errno = EINVAL;
    return -1;
  }
  if (len < size - 1) return 0;
  {
    char *last = strrchr(text, '\n');
    text[last ? (size_t)(last - text) + 1 : 0] = 0;
  }
  return 1;
}

enum cgstat_result cgstat_read(int dirfd, struct cgstat *stat)
{
  char text[PATH_TEXT_MAX];
  char path[CGSTAT_PATH_MAX];
  char memory[MEMORY_TEXT_MAX];
  char cpu[CPU_TEXT_MAX];
  int cgfd;
  int r = read_small(dirfd, SVPATH_CGROUP, text, sizeof text);
  *stat = (struct cgstat){ 0 };
  if (r < 0 && errno == ENOENT) return CGSTAT_NONE;
  /* Not a file, longer than a path, or not a path we take: nothing read. */
  if (r || cgstat_parse_path(path, text) < 0) return CGSTAT_BAD_PATH;
  /* Gone with its service, or not there yet: no figures, no complaint.
     O_DIRECTORY fails before a fifo or a device is opened. */
  cgfd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (cgfd < 0) return CGSTAT_READ;
  if (!read_small(cgfd, CGROUP_MEMORY_FILE, memory, sizeof memory) && !cgstat_parse_memory(memory, &stat->memory_bytes))
    stat->has_memory = true;
  /* cpu.stat may be cut (lines past usage_usec): whole lines are parsed. */
  if (read_small(cgfd, CGROUP_CPU_FILE, cpu, sizeof cpu) >= 0 && !cgstat_parse_cpu(cpu, &stat->cpu_usec))
    stat->has_cpu = true;
  close(cgfd);
  return CGSTAT_READ;
}
