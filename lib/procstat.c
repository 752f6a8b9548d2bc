/* Reading /proc/PID/stat. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include "linux-syscall.h"
#include "procstat.h"

/* Field 22, counted from field 3, the first after the command name. */
#define STAT_FIELDS_AFTER_COMM_TO_STARTTIME 19

void procstat_path(char *out, pid_t pid, char const *tail)
{
  size_t used = 6;
  memcpy(out, "/proc/", 6);
  used += uint64_fmt(out + used, (uint64_t)pid);
  memcpy(out + used, tail, strlen(tail) + 1);
}

int procstat_start_time(pid_t pid, uint64_t *ticks)
{
  char path[PROCSTAT_PATH_MAX];
  char buf[1024];
  ssize_t len;
  char *p;
  procstat_path(path, pid, "/stat");
  len = openreadnclose(path, buf, sizeof buf - 1);
  if (len < 0) return -1;
  buf[len] = 0;
  /* The command name may hold spaces and parentheses: skip to the last ')'. */
  p = strrchr(buf, ')');
  if (!p) goto invalid;
  p++;
  for (unsigned int field = 0; field < STAT_FIELDS_AFTER_COMM_TO_STARTTIME; field++) {
    p = strchr(p + 1, ' ');
    if (!p) goto invalid;
  }
  if (!uint64_scan(p + 1, ticks)) goto invalid;
  return 0;
invalid:
  errno = EPROTO;
  return -1;
}

int procstat_pidfd_same(pid_t pid, uint64_t start_time)
{
  uint64_t now_start_time;
  /* The kernel makes every pidfd close-on-exec. */
  int pidfd = vigil_pidfd_open(pid, 0);
  if (pidfd < 0) return -1;
  if (procstat_start_time(pid, &now_start_time) < 0 || now_start_time != start_time) {
    close(pidfd);
    errno = ESRCH;
    return -1;
  }
  return pidfd;
}
