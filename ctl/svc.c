/* svc: send commands to the supervisors of service dirs (daemontools' API). */
#include <limits.h>
#include <signal.h>
#include <string.h>

#include <skalibs/strerr.h>

#include "exitcode.h"
#include "svcontrol.h"
#include "svpaths.h"

#define USAGE "svc -udopchaitkxq12 DIR..."
/* Distinct letters fit easily; a longer list is a usage error, not a truncation. */
#define LETTERS_MAX 64

char const *PROG = "svc";

/* Collect the letters of the leading -xyz arguments; returns the index of
   the first DIR. Any letter not in the command table is a usage error. */
static int parse_letters(int argc, char const *const *argv, char *letters, size_t *len)
{
  int i = 1;
  *len = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (!strcmp(argv[i], "--")) return i + 1;
    for (char const *p = argv[i] + 1; *p; p++) {
      if (svcontrol_lookup((unsigned char)*p)->action == SVCONTROL_INVALID || *len >= LETTERS_MAX)
        strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
      letters[(*len)++] = *p;
    }
  }
  return i;
}

/* Returns 1 if sent, 0 if not. */
static int control(char const *arg, char const *letters, size_t len)
{
  char dir[PATH_MAX];
  if (svpath_resolve(dir, sizeof dir, arg) < 0) {
    strerr_warnwusys("control ", arg);
    return 0;
  }
  switch (svcontrol_send(dir, letters, len)) {
    case SVCONTROL_SENT:
      return 1;
    case SVCONTROL_NOT_RUNNING:
      strerr_warnwu("control ", dir, ": supervisor not running");
      return 0;
    case SVCONTROL_NOT_FIFO:
      strerr_warnwu("control ", dir, ": ", SVPATH_CONTROL, " is not a fifo");
      return 0;
    case SVCONTROL_BUSY:
      strerr_warnwu("control ", dir, ": supervisor busy (control fifo full)");
      return 0;
    case SVCONTROL_ERROR:
      strerr_warnwusys("control ", dir);
      return 0;
  }
  return 0;
}

int main(int argc, char const *const *argv)
{
  char letters[LETTERS_MAX];
  size_t len;
  int failed = 0;
  int first = parse_letters(argc, argv, letters, &len);
  /* A supervisor that exits between our open and our write must give a
     warning (EPIPE), not a silent death by SIGPIPE. */
  signal(SIGPIPE, SIG_IGN);
  if (!len || first >= argc) strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
  for (int i = first; i < argc; i++)
    if (!control(argv[i], letters, len)) failed = 1;
  return failed ? VIGIL_EXIT_SYSTEM : VIGIL_EXIT_OK;
}
