/* sigrecord FILE: a test service that appends the name of every signal it
   gets to FILE, one per line. It exits after recording TERM unless
   $SIGRECORD_STAY is set; it writes "start PID" to FILE when it starts. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int out = -1;
static volatile sig_atomic_t term_seen;

static char const *name(int sig)
{
  switch (sig) {
    case SIGHUP: return "HUP";
    case SIGINT: return "INT";
    case SIGQUIT: return "QUIT";
    case SIGUSR1: return "USR1";
    case SIGUSR2: return "USR2";
    case SIGALRM: return "ALRM";
    case SIGTERM: return "TERM";
    case SIGCONT: return "CONT";
    case SIGWINCH: return "WINCH";
  }
  return "OTHER";
}

static void record(int sig)
{
  char line[16];
  size_t len = strlen(name(sig));
  memcpy(line, name(sig), len);
  line[len++] = '\n';
  if (write(out, line, len) < 0) _exit(2);
  if (sig == SIGTERM) term_seen = 1;
}

int main(int argc, char **argv)
{
  int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGCONT, SIGWINCH };
  int stay = getenv("SIGRECORD_STAY") != NULL;
  char line[64];
  struct sigaction sa;
  if (argc != 2) return 100;
  out = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (out < 0) return 111;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  sigfillset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
  snprintf(line, sizeof line, "start %d\n", (int)getpid());
  if (write(out, line, strlen(line)) < 0) return 111;
  for (;;) {
    pause();
    if (term_seen && !stay) return 0;
  }
}
