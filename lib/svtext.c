/* The small text files beside the status: read and written whole. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "svtext.h"

bool svtext_read(int dirfd, char const *path, char *text, size_t size)
{
  ssize_t len;
  /* O_NONBLOCK: a fifo in its place must not block the reader. */
  int fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  len = read(fd, text, size - 1);
  close(fd);
  while (len > 0 && text[len - 1] == '\n') len--;
  if (len <= 0) return false;
  text[len] = 0;
  return true;
}

int svtext_write(char const *new, char const *path, char const *text)
{
  int fd = open(new, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0) {
    close(fd);
    unlink(new);
    return -1;
  }
  if (close(fd) < 0 || rename(new, path) < 0) {
    unlink(new);
    return -1;
  }
  return 0;
}
