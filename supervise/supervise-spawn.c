/* Why a spawn of ./run failed, in the status's terms. */
#include <errno.h>
#include <unistd.h>

#include "svdir.h"
#include "supervise-spawn.h"

enum svstatus_reason spawn_failure_reason(int error)
{
  switch (error) {
    case EAGAIN:
    case ENOMEM:
    case EPERM:     /* the user file's ids could not be taken */
      return SVSTATUS_REASON_SPAWN_FAILED;
    case ENOENT:
      /* ENOENT for an existing run means its #! interpreter is missing. */
      return access(SVDIR_RUN, F_OK) < 0 ? SVSTATUS_REASON_RUN_MISSING : SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
    default:
      return SVSTATUS_REASON_RUN_NOT_EXECUTABLE;
  }
}
