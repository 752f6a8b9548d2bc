/* chaos-writer STATE [INTERVAL_MS]: a service for bench/chaos. Writes
   increasing numbers, one per line and one write(2) each, to stdout, one
   every INTERVAL_MS (20), and goes on across restarts from where the last
   copy stopped: STATE is a small file shared through mmap (it survives
   kill -9) holding the next number and whether a write was in flight. A
   number whose write was in flight when a copy died may or may not have
   reached stdout: it goes to STATE.uncertain. Each copy holds an
   exclusive lock on STATE for its life (the kernel drops it when the
   process dies, even by SIGKILL): a copy that finds it taken is a second
   live process of the service, a double run, seen however short. It
   appends its pid to STATE.doubles, then waits for the lock, so that two
   copies never write numbers at once. STATE in argv is also how
   bench/chaos tells this service's processes from any other. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct state {
  uint64_t next;
  uint64_t writing;
};

int main(int argc, char **argv)
{
  char path[4096], line[32];
  struct state *state;
  struct timespec interval = { 0, 20000000 };
  int fd;
  if (argc < 2 || argc > 3) return 100;
  if (argc == 3) interval.tv_nsec = atol(argv[2]) % 1000 * 1000000L, interval.tv_sec = atol(argv[2]) / 1000;
  fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return 111;
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
    FILE *doubles;
    if (errno != EWOULDBLOCK) return 111;
    snprintf(path, sizeof path, "%s.doubles", argv[1]);
    doubles = fopen(path, "a");
    if (!doubles) return 111;
    fprintf(doubles, "%d\n", (int)getpid());
    fclose(doubles);
    if (flock(fd, LOCK_EX) < 0) return 111;
  }
  if (ftruncate(fd, sizeof *state) < 0) return 111;
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
    nanosleep(&interval, 0);
  }
}
