/* Reading restart and give-up, as strictly as timeout-kill. */
#include <errno.h>
#include <string.h>

#include <skalibs/types.h>

#include "svdir-policy.h"

#define POLICY_VALUE_MAX 32

enum svdir_read_result svdir_read_restart(int dirfd, int *restart)
{
  char text[POLICY_VALUE_MAX];
  enum svdir_read_result r = svdir_read_line(dirfd, SVDIR_RESTART, text, sizeof text);
  if (r != SVDIR_READ) return r;
  if (!strcmp(text, "always")) *restart = SVDIR_RESTART_ALWAYS;
  else if (!strcmp(text, "on-failure")) *restart = SVDIR_RESTART_ON_FAILURE;
  else if (!strcmp(text, "never")) *restart = SVDIR_RESTART_NEVER;
  else {
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  return SVDIR_READ;
}

enum svdir_read_result svdir_read_give_up(int dirfd, unsigned int *deaths, unsigned int *seconds)
{
  char text[POLICY_VALUE_MAX];
  unsigned int n, t;
  size_t used, blanks, more;
  enum svdir_read_result r = svdir_read_line(dirfd, SVDIR_GIVE_UP, text, sizeof text);
  if (r != SVDIR_READ) return r;
  used = uint_scan(text, &n);
  blanks = used ? strspn(text + used, " \t") : 0;
  more = blanks ? uint_scan(text + used + blanks, &t) : 0;
  if (!more || text[used + blanks + more] || !n || !t || t > SVDIR_GIVE_UP_SECONDS_MAX) {
    errno = EINVAL;
    return SVDIR_INVALID;
  }
  *deaths = n;
  *seconds = t;
  return SVDIR_READ;
}
