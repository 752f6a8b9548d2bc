/* ptyrun CONTROL OUTPUT CMD [ARG...]: runs CMD with a new pty's slave
   (raw mode: bytes pass unchanged) on its fds 0-2, in a session of its
   own that does not have the pty as its controlling tty (as the kernel
   starts init on /dev/console). The master is not read at first: a
   console nobody reads, whose writers block once the pty's buffers are
   full. Commands, one byte each, from the fifo CONTROL:
     r  read the master from now on, appending what comes to OUTPUT
     p  stop reading it again
     h  hang the pty up: a child takes it as its controlling tty and
        calls vhangup(2), as a getty does; "hung up" on stderr when done
   When CMD ends, what the master still holds is appended to OUTPUT, and
   ptyrun exits with CMD's code (128 + the signal that killed it). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int master = -1, output = -1;
static char slave_name[256];

static void die(char const *what)
{
  fprintf(stderr, "ptyrun: fatal: %s: %s\n", what, strerror(errno));
  exit(111);
}

/* Every byte the master holds now, to OUTPUT. */
static void drain(void)
{
  char buf[65536];
  for (;;) {
    ssize_t r = read(master, buf, sizeof buf);
    if (r <= 0) return;
    if (write(output, buf, (size_t)r) != r) die("write the output");
  }
}

static pid_t start_cmd(char **argv)
{
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (!pid) {
    int fd;
    setsid();
    fd = open(slave_name, O_RDWR | O_NOCTTY);
    if (fd < 0) die("open the slave");
    for (int i = 0; i < 3; i++) dup2(fd, i);
    if (fd > 2) close(fd);
    execvp(argv[0], argv);
    die(argv[0]);
  }
  return pid;
}

static pid_t hang_up(void)
{
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (!pid) {
    int fd;
    /* The hang-up signals the tty's session: ours, here. */
    signal(SIGHUP, SIG_IGN);
    setsid();
    fd = open(slave_name, O_RDWR);
    if (fd < 0) die("open the slave as a controlling tty");
    if (vhangup() < 0) die("vhangup");
    _exit(0);
  }
  return pid;
}

int main(int argc, char **argv)
{
  struct termios raw;
  sigset_t chld;
  int control, sigfd, reading = 0, code = -1;
  pid_t cmd;
  if (argc < 4) {
    fprintf(stderr, "usage: ptyrun CONTROL OUTPUT CMD [ARG...]\n");
    return 100;
  }
  /* O_RDWR: never an EOF when a writer of commands closes it. */
  control = open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (control < 0) die(argv[1]);
  output = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output < 0) die(argv[2]);
  master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, slave_name, sizeof slave_name))
    die("make a pty");
  fcntl(master, F_SETFL, O_NONBLOCK);
  {
    int slave = open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0 || tcgetattr(slave, &raw) < 0) die("open the slave");
    cfmakeraw(&raw);
    if (tcsetattr(slave, TCSANOW, &raw) < 0) die("set the slave raw");
    close(slave);
  }
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, 0);
  sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) die("signalfd");
  cmd = start_cmd(argv + 3);
  while (code < 0) {
    struct pollfd fds[3] = {
      { .fd = sigfd, .events = POLLIN },
      { .fd = control, .events = POLLIN },
      { .fd = master, .events = POLLIN },
    };
    int status;
    pid_t pid;
    if (poll(fds, reading ? 3 : 2, -1) < 0 && errno != EINTR) die("poll");
    if (fds[0].revents) {
      struct signalfd_siginfo info;
      while (read(sigfd, &info, sizeof info) > 0) {}
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == cmd) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        else fprintf(stderr, "hung up\n");
      }
    }
    if (fds[1].revents) {
      char letter;
      while (read(control, &letter, 1) == 1) {
        if (letter == 'r') reading = 1;
        else if (letter == 'p') reading = 0;
        else if (letter == 'h') hang_up();
      }
    }
    if (reading && fds[2].revents) drain();
  }
  drain();
  return code;
}
