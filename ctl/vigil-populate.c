/* vigil-populate: the boot-time copy of every service dir of SRC into DST, each all or nothing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "exitcode.h"
#include "svinstall.h"

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

static void warn_error(struct svinstall_error const *e)
{
  if (e->err) {
    errno = e->err;
    strerr_warnwusys(e->verb, " ", e->object);
  } else strerr_warnwu(e->verb, " ", e->object, ": ", e->reason);
  failed(e->exitcode);
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
  if (strlen(g.src) + 1 + strlen(name) + 1 > sizeof source) {
    strerr_warnw("name too long: ", g.src, "/", name);
    failed(VIGIL_EXIT_USAGE);
    return;
  }
  strcpy(source, g.src);
  strcat(source, "/");
  strcat(source, name);
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

/* Every entry of SRC that is a dir (or a symlink to one) and does not
   start with a dot; anything else there (a README) is not a service. */
static void populate(void)
{
  DIR *dir = opendir(g.src);
  struct dirent *d;
  if (!dir) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open ", g.src);
  while ((errno = 0, d = readdir(dir))) {
    struct stat st;
    if (d->d_name[0] == '.') continue;
    if (fstatat(dirfd(dir), d->d_name, &st, 0) < 0) {
      strerr_warnwusys("stat ", g.src, "/", d->d_name);
      failed(VIGIL_EXIT_SYSTEM);
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
