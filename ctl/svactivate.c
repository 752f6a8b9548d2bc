/* svactivate: install /etc/rc/NAME into the live service dir, all or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/sgetopt.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/types.h>

#include "deadline.h"
#include "exitcode.h"
#include "svdown.h"
#include "svinstall.h"
#include "svpaths.h"

#define USAGE "svactivate [ -f ] [ -t MS ] [ -l FILE ] NAME|DIR..."
/* How long -f waits for the old service, then its logger, to go down, and
   for their supervisors to exit: a service that needs longer has
   timeout-kill, or the admin passes -t. */
#define STOP_TIMEOUT_MS_DEFAULT 10000

char const *PROG = "svactivate";

static struct {
  int force;                /* -f: replace an active NAME whose source changed */
  unsigned int timeout_ms;
  char const *template_path;
  stralloc log_template;
  char const *live;
  int livefd;
} g = { .timeout_ms = STOP_TIMEOUT_MS_DEFAULT };

static void die_error(struct svinstall_error const *e)
{
  if (e->err) {
    errno = e->err;
    strerr_diefusys(e->exitcode, e->verb, " ", e->object);
  }
  strerr_diefu(e->exitcode, e->verb, " ", e->object, ": ", e->reason);
}

/* NAME names /etc/rc/NAME ($VIGIL_RCDIR); an argument with a slash is the
   source dir itself, and its last component the name. */
static void source_of(char const *arg, char *source, size_t size, char const **name)
{
  char const *rcdir = svpath_env_dir("VIGIL_RCDIR", VIGIL_RCDIR_DEFAULT);
  size_t len = strlen(arg);
  if (!strchr(arg, '/')) {
    if (strlen(rcdir) + 1 + len + 1 > size) strerr_dief(VIGIL_EXIT_USAGE, "name too long: ", arg);
    strcpy(source, rcdir);
    strcat(source, "/");
    strcat(source, arg);
    *name = arg;
  } else {
    if (len + 1 > size) strerr_dief(VIGIL_EXIT_USAGE, "path too long: ", arg);
    memcpy(source, arg, len + 1);
    while (len > 1 && source[len - 1] == '/') source[--len] = 0;
    *name = strrchr(source, '/') ? strrchr(source, '/') + 1 : source;
  }
  if (!svinstall_name_valid(*name))
    strerr_dief(VIGIL_EXIT_USAGE, "invalid service name: ", *name, ": ", SVINSTALL_NAME_RULE);
}

/* -f: take the old service, then its logger, down (the seed's removal
   procedure), swap the new dir in, and remove the old one. */
static void stop_then_swap(struct svinstall_request const *req)
{
  char dir[PATH_MAX], log[PATH_MAX], old[NAME_MAX + 1];
  char const *dirs[2] = { dir, log };
  int sent[2];
  struct svinstall_error e;
  tain deadline;
  if (strlen(g.live) + 2 * NAME_MAX + sizeof "//log" > sizeof dir) strerr_dief(VIGIL_EXIT_USAGE, "path too long: ", g.live);
  strcpy(dir, g.live); strcat(dir, "/"); strcat(dir, req->name);
  strcpy(log, dir); strcat(log, "/log");
  /* Complete before anything is stopped: a copy that fails leaves the old one running. */
  if (svinstall_build(req, &e) < 0) die_error(&e);
  tain_now_set_stopwatch_g();
  deadline_in_ms(&deadline, g.timeout_ms);
  for (int i = 0; i < 2; i++) {
    enum svdown_result r = SVDOWN_ERROR;
    sent[i] = svdown_send(dirs[i], "d");
    if (sent[i] == 0) continue;
    if (sent[i] > 0) r = svdown_wait_down(dirs[i], &deadline);
    if (r == SVDOWN_DONE) continue;
    /* Leave things as they were: the old service wanted up again, the new dir gone. */
    int saved = errno;
    for (int j = 0; j <= i; j++) if (sent[j] > 0) svdown_send(dirs[j], "u");
    svinstall_build_name(old, sizeof old, req->name);
    svinstall_remove(g.livefd, old);
    errno = saved;
    if (r == SVDOWN_TIMEOUT) strerr_dief(VIGIL_EXIT_TIMEOUT, dirs[i], " still up after the timeout: not replaced (svc -k it, or raise -t)");
    strerr_diefusys(VIGIL_EXIT_SYSTEM, sent[i] < 0 ? "control " : "wait for ", dirs[i]);
  }
  if (svinstall_swap(req, &e) < 0) die_error(&e);
  svinstall_old_name(old, sizeof old, req->name);
  strcpy(dir, g.live); strcat(dir, "/"); strcat(dir, old);
  strcpy(log, dir); strcat(log, "/log");
  /* The scanner stops the old supervisors now: wait for them, so that
     none writes into a dir being removed. */
  for (int i = 0; i < 2; i++)
    if (svdown_wait_exit(dirs[i], &deadline) != SVDOWN_DONE) strerr_warnw(dirs[i], ": supervisor still running: removing its dir anyway");
  if (svinstall_remove(g.livefd, old) < 0) strerr_warnwusys("remove ", dir, " (the next svactivate of ", req->name, " does)");
}

static void activate(char const *arg)
{
  char source[PATH_MAX];
  struct svinstall_request req = {
    .source = source, .live = g.live, .livefd = g.livefd,
    .log_template = g.log_template.s, .log_template_len = g.log_template.len,
    .flags = SVINSTALL_SYNC
  };
  struct svinstall_error e;
  source_of(arg, source, sizeof source, &req.name);
  switch (svinstall_activate(&req, &e)) {
    case SVINSTALL_FAILED: die_error(&e); break;
    case SVINSTALL_INSTALLED: break;
    case SVINSTALL_UNCHANGED: break;
    case SVINSTALL_CHANGED:
      if (!g.force) strerr_dief(VIGIL_EXIT_USAGE, req.name, " is active and differs from ", source, ": svactivate -f replaces it (a restart)");
      stop_then_swap(&req);
      break;
  }
}

static int parse_options(int argc, char const *const *argv)
{
  subgetopt l = SUBGETOPT_ZERO;
  for (;;) {
    int opt = subgetopt_r(argc, argv, "ft:l:", &l);
    if (opt == -1) break;
    switch (opt) {
      case 'f': g.force = 1; break;
      case 't': if (!uint0_scan(l.arg, &g.timeout_ms)) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE); break;
      case 'l': g.template_path = l.arg; break;
      default: strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
    }
  }
  if (l.ind >= argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  return l.ind;
}

static void open_live(void)
{
  struct svinstall_error e;
  g.live = svpath_env_dir("SVDIR", SVDIR_DEFAULT);
  g.livefd = open(g.live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (g.livefd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "open live service dir ", g.live);
  if (svinstall_lock(g.livefd) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "lock ", g.live);
  if (svinstall_template_load(&g.log_template, g.template_path, &e) < 0) die_error(&e);
}

int main(int argc, char const *const *argv)
{
  int first = parse_options(argc, argv);
  open_live();
  for (int i = first; i < argc; i++) activate(argv[i]);
  return VIGIL_EXIT_OK;
}
