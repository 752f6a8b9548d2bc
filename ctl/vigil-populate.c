/* vigil-populate: the boot-time copy of every service dir of SRC into DST,
   each all or nothing. One service's trouble is that service's refusal
   (exit 100, the others installed); only SRC or DST themselves failing is
   111. No SRC at all is a system with no packaged services: exit 0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "diagout.h"
#include "exitcode.h"
#include "svinstall.h"
#include "svpaths.h"

#define USAGE "vigil-populate SRC DST"

char const *PROG = "vigil-populate";

static struct {
  char const *src;
  char const *dst;
  int dstfd;
  stralloc log_template;
  int exitcode;             /* the worst so far: one bad service does not stop the others */
} g = { .exitcode = VIGIL_EXIT_OK };

static void failed(int exitcode)
{
  if (exitcode > g.exitcode) g.exitcode = exitcode;
}

/* Whatever went wrong inside one service (bad input, EIO, EACCES) refuses
   that service only. */
static void warn_error(struct svinstall_error const *e)
{
  if (e->err) {
    errno = e->err;
    strerr_warnwusys(e->verb, " ", e->object, ": not installed");
  } else strerr_warnwu(e->verb, " ", e->object, ": ", e->reason);
  failed(VIGIL_EXIT_USAGE);
}

static void populate_one(char const *name)
{
  char source[PATH_MAX];
  struct svinstall_request req = {
    .source = source, .name = name, .live = g.dst, .livefd = g.dstfd,
    .log_template = g.log_template.s, .log_template_len = g.log_template.len,
    .flags = 0     /* DST is a tmpfs at boot: nothing to sync */
  };
  struct svinstall_error e;
  if (!svinstall_name_valid(name)) {
    strerr_warnw("not installing ", g.src, "/", name, ": invalid service name: ", SVINSTALL_NAME_RULE);
    failed(VIGIL_EXIT_USAGE);
    return;
  }
  if (svpath_join(source, g.src, name) < 0) {
    strerr_warnw("not installing ", g.src, "/", name, ": path too long");
    failed(VIGIL_EXIT_USAGE);
    return;
  }
  switch (svinstall_activate(&req, &e)) {
    case SVINSTALL_FAILED: warn_error(&e); break;
    case SVINSTALL_INSTALLED: break;
    case SVINSTALL_UNCHANGED: break;
    case SVINSTALL_CHANGED:
      strerr_warnw(g.dst, "/", name, " exists and differs from ", source, ": left as it is");
      failed(VIGIL_EXIT_USAGE);
      break;
  }
}

/* SRC itself: a dir, or missing (no packaged services). Anything else
   there (a file, a symlink to nothing, no permission) is an error that
   names it. Returns the open dir, or 0 when SRC is missing. */
static DIR *open_source(void)
{
  struct stat st;
  DIR *dir;
  if (lstat(g.src, &st) < 0) {
    if (errno != ENOENT) strerr_diefusys(VIGIL_EXIT_SYSTEM, "stat ", g.src);
    /* A container's init with nothing to supervise is the common case: quiet there. */
    if (!svinstall_container_role()) strerr_warnw(g.src, " does not exist: no packaged services to install");
    return 0;
  }
  if (S_ISLNK(st.st_mode) && stat(g.src, &st) < 0) {
    if (errno == ENOENT) strerr_dief(VIGIL_EXIT_SYSTEM, "unable to open ", g.src, ": a symlink to nothing");
    strerr_diefusys(VIGIL_EXIT_SYSTEM, "follow ", g.src);
  }
  if (!S_ISDIR(st.st_mode)) strerr_dief(VIGIL_EXIT_SYSTEM, "unable to open ", g.src, ": not a directory");
  dir = opendir(g.src);
  if (!dir) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", g.src);
  return dir;
}

/* Every entry of SRC that is a dir (or a symlink to one) and does not
   start with a dot; anything else there (a README) is not a service. */
static void populate(void)
{
  DIR *dir = open_source();
  struct dirent *d;
  if (!dir) return;
  while ((errno = 0, d = readdir(dir))) {
    struct stat st;
    if (d->d_name[0] == '.') continue;
    if (fstatat(dirfd(dir), d->d_name, &st, 0) < 0) {
      if (errno == ENOENT) strerr_warnw("not installing ", g.src, "/", d->d_name, ": a symlink to nothing");
      else strerr_warnwusys("stat ", g.src, "/", d->d_name, " (not installed)");
      failed(VIGIL_EXIT_USAGE);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) continue;
    populate_one(d->d_name);
  }
  if (errno) strerr_diefusys(VIGIL_EXIT_SYSTEM, "read ", g.src);
  closedir(dir);
}

int main(int argc, char const *const *argv)
{
  struct svinstall_error e;
  if (argc != 3) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  /* Run by vigil-init at boot, on the console: a warning nobody reads
     must not hold the boot (dropped and counted instead). */
  diagout_init();
  g.src = argv[1];
  g.dst = argv[2];
  g.dstfd = open(g.dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (g.dstfd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", g.dst);
  if (svinstall_lock(g.dstfd) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "lock ", g.dst);
  if (svinstall_template_load(&g.log_template, 0, &e) < 0) {
    errno = e.err;
    strerr_diefusys(e.exitcode, e.verb, " ", e.object);
  }
  populate();
  return g.exitcode;
}
