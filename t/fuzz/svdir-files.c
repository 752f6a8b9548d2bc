/* Fuzz: the one-value files of a service dir (timeout-kill,
   timeout-finish, notification-fd as numbers; down-signal as a signal),
   read by lib/svdir from a real file: no crash, and a value read is one
   the bytes spell. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "svdir.h"

static int dirfd = -1;
static char dir[] = "/tmp/vigil-fuzz-svdir.XXXXXX";

/* The run ends by exit(3): the directory goes with it. */
static void remove_dir(void)
{
  unlinkat(dirfd, "value", 0);
  rmdir(dir);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  unsigned int number;
  int signal, on;
  int fd;
  if (dirfd < 0) {
    if (!mkdtemp(dir)) abort();
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) abort();
    atexit(remove_dir);
  }
  fd = openat(dirfd, "value", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) abort();
  if (size && write(fd, data, size) != (ssize_t)size) abort();
  close(fd);
  if (svdir_read_uint(dirfd, "value", &number) == SVDIR_READ && !size) abort();
  if (svdir_read_signal(dirfd, "value", &signal) == SVDIR_READ && (signal <= 0 || signal >= NSIG)) abort();
  /* kill-process-group: on or off, never another value. */
  on = 7;
  if (svdir_read_flag(dirfd, "value", &on) == SVDIR_READ ? on != 0 && on != 1 : on != 7) abort();
  return 0;
}
