/* Start-up steps every vigil daemon takes the same way. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/tai.h>

#include "exitcode.h"
#include "spawn.h"
#include "daemon.h"

void daemon_sane_fds(void)
{
  for (int fd = 0; fd < 3; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
      strerr_diefusys(VIGIL_EXIT_SYSTEM, "open /dev/null");
  spawn_seal_inherited_fds();
}

/* Not skalibs' selfpipe_init: it unblocks every signal before trapset
   blocks the set again, and in between a signal that was pending (held by
   vigil-init across its exec, or sent by the scanner before a supervisor
   was ready) is delivered at its default disposition: lost for PID 1,
   fatal for anyone else. Here the set is blocked first (what is pending
   stays pending) and the signalfd then reads it like any later one. */
int daemon_trap(int const *signals)
{
  sigset_t set;
  int fd;
  sigemptyset(&set);
  for (; *signals; signals++) sigaddset(&set, *signals);
  if (sigprocmask(SIG_SETMASK, &set, 0) < 0) return -1;
  fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return -1;
  signal(SIGPIPE, SIG_IGN);
  tain_now_set_stopwatch_g();
  return fd;
}

int daemon_signal_read(int fd)
{
  struct signalfd_siginfo info;
  ssize_t r;
  do r = read(fd, &info, sizeof info);
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno == EAGAIN ? 0 : -1;
  if ((size_t)r < sizeof info) return (errno = EPROTO, -1);
  return (int)info.ssi_signo;
}
