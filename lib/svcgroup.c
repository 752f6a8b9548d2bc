/* A service's own cgroup: see svcgroup.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <skalibs/types.h>

#include "svcgroup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* cgroup.events holds two short lines; cgroup.procs is read in slices. */
#define EVENTS_MAX 256
#define PROCS_SLICE 4096
/* cgroup.kill's stand-in: rounds of reading cgroup.procs and killing,
   while a fork outruns a round. */
#define KILL_ROUNDS 8
#define MAKE_ATTEMPTS 4

/* The component of DIR that ends at END (exclusive), and its start. */
static char const *component_before(char const *dir, char const *end)
{
  char const *start = end;
  while (start > dir && start[-1] != '/') start--;
  return start;
}

size_t svcgroup_leaf(char const *dir, char *out, size_t size)
{
  char const *end = dir + strlen(dir), *name, *role = "run";
  size_t len;
  while (end > dir && end[-1] == '/') end--;
  name = component_before(dir, end);
  if ((size_t)(end - name) == 3 && !memcmp(name, "log", 3)) {
    char const *above = name;
    while (above > dir && above[-1] == '/') above--;
    if (above > dir) {
      role = "log";
      end = above;
      name = component_before(dir, end);
    }
  }
  len = (size_t)(end - name);
  if (!len || name[0] == '.' || len + 5 > size) return 0;
  memcpy(out, name, len);
  out[len] = '/';
  memcpy(out + len + 1, role, 4);
  return len + 4;
}

int svcgroup_parse_populated(char const *events)
{
  static char const key[] = "populated ";
  for (char const *line = events; *line; ) {
    if (!strncmp(line, key, sizeof key - 1)) {
      char value = line[sizeof key - 1];
      if (value == '0' || value == '1') return value - '0';
      return -1;
    }
    line = strchr(line, '\n');
    if (!line) break;
    line++;
  }
  return -1;
}

int svcgroup_is_cgroup2(char const *dir)
{
  struct statfs fs;
  if (statfs(dir, &fs) < 0) return -1;
  return fs.f_type == CGROUP2_SUPER_MAGIC;
}

static int join(char *out, size_t size, char const *a, char const *b, char const *c)
{
  size_t la = strlen(a), lb = strlen(b), lc = c ? strlen(c) : 0;
  if (la + 1 + lb + (c ? 1 + lc : 0) + 1 > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(out, a, la);
  out[la] = '/';
  memcpy(out + la + 1, b, lb + 1);
  if (c) {
    out[la + 1 + lb] = '/';
    memcpy(out + la + 2 + lb, c, lc + 1);
  }
  return 0;
}

static int write_file(char const *dir, char const *file, char const *text)
{
  char path[SVCGROUP_FILE_PATH_MAX];
  size_t len = strlen(text);
  int fd, r;
  if (join(path, sizeof path, dir, file, 0) < 0) return -1;
  fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  r = write(fd, text, len) == (ssize_t)len ? 0 : -1;
  close(fd);
  return r;
}

void svcgroup_enable_controllers(char const *dir)
{
  static char const *const controllers[] = { "+memory", "+cpu", "+pids", 0 };
  for (unsigned int i = 0; controllers[i]; i++) write_file(dir, "cgroup.subtree_control", controllers[i]);
}

int svcgroup_make(char const *base, char const *leaf, char *out, size_t size)
{
  char parent[SVCGROUP_PATH_MAX];
  char const *slash = strrchr(leaf, '/');
  size_t name_len = slash ? (size_t)(slash - leaf) : 0;
  if (!name_len || join(out, size, base, leaf, 0) < 0 || strlen(base) + 1 + name_len + 1 > sizeof parent) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(parent, out, strlen(base) + 1 + name_len);
  parent[strlen(base) + 1 + name_len] = 0;
  /* The other supervisor of NAME (service or logger), exiting, may
     remove BASE/NAME between the two mkdirs: made again. */
  for (int attempt = 0; attempt < MAKE_ATTEMPTS; attempt++) {
    if (mkdir(parent, 0755) < 0 && errno != EEXIST) return -1;
    /* Every time: a controller the scanner enabled since is passed on. */
    svcgroup_enable_controllers(parent);
    if (mkdir(out, 0755) == 0 || errno == EEXIST) return 0;
    if (errno != ENOENT) return -1;
  }
  return -1;
}

static ssize_t read_small(char const *dir, char const *file, char *buf, size_t size)
{
  char path[SVCGROUP_FILE_PATH_MAX];
  ssize_t len;
  int fd;
  if (join(path, sizeof path, dir, file, 0) < 0) return -1;
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  len = read(fd, buf, size - 1);
  close(fd);
  if (len >= 0) buf[len] = 0;
  return len;
}

int svcgroup_populated(char const *path)
{
  char events[EVENTS_MAX];
  int populated;
  if (read_small(path, "cgroup.events", events, sizeof events) < 0) return -1;
  populated = svcgroup_parse_populated(events);
  if (populated < 0) errno = EPROTO;
  return populated;
}

/* SIGNAL to each pid listed in cgroup.procs (a pid that exits and is
   given to another process between the read and the kill is the risk
   every kill(2) by number takes; the window is a few microseconds).
   Returns how many were signalled. */
static int signal_listed(char const *path, int signal)
{
  char procs[SVCGROUP_FILE_PATH_MAX], buf[PROCS_SLICE];
  size_t have = 0;
  int fd, killed = 0;
  if (join(procs, sizeof procs, path, "cgroup.procs", 0) < 0) return -1;
  fd = open(procs, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
    char *line = buf, *nl;
    if (r <= 0) break;
    have += (size_t)r;
    buf[have] = 0;
    while ((nl = strchr(line, '\n'))) {
      pid_t pid;
      *nl = 0;
      if (pid0_scan(line, &pid) && pid > 1 && kill(pid, signal) == 0) killed++;
      line = nl + 1;
    }
    have = (size_t)(buf + have - line);
    memmove(buf, line, have);
  }
  close(fd);
  return killed;
}

int svcgroup_kill(char const *path)
{
  if (write_file(path, "cgroup.kill", "1") == 0) return 0;
  if (errno != ENOENT) return -1;
  for (int round = 0; round < KILL_ROUNDS; round++) {
    int killed = signal_listed(path, SIGKILL);
    if (killed < 0) return -1;
    if (!killed) break;
  }
  return 0;
}

int svcgroup_signal(char const *path, int signal)
{
  if (signal == SIGKILL) return svcgroup_kill(path);
  return signal_listed(path, signal) < 0 ? -1 : 0;
}

void svcgroup_remove(char const *path)
{
  char parent[SVCGROUP_PATH_MAX];
  char const *slash = strrchr(path, '/');
  if (rmdir(path) < 0 || !slash || (size_t)(slash - path) >= sizeof parent) return;
  memcpy(parent, path, (size_t)(slash - path));
  parent[slash - path] = 0;
  rmdir(parent);
}
