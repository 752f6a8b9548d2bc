/* Reading env/, user and the limit files into a spawn_setup. Heap memory
   (the environment, the groups) only while the dir has env/ or user. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/env.h>
#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "spawn.h"
#include "svdir.h"
#include "svdir-spawn.h"
#include "supervise-env.h"

extern char **environ;

/* envdir's first line must fit here; a longer one is skipped. */
#define ENV_VALUE_MAX 4096
/* Supplementary groups of a user, at most (the kernel's NGROUPS_MAX is 65536). */
#define GROUPS_MAX 1024

static struct {
  struct spawn_setup setup;
  stralloc modifs;        /* NAME=value\0 to set, NAME\0 to unset */
  char const **envp;
  gid_t *groups;
  int refused;            /* the last load returned -1 */
} g;

int supervise_env_usable(void)
{
  return !g.refused;
}

static void release(void)
{
  stralloc_free(&g.modifs);
  free(g.envp);
  free(g.groups);
  g.envp = 0;
  g.groups = 0;
  memset(&g.setup, 0, sizeof g.setup);
}

static int add_modif(char const *name, char const *value)
{
  if (!stralloc_cats(&g.modifs, name)) return 0;
  if (value && (!stralloc_catb(&g.modifs, "=", 1) || !stralloc_cats(&g.modifs, value))) return 0;
  return stralloc_0(&g.modifs);
}

/* One env/ entry; 0 on a memory shortage, else 1 (a bad entry warned).
   Never inlined: its 4 KiB frame is paid for only by a dir with env/,
   not by every supervisor's stack. */
static int __attribute__((noinline)) env_entry(int dirfd, char const *name)
{
  char value[ENV_VALUE_MAX];
  ssize_t len;
  int fd;
  switch (envdir_name_check(name)) {
    case -1: return 1;
    case 0:
      strerr_warnw(SVDIR_ENV, "/", name, ": a name with '=' (skipped)");
      return 1;
  }
  /* A fifo or a device in env/ must not hang the supervisor. */
  fd = svdir_open_regular(dirfd, name, 0);
  if (fd < 0) {
    if (errno == EINVAL || errno == EISDIR) strerr_warnw(SVDIR_ENV, "/", name, ": not a regular file (skipped)");
    else strerr_warnwusys("read ", SVDIR_ENV, "/", name, " (skipped)");
    return 1;
  }
  do len = read(fd, value, sizeof value - 1);
  while (len < 0 && errno == EINTR);
  close(fd);
  if (len < 0) {
    strerr_warnwusys("read ", SVDIR_ENV, "/", name, " (skipped)");
    return 1;
  }
  if (!len) return add_modif(name, 0);
  if ((size_t)len == sizeof value - 1 && !memchr(value, '\n', (size_t)len)) {
    strerr_warnw(SVDIR_ENV, "/", name, ": first line longer than 4095 bytes (skipped)");
    return 1;
  }
  envdir_value(value, (size_t)len);
  return add_modif(name, value);
}

static int read_envdir(void)
{
  DIR *dir = opendir(SVDIR_ENV);
  struct dirent *entry;
  int ok = 1;
  if (!dir) {
    if (errno != ENOENT) strerr_warnwusys("open ", SVDIR_ENV, "/ (ignored)");
    return 1;
  }
  while (ok) {
    errno = 0;
    entry = readdir(dir);
    if (!entry) {
      if (errno) strerr_warnwusys("read ", SVDIR_ENV, "/");
      break;
    }
    ok = env_entry(dirfd(dir), entry->d_name);
  }
  closedir(dir);
  return ok;
}

/* The passwd entry's HOME, USER, LOGNAME and SHELL, as login would. */
static int user_env(struct passwd const *pw)
{
  return add_modif("HOME", pw->pw_dir) && add_modif("USER", pw->pw_name)
      && add_modif("LOGNAME", pw->pw_name) && add_modif("SHELL", pw->pw_shell);
}

/* A numeric uid:gid: no groups, and none of root's HOME... left behind. */
static int numeric_env(void)
{
  return add_modif("HOME", 0) && add_modif("USER", 0) && add_modif("LOGNAME", 0) && add_modif("SHELL", 0);
}

/* A user namespace made by an unprivileged user (unshare -r) denies
   setgroups(2) for good: the groups stay as they are, said once a load. */
static int setgroups_denied(void)
{
  char text[8];
  return svdir_read_line(AT_FDCWD, "/proc/self/setgroups", text, sizeof text) == SVDIR_READ
      && !strcmp(text, "deny");
}

/* The user's supplementary groups; 0 on a memory shortage. Never
   inlined: its 4 KiB frame is paid for only by a dir with a user file,
   not by every supervisor's stack (read_user calls on below it). */
static int __attribute__((noinline)) user_groups(char const *name)
{
  /* On the stack first: only what the user has is kept. */
  gid_t groups[GROUPS_MAX];
  int n = GROUPS_MAX;
  if (getgrouplist(name, g.setup.gid, groups, &n) < 0) {
    strerr_warnw(SVDIR_USER, ": user ", name, " has too many groups: keeping the first 1024");
    n = GROUPS_MAX;
  }
  g.groups = malloc((size_t)n * sizeof *g.groups);
  if (!g.groups) return 0;
  memcpy(g.groups, groups, (size_t)n * sizeof *g.groups);
  g.setup.groups = g.groups;
  g.setup.ngroups = (size_t)n;
  return 1;
}

/* -1: bad (warned); 0: no memory; 1: done or none. */
static int read_user(void)
{
  char text[256];
  char const *user, *group;
  int numeric;
  unsigned int uid, gid;
  struct passwd *pw;
  switch (svdir_read_line(AT_FDCWD, SVDIR_USER, text, sizeof text)) {
    case SVDIR_ABSENT: return 1;
    case SVDIR_INVALID:
      strerr_warnwusys("read ", SVDIR_USER);
      return -1;
    case SVDIR_READ: break;
  }
  if (geteuid()) {
    strerr_warnw(SVDIR_USER, ": not run as root: the run runs as this supervisor's user");
    return 1;
  }
  if (svuser_parse(text, &user, &group, &numeric, &uid, &gid) < 0) {
    strerr_warnw(SVDIR_USER, ": must be user, user:group or uid:gid");
    return -1;
  }
  g.setup.set_ids = 1;
  if (setgroups_denied()) {
    strerr_warnw(SVDIR_USER, ": this user namespace denies setgroups: supplementary groups kept as they are");
    g.setup.keep_groups = 1;
  }
  if (numeric) {
    g.setup.uid = uid;
    g.setup.gid = gid;
    return numeric_env();
  }
  errno = 0;
  pw = getpwnam(user);
  if (!pw) {
    if (errno) strerr_warnwusys("look up user ", user, " in the passwd database");
    else strerr_warnw(SVDIR_USER, ": no such user: ", user);
    return -1;
  }
  g.setup.uid = pw->pw_uid;
  g.setup.gid = pw->pw_gid;
  if (group) {
    struct group *gr;
    if (uint_scan(group, &gid) && !group[uint_scan(group, &gid)]) g.setup.gid = gid;
    else if ((gr = getgrnam(group))) g.setup.gid = gr->gr_gid;
    else {
      strerr_warnw(SVDIR_USER, ": no such group: ", group);
      return -1;
    }
  }
  return user_groups(pw->pw_name) && user_env(pw);
}

/* nice, oom-score-adj and limit-*: bad ones warned of and ignored. No heap. */
static void read_limits(void)
{
  char text[32];
  for (unsigned int i = 0; i < svdir_limits_count && g.setup.nlimits < SPAWN_LIMITS_MAX; i++) {
    rlim_t value;
    switch (svdir_read_line(AT_FDCWD, svdir_limits[i].file, text, sizeof text)) {
      case SVDIR_ABSENT: continue;
      case SVDIR_INVALID:
        strerr_warnwusys("read ", svdir_limits[i].file, " (ignored)");
        continue;
      case SVDIR_READ: break;
    }
    if (svlimit_parse(text, &value) < 0) {
      strerr_warnw(svdir_limits[i].file, ": must be a number or unlimited (ignored)");
      continue;
    }
    g.setup.limits[g.setup.nlimits].resource = svdir_limits[i].resource;
    g.setup.limits[g.setup.nlimits++].value = value;
  }
  switch (svdir_read_line(AT_FDCWD, SVDIR_NICE, text, sizeof text)) {
    case SVDIR_ABSENT: break;
    case SVDIR_INVALID: strerr_warnwusys("read ", SVDIR_NICE, " (ignored)"); break;
    case SVDIR_READ:
      if (svint_parse(text, -20, 19, &g.setup.nice) < 0) strerr_warnw(SVDIR_NICE, ": must be a number from -20 to 19 (ignored)");
      else g.setup.set_nice = 1;
  }
  switch (svdir_read_line(AT_FDCWD, SVDIR_OOM_SCORE_ADJ, text, sizeof text)) {
    case SVDIR_ABSENT: break;
    case SVDIR_INVALID: strerr_warnwusys("read ", SVDIR_OOM_SCORE_ADJ, " (ignored)"); break;
    case SVDIR_READ: {
      int adj;
      if (svint_parse(text, -1000, 1000, &adj) < 0) strerr_warnw(SVDIR_OOM_SCORE_ADJ, ": must be a number from -1000 to 1000 (ignored)");
      else {
        g.setup.oom[int_fmt(g.setup.oom, adj)] = 0;
        g.setup.set_oom = 1;
      }
    }
  }
}

static int build_envp(void)
{
  size_t envlen = env_len((char const *const *)environ);
  size_t n = envlen + 1;
  for (size_t i = 0; i < g.modifs.len; i++) if (!g.modifs.s[i]) n++;
  g.envp = malloc(n * sizeof *g.envp);
  if (!g.envp) return 0;
  if (!env_merge(g.envp, n, (char const *const *)environ, envlen, g.modifs.s, g.modifs.len)) return 0;
  g.setup.envp = g.envp;
  return 1;
}

static int load(void);

int supervise_env_load(void)
{
  int r = load();
  g.refused = r < 0;
  return r;
}

static int load(void)
{
  int user;
  release();
  spawn_set_child_setup(0);
  user = read_user();
  if (user < 0) {
    release();
    return -1;
  }
  if (!user || !read_envdir() || (g.modifs.len && !build_envp())) {
    /* Without memory, a user still must not be dropped for root. */
    int wanted_ids = g.setup.set_ids;
    strerr_warnwusys("allocate the run's environment (using the supervisor's)");
    release();
    return wanted_ids ? -1 : 0;
  }
  read_limits();
  if (!g.modifs.len) stralloc_free(&g.modifs);
  if (g.setup.envp || g.setup.set_ids || g.setup.nlimits || g.setup.set_nice || g.setup.set_oom)
    spawn_set_child_setup(&g.setup);
  return 0;
}
