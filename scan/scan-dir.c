/* vigil-scan: what is in the scan dir, from full scans and inotify events.
   Dirs are known by device and inode: a rename keeps the service, a new
   inode under an old name is a new service. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/stralloc.h>
#include <skalibs/strerr.h>

#include "scan-instance.h"
#include "svdir.h"
#include "svinstance.h"
#include "scan.h"

/* A hundred events or more a read (one is 16 bytes and its name). A
   burst of thousands of dirs takes more reads, each cheap beside the stat
   and fork a new dir costs. On the stack, with the batch: the loop's
   stack pages are PID 1's anyway, where static buffers would be pages of
   their own, kept for life once touched. */
#define EVENT_BUFFER_SIZE 4096
/* Names of the scan dir touched by one batch of events: one buffer's
   worth of the shortest events; a fuller batch is settled early. */
#define BATCH_NAMES_MAX (EVENT_BUFFER_SIZE / 32)

enum arrival {
  ARRIVAL_SCAN,       /* found by a full scan: start at once if runnable */
  ARRIVAL_RENAME,     /* renamed in: the atomic way, start at once */
  ARRIVAL_CREATE      /* made by mkdir: wait for it to settle */
};

static void remember_ignored(char const *name, char const *why)
{
  uint32_t slot = scan_table_find_name(&scan.table, name);
  if (slot != SCAN_INDEX_NONE) {
    service_at(slot)->generation = scan.generation;
    return;
  }
  strerr_warnw(scan.dir, "/", name, ": ", why, ": ignored");
  slot = scan_table_add(&scan.table, SERVICE_IGNORED, name, 0, 0);
  if (slot != SCAN_INDEX_NONE) service_at(slot)->generation = scan.generation;
}

/* A known dir seen under another name: a rename, unless the old name still
   leads to it (a symlink alias, say). Then the real dir keeps or takes the
   name, so removing the alias leaves the service alone. */
static bool takes_the_name(struct service const *service, char const *name)
{
  struct stat old, old_link, new_link;
  if (stat(service->name, &old) < 0 || old.st_dev != service->dev || old.st_ino != service->ino) return true;
  if (lstat(name, &new_link) < 0 || lstat(service->name, &old_link) < 0) return false;
  return S_ISLNK(old_link.st_mode) && !S_ISLNK(new_link.st_mode);
}

/* name exists and is a dir with this identity. */
static void present(char const *name, struct stat const *st, enum arrival arrival)
{
  uint32_t slot = scan_table_find_identity(&scan.table, st->st_dev, st->st_ino);
  uint32_t named = scan_table_find_name(&scan.table, name);
  if (named != SCAN_INDEX_NONE && named != slot) {
    /* Whatever held this name before is not this dir. */
    if (service_at(named)->kind == SERVICE_IGNORED) scan_table_remove(&scan.table, named);
    else service_remove(named);
  }
  if (slot != SCAN_INDEX_NONE) {
    struct service *service = service_at(slot);
    service->generation = scan.generation;
    if (strcmp(service->name, name) && takes_the_name(service, name) && scan_table_rename(&scan.table, slot, name) < 0)
      strerr_warnwu("remember the new name ", name);
    /* A rescan or an event is a chance for a waiting part: look again. */
    for (int role = 0; role < PART_COUNT; role++)
      if (service->parts[role].state == PART_PENDING) service_changed(slot, role);
    return;
  }
  slot = scan_table_add(&scan.table, SERVICE_DIR, name, st->st_dev, st->st_ino);
  if (slot == SCAN_INDEX_NONE) {
    strerr_warnwu("track ", scan.dir, "/", name, ": out of memory");
    return;
  }
  service_at(slot)->generation = scan.generation;
  service_appeared(slot, arrival != ARRIVAL_CREATE);
}

/* name is gone, or is no longer a dir: whatever the table had there goes,
   unless the same dir shows up elsewhere (then present() renamed it). */
static void absent(char const *name)
{
  uint32_t slot = scan_table_find_name(&scan.table, name);
  if (slot != SCAN_INDEX_NONE) service_remove(slot);
}

/* Returns 1 if name is a dir now (st filled), 0 otherwise. */
static int examine(char const *name, struct stat *st)
{
  struct stat link;
  char const *why;
  int instance;
  /* A template is not a service: its instances are. */
  if (name[0] == '.' || svinstance_is_template(name)) return 0;
  instance = scan_instance_examine(name, st, &why);
  if (instance > 0) return 1;
  if (instance < 0) {
    remember_ignored(name, why);
    return 0;
  }
  if (!stat(name, st)) {
    if (S_ISDIR(st->st_mode)) return 1;
    remember_ignored(name, "not a directory");
    return 0;
  }
  if (errno == ENOENT && !lstat(name, &link)) remember_ignored(name, "symbolic link to nothing");
  else if (errno != ENOENT) strerr_warnwusys("stat ", scan.dir, "/", name);
  return 0;
}

void scan_full(void)
{
  DIR *dir = opendir(".");
  struct dirent *entry;
  if (!dir) {
    strerr_warnwusys("read ", scan.dir);
    scan_dir_lost();
    return;
  }
  scan.generation++;
  while ((errno = 0, entry = readdir(dir))) {
    struct stat st;
    if (examine(entry->d_name, &st)) present(entry->d_name, &st, ARRIVAL_SCAN);
  }
  if (errno) strerr_warnwusys("read ", scan.dir);
  closedir(dir);
  for (uint32_t slot = 0; slot < scan.table.capacity; slot++) {
    struct service *service = service_at(slot);
    if (service->kind == SERVICE_FREE || service->generation == scan.generation) continue;
    if (!service->removing) service_remove(slot);
  }
}

void scan_dir_lost(void)
{
  if (!scan.dir_gone)
    strerr_warnw(scan.dir, " is gone: its services keep running; looking for it again every second");
  scan.dir_gone = true;
  if (scan.dir_watch >= 0) inotify_rm_watch(scan.inotify_fd, scan.dir_watch);
  scan.dir_watch = -1;
  scan_schedule_rescan();
}

struct batch {
  unsigned int count;
  struct {
    char const *name;
    enum arrival arrival;
    bool gone;
  } names[BATCH_NAMES_MAX];
};

static void on_part_event(struct inotify_event const *event)
{
  uint32_t found = scan_table_find_watch(&scan.table, event->wd);
  uint32_t slot;
  enum part_role role;
  if (found == SCAN_INDEX_NONE) return;
  slot = found / PART_COUNT;
  role = found % PART_COUNT;
  if (event->mask & IN_IGNORED) {
    scan_table_set_watch(&scan.table, slot, role, -1);
    return;
  }
  /* A running service's dir matters only when its log/ appears. */
  if (service_at(slot)->parts[role].state == PART_READY && (!event->len || strcmp(event->name, SVDIR_LOG))) return;
  service_changed(slot, role);
}

/* Names gone in the events read so far, NUL-terminated one after the
   other: removals wait until the queue is drained, so a rename whose two
   halves land in different reads is still seen as a rename. */
static stralloc gone_names = STRALLOC_ZERO;

/* Renamed-in and created names first, so a rename's new name is known
   before its old one is taken for a removal. */
static void settle(struct batch *batch)
{
  for (unsigned int i = 0; i < batch->count; i++) {
    struct stat st;
    batch->names[i].gone = !examine(batch->names[i].name, &st);
    if (!batch->names[i].gone) present(batch->names[i].name, &st, batch->names[i].arrival);
  }
  for (unsigned int i = 0; i < batch->count; i++)
    if (batch->names[i].gone && !stralloc_catb(&gone_names, batch->names[i].name, strlen(batch->names[i].name) + 1))
      absent(batch->names[i].name);
  batch->count = 0;
}

/* A name may have come back since (a new dir under it): present() saw to
   that, so only a name that is still no dir is a removal. */
static void settle_gone(void)
{
  for (size_t at = 0; at < gone_names.len; at += strlen(gone_names.s + at) + 1) {
    struct stat st;
    if (!examine(gone_names.s + at, &st)) absent(gone_names.s + at);
  }
  gone_names.len = 0;
}

static int on_dir_event(struct inotify_event const *event, struct batch *batch)
{
  if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)) return -1;
  if (!event->len) return 0;
  if (batch->count == BATCH_NAMES_MAX) settle(batch);
  batch->names[batch->count].name = event->name;
  batch->names[batch->count].arrival = event->mask & IN_CREATE ? ARRIVAL_CREATE : ARRIVAL_RENAME;
  batch->count++;
  return 0;
}

void scan_inotify_events(void)
{
  char buffer[EVENT_BUFFER_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
  struct batch batch;
  bool lost = false, overflow = false;
  batch.count = 0;
  for (;;) {
    ssize_t len = read(scan.inotify_fd, buffer, sizeof buffer);
    if (len <= 0) {
      if (len < 0 && errno != EAGAIN && errno != EINTR) strerr_warnwusys("read inotify events");
      break;
    }
    for (char *p = buffer; p < buffer + len;) {
      struct inotify_event const *event = (struct inotify_event const *)p;
      p += sizeof *event + event->len;
      if (event->mask & IN_Q_OVERFLOW) overflow = true;
      else if (event->wd == scan.dir_watch) {
        if (on_dir_event(event, &batch) < 0) lost = true;
      } else on_part_event(event);
    }
    /* Names point into the buffer: settle before reading more. */
    settle(&batch);
  }
  settle_gone();
  if (lost) scan_dir_lost();
  else if (overflow) scan_full();
}
