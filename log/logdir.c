/* A log directory: current, archives, lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "mkdirs.h"
#include "spawn.h"
#include "svtime.h"
#include "logdir.h"

#define LOGDIR_CURRENT "current"
#define LOGDIR_LOCK "lock"
/* The processor's files, multilog's names. */
#define LOGDIR_PREVIOUS "previous"
#define LOGDIR_PROCESSED "processed"
#define LOGDIR_STATE "state"
#define LOGDIR_NEWSTATE "newstate"
/* "@" + 24 hex + ".s" */
#define ARCHIVE_NAME_LEN (SVTIME_TAI64N_TEXT_SIZE + 2)

static int open_current(struct logdir *log)
{
  struct stat st;
  log->current_fd = openat(log->dirfd, LOGDIR_CURRENT, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (log->current_fd < 0) return -1;
  if (fstat(log->current_fd, &st) < 0) {
    int e = errno;
    close(log->current_fd);
    log->current_fd = -1;
    errno = e;
    return -1;
  }
  log->current_size = (uint64_t)st.st_size;
  return 0;
}

int logdir_open(struct logdir *log, char const *path, uint64_t max_size, unsigned int keep)
{
  int lock;
  log->path = path;
  log->max_size = max_size;
  log->keep = keep;
  log->buffered = 0;
  if (!strcmp(path, LOGDIR_STDOUT)) {
    log->dirfd = -1;
    log->current_fd = 1;
    log->max_size = UINT64_MAX;
    return 0;
  }
  if (mkdirs(AT_FDCWD, path, 0755) < 0) return -1;
  log->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (log->dirfd < 0) return -1;
  lock = openat(log->dirfd, LOGDIR_LOCK, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return -1;
  if (flock(lock, LOCK_EX | LOCK_NB) < 0) {
    if (errno == EWOULDBLOCK) return 1;
    return -1;
  }
  if (log->processor) {
    struct stat st;
    log->unprocessed = !fstatat(log->dirfd, LOGDIR_PREVIOUS, &st, AT_SYMLINK_NOFOLLOW);
  }
  return open_current(log);
}

int logdir_flush(struct logdir *log)
{
  size_t done = 0;
  int result = 0;
  while (done < log->buffered) {
    ssize_t w = write(log->current_fd, log->buffer + done, log->buffered - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      result = -1;
      break;
    }
    done += (size_t)w;
  }
  /* Keep what was not written, at the front. */
  if (done) {
    int e = errno;
    memmove(log->buffer, log->buffer + done, log->buffered - done);
    log->buffered -= done;
    log->current_size += done;
    errno = e;
  }
  return result;
}

static int is_archive(char const *name)
{
  if (strlen(name) != ARCHIVE_NAME_LEN || name[0] != '@' || strcmp(name + SVTIME_TAI64N_TEXT_SIZE, ".s")) return 0;
  for (int i = 1; i < SVTIME_TAI64N_TEXT_SIZE; i++)
    if (!strchr("0123456789abcdef", name[i])) return 0;
  return 1;
}

static int compare_names(void const *a, void const *b)
{
  return strcmp(a, b);
}

/* TAI64N labels sort as time: remove from the front of the sorted list.
   Only from a complete list: when the dir cannot be listed whole, warn and
   remove nothing this time. */
static int prune(struct logdir *log)
{
  DIR *dir;
  struct dirent *entry;
  char (*names)[ARCHIVE_NAME_LEN + 1] = 0;
  size_t count = 0, capacity = 0;
  int fd = openat(log->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return -1;
  }
  for (;;) {
    errno = 0;
    if (!(entry = readdir(dir))) break;
    if (!is_archive(entry->d_name)) continue;
    if (count == capacity) {
      void *grown = realloc(names, (capacity = capacity ? capacity * 2 : 16) * sizeof *names);
      if (!grown) {
        /* A partial list's oldest are not the dir's oldest: removing them
           could lose newer archives. Keep all; the next rotation tries again. */
        closedir(dir);
        free(names);
        strerr_warnwu("prune ", log->path, ": out of memory (keeping every archive this time)");
        errno = ENOMEM;
        return -1;
      }
      names = grown;
    }
    memcpy(names[count++], entry->d_name, ARCHIVE_NAME_LEN + 1);
  }
  /* A failed readdir leaves a partial list too. */
  if (errno) {
    strerr_warnwusys("list ", log->path, " (keeping every archive this time)");
    closedir(dir);
    free(names);
    return -1;
  }
  closedir(dir);
  qsort(names, count, sizeof *names, compare_names);
  for (size_t i = 0; i + log->keep < count; i++) unlinkat(log->dirfd, names[i], 0);
  free(names);
  return 0;
}

/* A new archive name: names sort as time and the oldest go first, so
   never let one go back, whatever the clock does. */
static void archive_name(struct logdir *log, char name[ARCHIVE_NAME_LEN + 1])
{
  struct svtime now;
  svtime_now(&now);
  if (svtime_compare(&now, &log->last_archive) <= 0) {
    now = log->last_archive;
    if (++now.nsec == 1000000000) now.nsec = 0, now.sec++;
  }
  svtime_fmt_tai64n(name, &now);
  memcpy(name + SVTIME_TAI64N_TEXT_SIZE, ".s", 3);
  log->last_archive = now;
}

int logdir_rotate(struct logdir *log)
{
  char name[ARCHIVE_NAME_LEN + 1];
  if (logdir_flush(log) < 0) return -1;
  if (!log->current_size || log->dirfd < 0) return 0;
  if (log->unprocessed) {
    errno = EBUSY;
    return -1;
  }
  if (fsync(log->current_fd) < 0 && errno != EINVAL) return -1;
  if (log->processor) {
    if (renameat(log->dirfd, LOGDIR_CURRENT, log->dirfd, LOGDIR_PREVIOUS) < 0) return -1;
    log->unprocessed = 1;
  } else {
    archive_name(log, name);
    if (renameat(log->dirfd, LOGDIR_CURRENT, log->dirfd, name) < 0) return -1;
  }
  fsync(log->dirfd);  /* the rename itself must survive a crash */
  if (!log->processor) fchmod(log->current_fd, 0744);  /* multilog marks a complete archive +x */
  close(log->current_fd);
  if (open_current(log) < 0) return -1;
  if (!log->processor) prune(log);
  return 0;
}

int logdir_process_start(struct logdir *log, pid_t *pid)
{
  char const *argv[] = { "/bin/sh", "-c", log->processor, 0 };
  struct spawn_fd fds[4] = { { 0, -1 }, { 1, -1 }, { 4, -1 }, { 5, -1 } };
  int error = 0;
  fds[0].source = openat(log->dirfd, LOGDIR_PREVIOUS, O_RDONLY | O_CLOEXEC);
  fds[1].source = openat(log->dirfd, LOGDIR_PROCESSED, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  fds[2].source = openat(log->dirfd, LOGDIR_STATE, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  fds[3].source = openat(log->dirfd, LOGDIR_NEWSTATE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  for (int i = 0; i < 4; i++)
    if (fds[i].source < 0 && !error) error = errno;
  if (!error) error = spawn_clean(argv, fds, 4, pid);
  for (int i = 0; i < 4; i++)
    if (fds[i].source >= 0) close(fds[i].source);
  if (error) {
    errno = error;
    return -1;
  }
  return 0;
}

int logdir_process_done(struct logdir *log)
{
  char name[ARCHIVE_NAME_LEN + 1];
  int fd = openat(log->dirfd, LOGDIR_PROCESSED, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  if ((fsync(fd) < 0 && errno != EINVAL) || fchmod(fd, 0744) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  close(fd);
  fd = openat(log->dirfd, LOGDIR_NEWSTATE, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  archive_name(log, name);
  /* In this order, so a crash at any step leaves something the next start
     can finish: the archive is complete before previous goes. */
  if (renameat(log->dirfd, LOGDIR_PROCESSED, log->dirfd, name) < 0) return -1;
  if (renameat(log->dirfd, LOGDIR_NEWSTATE, log->dirfd, LOGDIR_STATE) < 0) return -1;
  if (unlinkat(log->dirfd, LOGDIR_PREVIOUS, 0) < 0) return -1;
  log->unprocessed = 0;
  fsync(log->dirfd);
  prune(log);
  return 0;
}

int logdir_make_room(struct logdir *log, size_t len)
{
  if (log->current_fd < 0 && open_current(log) < 0) return -1;
  if (log->current_size + log->buffered + len > log->max_size && logdir_rotate(log) < 0) return -1;
  if (log->dirfd < 0 && log->buffered + len > PIPE_BUF && logdir_flush(log) < 0) return -1;
  if (log->buffered + len > sizeof log->buffer && logdir_flush(log) < 0) return -1;
  return 0;
}

/* The log is copied in short pieces, a stamp and a line at a time, where
   musl's memcpy (rep movs) spends more starting than copying: below this,
   copy them inline, 8 bytes at a time. */
#define SHORT_COPY_MAX 256

void logdir_append(struct logdir *log, char const *bytes, size_t len)
{
  char *to = log->buffer + log->buffered;
  log->buffered += len;
  if (len > SHORT_COPY_MAX) {
    memcpy(to, bytes, len);
    return;
  }
  for (; len >= 8; len -= 8, to += 8, bytes += 8) memcpy(to, bytes, 8);
  if (len & 4) { memcpy(to, bytes, 4); to += 4; bytes += 4; }
  if (len & 2) { memcpy(to, bytes, 2); to += 2; bytes += 2; }
  if (len & 1) *to = *bytes;
}
