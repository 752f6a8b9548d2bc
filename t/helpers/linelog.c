/* linelog FILE: a test logger. Appends its stdin to FILE; exits 0 at EOF.
   On SIGTERM it finishes the write in progress and exits without reading
   more: what it has not read stays in the pipe for the next logger. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv)
{
  static char buffer[65536];
  struct sigaction sa;
  int out;
  if (argc != 2) return 100;
  out = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (out < 0) return 111;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;   /* no SA_RESTART: read() returns EINTR */
  sigaction(SIGTERM, &sa, 0);
  while (!stop) {
    ssize_t len = read(0, buffer, sizeof buffer);
    if (len < 0 && errno == EINTR) continue;
    if (len <= 0) return len < 0 ? 111 : 0;
    for (ssize_t done = 0; done < len;) {
      ssize_t w = write(out, buffer + done, (size_t)(len - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return 111;
      done += w;
    }
  }
  return 0;
}
