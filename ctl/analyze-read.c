/* vigil-analyze: $SVDIR's dirs, their status files and needs/, and PID 1's
   start, read into a struct analyze_boot. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/djbunix.h>
#include <skalibs/types.h>

#include "analyze.h"
#include "procstat.h"
#include "svdir.h"
#include "svinstance.h"
#include "svpaths.h"

/* What /proc/1/comm holds when vigil-init has exec'd into the scanner. */
#define SCANNER_COMM "vigil-scan\n"
/* The kernel's line as it execs PID 1's program (init/main.c). */
#define INIT_EXEC_PREFIX "Run "
#define INIT_EXEC_SUFFIX " as init process"
/* A /dev/kmsg record is at most this long (the kernel's CONSOLE_EXT_LOG_MAX);
   a read with less room fails with EINVAL. */
#define KMSG_RECORD_MAX 8192

struct now {
  uint64_t boot_ns;
  struct svtime wall;
};

/* The dirs of SVDIR (what vigil-scan supervises: no dot name, a dir or a
   symlink to one), sorted. */
static int read_dir_names(int svdirfd, struct names *names)
{
  int fd = dup(svdirfd);
  DIR *dir;
  struct dirent *entry;
  if (fd < 0) return -1;
  dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return -1;
  }
  while ((errno = 0, entry = readdir(dir))) {
    struct stat st;
    /* What the scanner skips: dotdirs, templates (NAME@). */
    if (entry->d_name[0] == '.' || svinstance_is_template(entry->d_name)) continue;
    if (fstatat(svdirfd, entry->d_name, &st, 0) < 0 || !S_ISDIR(st.st_mode)) continue;
    if (!names_add(names, entry->d_name, strlen(entry->d_name))) break;
  }
  if (errno) {
    int e = errno;
    closedir(dir);
    errno = e;
    return -1;
  }
  closedir(dir);
  return names_sort(names) ? 0 : -1;
}

static void read_status(int dirfd, struct now const *now, struct analyze_service *service)
{
  struct svstatus status;
  service->readiness = svdir_exists(dirfd, SVDIR_NOTIFICATION_FD) || svdir_exists(dirfd, SVDIR_NOTIFY_SOCKET);
  service->oneshot = svdir_oneshot(dirfd);
  if (svstatus_read(dirfd, &status) <= 0) {
    service->record = ANALYZE_NO_STATUS;
    return;
  }
  service->record = analyze_classify(&status, service->readiness || service->oneshot, now->boot_ns, &now->wall, service);
}

static bool is_dir_at(int dirfd, char const *name)
{
  struct stat st;
  return !fstatat(dirfd, name, &st, 0) && S_ISDIR(st.st_mode);
}

/* The slot of each dir's service (its logger, if it has a log/ dir, is
   the next), and one more: the count of services and loggers. */
static unsigned int *slots(int svdirfd, struct names const *names)
{
  unsigned int *slot_of = malloc((names->count + 1) * sizeof *slot_of);
  unsigned int at = 0;
  if (!slot_of) return 0;
  for (unsigned int i = 0; i < names->count; i++) {
    char path[PATH_MAX];
    size_t len = strlen(names->list[i]);
    slot_of[i] = at++;
    if (len + sizeof "/" SVDIR_LOG > sizeof path) continue;
    memcpy(path, names->list[i], len);
    memcpy(path + len, "/" SVDIR_LOG, sizeof "/" SVDIR_LOG);
    if (is_dir_at(svdirfd, path)) at++;
  }
  slot_of[names->count] = at;
  return slot_of;
}

struct edges {
  unsigned int *list;
  unsigned int count, cap;
};

static bool edges_add(struct edges *edges, unsigned int to)
{
  if (edges->count == edges->cap) {
    unsigned int cap = edges->cap ? edges->cap * 2 : 64;
    unsigned int *list = realloc(edges->list, cap * sizeof *list);
    if (!list) return false;
    edges->list = list;
    edges->cap = cap;
  }
  edges->list[edges->count++] = to;
  return true;
}

/* The needs of the service in DIRFD (named NAME) that are dirs of SVDIR,
   as their slots, in name order. A needs/ that cannot be read is none. */
static bool read_needs_row(int dirfd, char const *name, struct names const *names, unsigned int const *slot_of,
                           struct edges *edges)
{
  struct names needs = { 0 };
  bool ok = true;
  if (read_needs(dirfd, name, &needs, false) < 0 || !names_sort(&needs)) {
    names_free(&needs);
    return true;
  }
  for (unsigned int k = 0; k < needs.count && ok; k++) {
    int j = names_find(names, needs.list[k]);
    if (j >= 0) ok = edges_add(edges, slot_of[j]);
  }
  names_free(&needs);
  return ok;
}

/* When the kernel exec'd PID 1's program: its log's last "Run /init as
   init process" (the earlier ones failed), from /dev/kmsg, whose records
   ("PRIORITY,SEQUENCE,MICROSECONDS,FLAGS;TEXT") always carry the time.
   /proc/1/stat's start is earlier by all the kernel's own setup: PID 1 is
   made as a kernel thread first, and execs the program once the kernel
   is done (1.5 s of a 2 s boot under QEMU). False when the log has lost
   it (a ring buffer full since) or cannot be read. */
static bool read_init_exec(uint64_t *ns)
{
  int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  bool found = false;
  char record[KMSG_RECORD_MAX + 1];
  if (fd < 0) return false;
  for (;;) {
    ssize_t len = read(fd, record, sizeof record - 1);
    char *text;
    uint64_t us;
    size_t used;
    if (len < 0 && (errno == EINTR || errno == EPIPE)) continue;  /* EPIPE: records lost under us */
    if (len <= 0) break;
    record[len] = 0;
    text = strchr(record, ';');
    if (!text || strncmp(text + 1, INIT_EXEC_PREFIX, sizeof INIT_EXEC_PREFIX - 1)) continue;
    if (!strstr(text, INIT_EXEC_SUFFIX)) continue;
    /* The third field: microseconds since boot. */
    char *field = strchr(record, ',');
    if (!field || !(field = strchr(field + 1, ','))) continue;
    used = uint64_scan(field + 1, &us);
    if (!used || field[1 + used] != ',') continue;
    *ns = us * 1000;
    found = true;
  }
  close(fd);
  return found;
}

static void read_init(struct analyze_boot *boot)
{
  uint64_t ticks, exec_ns;
  long hz = sysconf(_SC_CLK_TCK);
  char comm[64];
  ssize_t len;
  if (hz <= 0 || procstat_start_time(1, &ticks) < 0) return;
  boot->init_known = true;
  boot->init_ns = ticks * (ANALYZE_NS_PER_S / (uint64_t)hz);
  len = openreadnclose("/proc/1/comm", comm, sizeof comm - 1);
  if (len < 0) return;
  comm[len] = 0;
  boot->init_is_scanner = !strcmp(comm, SCANNER_COMM);
  /* The log is read for a boot only, which the plot shows. */
  if (boot->init_is_scanner && read_init_exec(&exec_ns) && exec_ns >= boot->init_ns) boot->init_ns = exec_ns;
}

static void read_logger(int dirfd, char const *name, struct now const *now, struct analyze_service *logger)
{
  int logfd = dirfd < 0 ? -1 : openat(dirfd, SVDIR_LOG, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  logger->name = name;
  logger->logger = true;
  /* Removed since it was counted: its slot stays, with no status. */
  if (logfd < 0) {
    logger->record = ANALYZE_NO_STATUS;
    return;
  }
  read_status(logfd, now, logger);
  close(logfd);
}

/* A dir of SVDIR by name; an instance (NAME@ARG) by its own state dir,
   where its supervise/ and log/ are (lib/svinstance.h). */
static int open_service(char const *svdir, int svdirfd, char const *name)
{
  char path[PATH_MAX];
  if (svpath_join(path, svdir, name) < 0 || svpath_resolve(path, sizeof path, path) < 0)
    return openat(svdirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int read_services(char const *svdir, int svdirfd, struct analyze_boot *boot, unsigned int const *slot_of,
                         struct now const *now)
{
  struct names const *names = &boot->names;
  struct edges edges = { 0 };
  for (unsigned int i = 0; i < names->count; i++) {
    int dirfd = open_service(svdir, svdirfd, names->list[i]);
    unsigned int k = slot_of[i];
    struct analyze_service *service = &boot->service[k];
    service->name = names->list[i];
    boot->first[k] = edges.count;
    if (dirfd < 0) service->record = ANALYZE_NO_STATUS;
    else {
      read_status(dirfd, now, service);
      if (!read_needs_row(dirfd, names->list[i], names, slot_of, &edges)) {
        close(dirfd);
        free(edges.list);
        return -1;
      }
    }
    if (slot_of[i + 1] > k + 1) {
      boot->first[k + 1] = edges.count;
      read_logger(dirfd, names->list[i], now, &boot->service[k + 1]);
    }
    if (dirfd >= 0) close(dirfd);
  }
  boot->first[boot->count] = edges.count;
  boot->edge = edges.list;
  return 0;
}

int analyze_read(char const *svdir, struct analyze_boot *boot)
{
  struct now now;
  struct timespec since_boot;
  unsigned int *slot_of = 0;
  int svdirfd;
  memset(boot, 0, sizeof *boot);
  if (clock_gettime(CLOCK_BOOTTIME, &since_boot) < 0) return -1;
  now.boot_ns = (uint64_t)since_boot.tv_sec * ANALYZE_NS_PER_S + (uint64_t)since_boot.tv_nsec;
  svtime_now(&now.wall);
  svdirfd = open(svdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (svdirfd < 0) return -1;
  if (read_dir_names(svdirfd, &boot->names) < 0) goto fail;
  slot_of = slots(svdirfd, &boot->names);
  if (!slot_of) goto fail;
  boot->count = slot_of[boot->names.count];
  boot->service = calloc(boot->count ? boot->count : 1, sizeof *boot->service);
  boot->first = malloc((boot->count + 1) * sizeof *boot->first);
  if (!boot->service || !boot->first) goto fail;
  if (read_services(svdir, svdirfd, boot, slot_of, &now) < 0) goto fail;
  free(slot_of);
  close(svdirfd);
  boot->needs = (struct needs_graph){ .n = boot->count, .first = boot->first, .edge = boot->edge };
  read_init(boot);
  return 0;
fail:
  {
    int e = errno;
    free(slot_of);
    close(svdirfd);
    analyze_free(boot);
    errno = e;
    return -1;
  }
}

void analyze_free(struct analyze_boot *boot)
{
  names_free(&boot->names);
  free(boot->service);
  free(boot->first);
  free(boot->edge);
  memset(boot, 0, sizeof *boot);
}
