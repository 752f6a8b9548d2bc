/* The process group a status records. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "procstat.h"
#include "svgroup.h"

int svgroup_signal(struct svstatus const *status, int signal)
{
  pid_t group = (pid_t)status->group;
  int leader, sent = 0;
  if (status->format != SVSTATUS_FORMAT_VIGIL || group <= 1) return 0;
  if (status->state == SVSTATUS_RUN && status->pid == status->group && status->pid_start_time) {
    /* The run itself: pinned by a pidfd while its group is signalled. */
    leader = procstat_pidfd_same(group, status->pid_start_time);
    if (leader >= 0) {
      if (getpgid(group) == group) sent = !kill(-group, signal);
      close(leader);
      return sent;
    }
    /* Gone (its group may not be), or the pid is another's: as below. */
  }
  if (!kill(group, 0) || errno != ESRCH) return 0;
  return !kill(-group, signal);
}
