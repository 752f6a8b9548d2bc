/* Log dirs: what the logger was told, or where the image puts them. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logfind.h"
#include "svpaths.h"
#include "svstatus.h"

#define LOGROOT_DEFAULT "/var/log"

static char const *base(char const *s)
{
  char const *slash = strrchr(s, '/');
  return slash ? slash + 1 : s;
}

/* svlogd's options that take an argument as the next word. */
static int svlogd_takes_arg(char c)
{
  return c == 'r' || c == 'R' || c == 'l' || c == 'b';
}

char const *logfind_from_cmdline(char const *args, size_t len, unsigned int *leap)
{
  char const *argv[256];
  unsigned int argc = 0;
  size_t i = 0;
  *leap = 0;
  if (!len) return 0;
  while (i < len && argc < 256) {
    argv[argc++] = args + i;
    while (i < len && args[i]) i++;
    if (i == len) break;   /* the last one unterminated: not a string we may use */
    i++;
  }
  if (i >= len && (args[len - 1] != 0)) argc--;
  if (!argc) return 0;
  char const *prog = base(argv[0]);
  if (!strcmp(prog, "vigil-log")) {
    if (argc < 2 || !strcmp(argv[argc - 1], "-") || !argv[argc - 1][0]) return 0;
    return argv[argc - 1];
  }
  if (!strcmp(prog, "svlogd")) {
    for (unsigned int k = 1; k < argc; k++) {
      char const *a = argv[k];
      if (a[0] == '-' && a[1]) {
        if (svlogd_takes_arg(a[1]) && !a[2]) k++;
        continue;
      }
      return a[0] ? a : 0;
    }
    return 0;
  }
  if (!strcmp(prog, "multilog") || !strcmp(prog, "s6-log")) {
    if (prog[0] == 's') *leap = LOGFIND_S6_LEAP_SECONDS;
    for (unsigned int k = 1; k < argc; k++)
      if (argv[k][0] == '/' || argv[k][0] == '.') return argv[k];
    return 0;
  }
  return 0;
}

static int is_dir(char const *path)
{
  struct stat st;
  return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int from_open_current(char *out, uint32_t pid)
{
  char path[64], target[PATH_MAX];
  struct dirent *e;
  int found = 0;
  snprintf(path, sizeof path, "/proc/%u/fd", (unsigned int)pid);
  DIR *d = opendir(path);
  if (!d) return 0;
  while (!found && (e = readdir(d))) {
    char link[64 + NAME_MAX + 2];
    ssize_t len;
    if (e->d_name[0] == '.') continue;
    snprintf(link, sizeof link, "%s/%s", path, e->d_name);
    len = readlink(link, target, sizeof target - 1);
    if (len <= (ssize_t)sizeof "/current" - 1 || target[0] != '/') continue;
    target[len] = 0;
    if (strcmp(target + len - (sizeof "/current" - 1), "/current")) continue;
    target[len - (sizeof "/current" - 1)] = 0;
    strcpy(out, target);
    found = is_dir(out);
  }
  closedir(d);
  return found;
}

static int from_logger(char *out, char const *svc, unsigned int *leap)
{
  char path[PATH_MAX], args[8192], cwd[PATH_MAX];
  struct svstatus status;
  ssize_t len, cwdlen;
  int fd, r;
  if (snprintf(path, sizeof path, "%s/log", svc) >= (int)sizeof path) return 0;
  fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;
  r = svstatus_read(fd, &status);
  close(fd);
  if (r != 1 || !status.pid) return 0;
  snprintf(path, sizeof path, "/proc/%u/cmdline", (unsigned int)status.pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  len = read(fd, args, sizeof args);
  close(fd);
  if (len <= 0) return 0;
  char const *dir = logfind_from_cmdline(args, (size_t)len, leap);
  if (!dir) return 0;
  if (dir[0] == '/') {
    if (strlen(dir) >= PATH_MAX) return 0;
    strcpy(out, dir);
    return 1;
  }
  snprintf(path, sizeof path, "/proc/%u/cwd", (unsigned int)status.pid);
  cwdlen = readlink(path, cwd, sizeof cwd - 1);
  if (cwdlen <= 0) return 0;
  cwd[cwdlen] = 0;
  if (snprintf(out, PATH_MAX, "%s/%s", cwd, dir) < PATH_MAX && is_dir(out)) return 1;
  /* multilog changes into its dir once started: the relative name no
     longer holds; the current it keeps open says where it is. */
  return from_open_current(out, status.pid);
}

int logfind_service(char *out, char const *svc, char const **how, unsigned int *leap)
{
  char name[NAME_MAX + 1];
  size_t len = strlen(svc);
  while (len > 1 && svc[len - 1] == '/') len--;
  {
    size_t start = len;
    while (start && svc[start - 1] != '/') start--;
    if (len - start > NAME_MAX || len == start) return 0;
    memcpy(name, svc + start, len - start);
    name[len - start] = 0;
  }
  *leap = 0;
  if (from_logger(out, svc, leap)) {
    *how = "logger";
    return 1;
  }
  *leap = 0;
  if (snprintf(out, PATH_MAX, "%s/%s", svpath_env_dir("VIGIL_LOGROOT", LOGROOT_DEFAULT), name) < PATH_MAX && is_dir(out)) {
    *how = "convention";
    return 1;
  }
  return 0;
}
