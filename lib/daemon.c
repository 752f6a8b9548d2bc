/* Start-up steps every vigil daemon takes the same way. */
#include <fcntl.h>
#include <signal.h>

#include <skalibs/selfpipe.h>
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

int daemon_trap(int const *signals)
{
  sigset_t set;
  int fd = selfpipe_init();
  if (fd < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "create the selfpipe");
  sigemptyset(&set);
  for (; *signals; signals++) sigaddset(&set, *signals);
  if (selfpipe_trapset(&set) < 0) strerr_diefusys(VIGIL_EXIT_SYSTEM, "trap signals");
  signal(SIGPIPE, SIG_IGN);
  tain_now_set_stopwatch_g();
  return fd;
}
