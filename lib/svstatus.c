/* supervise/status: encode, decode, read, write. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include <skalibs/allreadwrite.h>

#include "svpaths.h"
#include "svstatus.h"
#include "trust.h"

enum svstatus_offset {
  OFFSET_CHANGED = 0,       /* 12 bytes TAI64N */
  OFFSET_PID = 12,          /* LE32 */
  OFFSET_PAUSED = 16,
  OFFSET_WANT = 17,         /* end of daemontools' 18 bytes */
  OFFSET_TERM_SENT = 18,
  OFFSET_RUNSTATE = 19,     /* end of runit's 20 bytes */
  OFFSET_MAGIC = 20,        /* 4 bytes */
  OFFSET_READY_AT = 24,     /* 12 bytes TAI64N */
  OFFSET_WAIT_STATUS = 36,  /* LE32 */
  OFFSET_FLAGS = 40,
  OFFSET_REASON = 41,
  OFFSET_RESERVED = 42,     /* 2 bytes, zero */
  OFFSET_PID_START = 44,    /* LE64; end of layout 1 */
  OFFSET_RESTARTS = 52,     /* LE32 */
  OFFSET_SUPERVISED = 56,   /* LE64 ns of CLOCK_BOOTTIME, as the three below */
  OFFSET_FIRST_SPAWN = 64,
  OFFSET_FIRST_READY = 72,
  OFFSET_SPAWNED = 80,
  OFFSET_GROUP = 88,        /* LE32 */
  OFFSET_END = 92
};

_Static_assert(OFFSET_END == SVSTATUS_SIZE, "status layout and size disagree");
_Static_assert(OFFSET_RESTARTS == SVSTATUS_SIZE_V1, "layout 1 is layout 2's start");

/* "vgl" and a layout version: tells our file from a foreign one of the
   same length. Layout 1 is read (a supervisor of the previous release
   handing over); only layout 2 is written. */
#define MAGIC_LEN 3
static char const svstatus_magic[4] = { 'v', 'g', 'l', 2 };

enum svstatus_flag {
  FLAG_READY = 1 << 0,
  FLAG_HAS_EXITED = 1 << 1,
  FLAG_LIVE = 1 << 2
};

void svstatus_pack(char out[SVSTATUS_SIZE], struct svstatus const *status)
{
  memset(out, 0, SVSTATUS_SIZE);
  svtime_pack(out + OFFSET_CHANGED, &status->changed);
  uint32_pack(out + OFFSET_PID, status->pid);
  out[OFFSET_PAUSED] = status->paused;
  out[OFFSET_WANT] = (char)status->want;
  out[OFFSET_TERM_SENT] = status->term_sent;
  out[OFFSET_RUNSTATE] = (char)status->state;
  memcpy(out + OFFSET_MAGIC, svstatus_magic, sizeof svstatus_magic);
  svtime_pack(out + OFFSET_READY_AT, &status->ready_at);
  uint32_pack(out + OFFSET_WAIT_STATUS, (uint32_t)status->last_wait_status);
  out[OFFSET_FLAGS] = (char)((status->ready ? FLAG_READY : 0) | (status->has_exited ? FLAG_HAS_EXITED : 0)
                           | (status->live ? FLAG_LIVE : 0));
  out[OFFSET_REASON] = (char)status->reason;
  uint64_pack(out + OFFSET_PID_START, status->pid_start_time);
  uint32_pack(out + OFFSET_RESTARTS, status->restarts);
  uint64_pack(out + OFFSET_SUPERVISED, status->supervised_ns);
  uint64_pack(out + OFFSET_FIRST_SPAWN, status->first_spawn_ns);
  uint64_pack(out + OFFSET_FIRST_READY, status->first_ready_ns);
  uint64_pack(out + OFFSET_SPAWNED, status->spawned_ns);
  uint32_pack(out + OFFSET_GROUP, status->group);
}

static void unpack_common(struct svstatus *status, char const *bytes)
{
  svtime_unpack(bytes + OFFSET_CHANGED, &status->changed);
  uint32_unpack(bytes + OFFSET_PID, &status->pid);
  status->paused = bytes[OFFSET_PAUSED] != 0;
  switch ((unsigned char)bytes[OFFSET_WANT]) {
    case 'u': status->want = SVSTATUS_WANT_UP; break;
    case 'd': status->want = SVSTATUS_WANT_DOWN; break;
    default: status->want = SVSTATUS_WANT_NOTHING; break;
  }
  status->state = status->pid ? SVSTATUS_RUN : SVSTATUS_DOWN;
}

static int unpack_runit(struct svstatus *status, char const *bytes)
{
  status->term_sent = bytes[OFFSET_TERM_SENT] != 0;
  switch (bytes[OFFSET_RUNSTATE]) {
    case SVSTATUS_DOWN: status->state = SVSTATUS_DOWN; return 0;
    case SVSTATUS_RUN: status->state = SVSTATUS_RUN; return 0;
    case SVSTATUS_FINISH: status->state = SVSTATUS_FINISH; return 0;
  }
  return -1;
}

static int unpack_vigil(struct svstatus *status, char const *bytes, unsigned char layout)
{
  uint32_t wait_status;
  unsigned char flags = (unsigned char)bytes[OFFSET_FLAGS];
  if (memcmp(bytes + OFFSET_MAGIC, svstatus_magic, MAGIC_LEN) || (unsigned char)bytes[OFFSET_MAGIC + MAGIC_LEN] != layout)
    return -1;
  if (unpack_runit(status, bytes) < 0) return -1;
  svtime_unpack(bytes + OFFSET_READY_AT, &status->ready_at);
  uint32_unpack(bytes + OFFSET_WAIT_STATUS, &wait_status);
  status->last_wait_status = (int)wait_status;
  status->ready = flags & FLAG_READY;
  status->has_exited = flags & FLAG_HAS_EXITED;
  status->live = flags & FLAG_LIVE;
  if ((unsigned char)bytes[OFFSET_REASON] > SVSTATUS_REASON_UNHEALTHY) return -1;
  status->reason = (enum svstatus_reason)bytes[OFFSET_REASON];
  uint64_unpack(bytes + OFFSET_PID_START, &status->pid_start_time);
  if (layout < 2) return 0;
  uint32_unpack(bytes + OFFSET_RESTARTS, &status->restarts);
  uint64_unpack(bytes + OFFSET_SUPERVISED, &status->supervised_ns);
  uint64_unpack(bytes + OFFSET_FIRST_SPAWN, &status->first_spawn_ns);
  uint64_unpack(bytes + OFFSET_FIRST_READY, &status->first_ready_ns);
  uint64_unpack(bytes + OFFSET_SPAWNED, &status->spawned_ns);
  uint32_unpack(bytes + OFFSET_GROUP, &status->group);
  return 0;
}

int svstatus_unpack(struct svstatus *status, char const *bytes, size_t len)
{
  memset(status, 0, sizeof *status);
  switch (len) {
    case SVSTATUS_SIZE_DAEMONTOOLS:
      status->format = SVSTATUS_FORMAT_DAEMONTOOLS;
      unpack_common(status, bytes);
      return 0;
    case SVSTATUS_SIZE_RUNIT:
      status->format = SVSTATUS_FORMAT_RUNIT;
      unpack_common(status, bytes);
      return unpack_runit(status, bytes);
    case SVSTATUS_SIZE_V1:
      status->format = SVSTATUS_FORMAT_VIGIL;
      unpack_common(status, bytes);
      return unpack_vigil(status, bytes, 1);
    case SVSTATUS_SIZE:
      status->format = SVSTATUS_FORMAT_VIGIL;
      unpack_common(status, bytes);
      return unpack_vigil(status, bytes, 2);
  }
  return -1;
}

int svstatus_write(int dirfd, struct svstatus const *status)
{
  char bytes[SVSTATUS_SIZE];
  int fd;
  svstatus_pack(bytes, status);
  fd = openat(dirfd, SVPATH_STATUS_NEW, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (allwrite(fd, bytes, sizeof bytes) != sizeof bytes) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  if (close(fd) < 0) return -1;
  return renameat(dirfd, SVPATH_STATUS_NEW, dirfd, SVPATH_STATUS);
}

int svstatus_read(int dirfd, struct svstatus *status)
{
  /* One byte more than the largest format, to tell a longer file apart. */
  char bytes[SVSTATUS_SIZE + 1];
  size_t len = 0;
  uid_t owner;
  int fd;
  /* A stranger's supervise could hold a fifo that blocks the open, or a
     status naming any process for the scanner to kill (lib/trust.h). */
  fd = trust_entry(dirfd, SVPATH_SUPERVISE, TRUST_ANY_TYPE, &owner);
  if (fd <= 0) {
    if (!fd) errno = EPERM;
    return -1;
  }
  /* O_NONBLOCK: a fifo planted as status must not block the open or
     the read (a regular file ignores the flag). */
  fd = openat(dirfd, SVPATH_STATUS, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  for (;;) {
    ssize_t r = read(fd, bytes + len, sizeof bytes - len);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
    if (r == 0 || (len += (size_t)r) == sizeof bytes) break;
  }
  close(fd);
  return svstatus_unpack(status, bytes, len) < 0 ? 0 : 1;
}
