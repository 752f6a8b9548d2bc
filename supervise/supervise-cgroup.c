/* The service's own cgroup: see supervise-cgroup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "spawn.h"
#include "svcgroup.h"
#include "svpaths.h"
#include "svtext.h"
#include "supervise-cgroup.h"

static struct {
  bool on;
  char path[SVCGROUP_PATH_MAX];        /* BASE/NAME/run (or log) */
  char procs[SVCGROUP_PATH_MAX + 16];  /* ... /cgroup.procs, for the spawned child */
  int fd;                              /* the cgroup's dir, for clone3, or -1 */
} g;

void supervise_cgroup_setup(char const *dir)
{
  char const *base = getenv(SVCGROUP_VAR);
  char leaf[SVCGROUP_PATH_MAX];
  size_t len;
  /* One left by a supervisor of this dir that had a cgroup and died. */
  if (!base || base[0] != '/') {
    unlink(SVPATH_CGROUP);
    unsetenv(SVCGROUP_VAR);
    return;
  }
  if (!svcgroup_leaf(dir, leaf, sizeof leaf)) {
    strerr_warnw("no cgroup name for ", dir, " (running it without one)");
    unlink(SVPATH_CGROUP);
    unsetenv(SVCGROUP_VAR);
    return;
  }
  if (svcgroup_make(base, leaf, g.path, sizeof g.path) < 0) {
    strerr_warnwusys("make a cgroup for the service under ", base, " (running it without one)");
    unlink(SVPATH_CGROUP);
    unsetenv(SVCGROUP_VAR);
    return;
  }
  unsetenv(SVCGROUP_VAR);
  len = strlen(g.path);
  memcpy(g.procs, g.path, len);
  memcpy(g.procs + len, "/cgroup.procs", sizeof "/cgroup.procs");
  g.fd = open(g.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  spawn_set_child_cgroup(g.procs, g.fd);
  g.on = true;
  if (svtext_write(SVPATH_CGROUP_NEW, SVPATH_CGROUP, g.path) < 0) strerr_warnwusys("write ", SVPATH_CGROUP);
}

bool supervise_cgroup_on(void)
{
  return g.on;
}

bool supervise_cgroup_populated(void)
{
  return g.on && svcgroup_populated(g.path) > 0;
}

void supervise_cgroup_signal(int signal)
{
  if (g.on && svcgroup_signal(g.path, signal) < 0) strerr_warnwusys("signal the cgroup ", g.path);
}

void supervise_cgroup_remove(void)
{
  if (!g.on) return;
  unlink(SVPATH_CGROUP);
  svcgroup_remove(g.path);
}
