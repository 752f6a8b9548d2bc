/* seqwriter STATE: a test service that writes increasing numbers, one per
   line, to stdout as fast as it can, and keeps going across restarts.
   STATE is a small file shared through mmap (it survives kill -9): the next
   number, and whether a write was in flight. A number whose write was in
   flight when a previous copy died may or may not have reached stdout; it
   is appended to STATE.uncertain so a test can allow for it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct state {
  uint64_t next;
  uint64_t writing;
};

int main(int argc, char **argv)
{
  char path[4096], line[32];
  struct state *state;
  int fd;
  if (argc != 2) return 100;
  fd = open(argv[1], O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ftruncate(fd, sizeof *state) < 0) return 111;
  state = mmap(0, sizeof *state, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (state == MAP_FAILED) return 111;
  if (state->writing) {
    FILE *uncertain;
    snprintf(path, sizeof path, "%s.uncertain", argv[1]);
    uncertain = fopen(path, "a");
    if (!uncertain) return 111;
    fprintf(uncertain, "%llu\n", (unsigned long long)state->next);
    fclose(uncertain);
    state->next++;
    state->writing = 0;
  }
  for (;;) {
    int len = snprintf(line, sizeof line, "%llu\n", (unsigned long long)state->next);
    state->writing = 1;
    if (write(1, line, (size_t)len) != len) return 111;
    state->next++;
    state->writing = 0;
  }
}
