/* The vigil cgroup subtree: see scan-cgroup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "scan-cgroup.h"
#include "svcgroup.h"

static void not_used(char const *base, char const *why, int error)
{
  unsetenv(SVCGROUP_VAR);
  if (error) {
    errno = error;
    strerr_warnwu4sys("use ", base, " as the services' cgroups (running them without): ", why);
  } else strerr_warnw4x("not using ", base, " as the services' cgroups (running them without): ", why);
}

/* Is this process at the root of its cgroup namespace ("0::/")? A
   machine's PID 1 is, and a container's with a namespace of its own; a
   container sharing the host's namespace is not: there, /sys/fs/cgroup/vigil
   would be the host's, shared with every such container. */
static bool at_cgroup_root(void)
{
  char text[1024];
  ssize_t len;
  int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  len = read(fd, text, sizeof text - 1);
  close(fd);
  if (len <= 0) return false;
  text[len] = 0;
  for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : 0)
    if (!strncmp(line, "0::/", 4) && (line[4] == '\n' || !line[4])) return true;
  return false;
}

void scan_cgroup_setup(enum scan_role role)
{
  char parent[SVCGROUP_PATH_MAX];
  char const *asked = getenv(SVCGROUP_VAR), *base, *slash;
  size_t len;
  if (asked && (!asked[0] || !strcmp(asked, "off"))) {
    unsetenv(SVCGROUP_VAR);
    return;
  }
  if (!asked && (role == ROLE_DAEMON || !at_cgroup_root())) return;
  base = asked ? asked : SVCGROUP_BASE_DEFAULT;
  len = strlen(base);
  /* Room for NAME (NAME_MAX) and /run below it. */
  if (base[0] != '/' || len > SVCGROUP_PATH_MAX - 256 - 8 || !(slash = strrchr(base, '/')) || !slash[1]) {
    not_used(base, "it must be an absolute path, at most 248 bytes, not ending in /", 0);
    return;
  }
  /* BASE's parent: "/" for a BASE right under the root. */
  if (slash == base) memcpy(parent, "/", 2);
  else {
    memcpy(parent, base, (size_t)(slash - base));
    parent[slash - base] = 0;
  }
  switch (svcgroup_is_cgroup2(parent)) {
    case 1: break;
    /* No cgroup v2 where PID 1 looks by default (no sysfs in a container,
       a kernel or boot without it): nothing to say, nothing changes. */
    case 0:
      if (asked) not_used(base, "its parent is no cgroup v2 filesystem", 0);
      return;
    default:
      if (asked) not_used(base, "statfs its parent", errno);
      return;
  }
  /* The root's controllers for its children: memory and CPU per service. */
  svcgroup_enable_controllers(parent);
  if (mkdir(base, 0755) < 0 && errno != EEXIST) {
    /* A container's cgroup v2 is often read-only: as without one. */
    if (asked || (errno != EROFS && errno != EACCES && errno != EPERM)) not_used(base, "mkdir", errno);
    return;
  }
  if (svcgroup_is_cgroup2(base) != 1) {
    not_used(base, "it is no cgroup", 0);
    return;
  }
  svcgroup_enable_controllers(base);
  if (access(base, W_OK) < 0) {
    if (asked || (errno != EROFS && errno != EACCES && errno != EPERM)) not_used(base, "write to it", errno);
    return;
  }
  if (!asked && setenv(SVCGROUP_VAR, base, 1) < 0) not_used(base, "setenv", errno);
}
