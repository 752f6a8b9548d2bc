/* fusestuck MOUNTPOINT MARKDIR: mounts a FUSE filesystem with one empty
   file, "f", at MOUNTPOINT and serves it, except that it never answers a
   FLUSH. The kernel waits for a FLUSH's answer uninterruptibly, and a
   process that closes f (or exits holding it) is stuck in D state, alive
   after SIGKILL: the survivor of a final stage. MARKDIR/mounted is made
   once the mount is in place, MARKDIR/opened at the first OPEN,
   MARKDIR/flushing at the first FLUSH. The helper's death (SIGTERM)
   closes /dev/fuse, which aborts the connection and frees the survivor;
   the mount is left for the test to unmount.
   fusestuck MOUNTPOINT MARKDIR stall-lookups: also a directory "d", and
   every name is looked up again at each use (no entry is cached); once
   MARKDIR/stall exists, no LOOKUP is answered: a path through the
   filesystem (a mount on d, say) hangs whoever walks it, umount2(2)
   too. MARKDIR/stalled is made at the first one left unanswered. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define ROOT_ID 1
#define FILE_ID 2
#define DIR_ID 3

static char const *markdir;
static char buf[FUSE_MIN_READ_BUFFER + 65536];

static void mark(char const *name)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", markdir, name);
  close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
}

static void reply(int fd, uint64_t unique, int error, void const *data, size_t len)
{
  struct fuse_out_header out = { .len = sizeof out + len, .error = error, .unique = unique };
  struct iovec iov[2] = { { &out, sizeof out }, { (void *)data, len } };
  if (writev(fd, iov, len ? 2 : 1) < 0 && errno != ENOENT)
    fprintf(stderr, "fusestuck: warning: unable to answer: %s\n", strerror(errno));
}

static void attr_of(uint64_t id, struct fuse_attr *a)
{
  memset(a, 0, sizeof *a);
  a->ino = id;
  a->mode = id == FILE_ID ? S_IFREG | 0444 : S_IFDIR | 0755;
  a->nlink = id == FILE_ID ? 1 : 2;
  a->blksize = 4096;
}

int main(int argc, char **argv)
{
  char opts[128];
  char stall[4096];
  int fd, flushing = 0, opened = 0, stall_lookups, stalled = 0;
  if (argc != 3 && (argc != 4 || strcmp(argv[3], "stall-lookups"))) {
    fprintf(stderr, "usage: fusestuck MOUNTPOINT MARKDIR [stall-lookups]\n");
    return 100;
  }
  stall_lookups = argc == 4;
  markdir = argv[2];
  snprintf(stall, sizeof stall, "%s/stall", markdir);
  fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) { perror("fusestuck: fatal: unable to open /dev/fuse"); return 111; }
  snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
  if (mount("vigil-fusestuck", argv[1], "fuse", MS_NOSUID | MS_NODEV, opts) < 0) {
    perror("fusestuck: fatal: unable to mount");
    return 111;
  }
  mark("mounted");
  for (;;) {
    struct fuse_in_header *in = (struct fuse_in_header *)buf;
    void *arg = buf + sizeof *in;
    ssize_t r = read(fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR || errno == ENOENT) continue;
      if (errno == ENODEV) return 0; /* unmounted */
      perror("fusestuck: fatal: unable to read /dev/fuse");
      return 111;
    }
    if ((size_t)r < sizeof *in) continue;
    switch (in->opcode) {
    case FUSE_INIT: {
      struct fuse_init_in const *i = arg;
      struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION, .max_write = 4096 };
      o.minor = i->minor < FUSE_KERNEL_MINOR_VERSION ? i->minor : FUSE_KERNEL_MINOR_VERSION;
      o.max_readahead = i->max_readahead;
      reply(fd, in->unique, 0, &o, sizeof o);
      break;
    }
    case FUSE_LOOKUP: {
      struct fuse_entry_out e = { .nodeid = FILE_ID };
      if (stall_lookups && access(stall, F_OK) == 0) {
        if (!stalled++) mark("stalled");
        break; /* never answered: the walker waits */
      }
      if (stall_lookups && in->nodeid == ROOT_ID && !strcmp(arg, "d")) e.nodeid = DIR_ID;
      else if (in->nodeid != ROOT_ID || strcmp(arg, "f")) { reply(fd, in->unique, -ENOENT, 0, 0); break; }
      attr_of(e.nodeid, &e.attr);
      reply(fd, in->unique, 0, &e, sizeof e);
      break;
    }
    case FUSE_GETATTR: {
      struct fuse_attr_out a = { .attr_valid = 0 };
      attr_of(in->nodeid == FILE_ID || in->nodeid == DIR_ID ? in->nodeid : ROOT_ID, &a.attr);
      reply(fd, in->unique, 0, &a, sizeof a);
      break;
    }
    case FUSE_OPEN: {
      struct fuse_open_out o = { .fh = 1 };
      reply(fd, in->unique, 0, &o, sizeof o);
      if (!opened++) mark("opened");
      break;
    }
    case FUSE_FLUSH:
      if (!flushing++) mark("flushing");
      break; /* never answered: the closer waits in D state */
    case FUSE_RELEASE:
    case FUSE_RELEASEDIR:
      reply(fd, in->unique, 0, 0, 0);
      break;
    case FUSE_FORGET:
    case FUSE_BATCH_FORGET:
    case FUSE_INTERRUPT:
      break; /* no answer expected */
    default:
      reply(fd, in->unique, -ENOSYS, 0, 0);
    }
  }
}
