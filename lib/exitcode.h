/* Exit codes shared by every vigil program; each man page lists them. */
#ifndef VIGIL_EXITCODE_H
#define VIGIL_EXITCODE_H

enum vigil_exitcode {
  VIGIL_EXIT_OK = 0,
  VIGIL_EXIT_CANNOT_START = 1,      /* svwait -F: a service will not come up by itself */
  VIGIL_EXIT_TIMEOUT = 99,          /* svwait: the state was not reached in time */
  VIGIL_EXIT_USAGE = 100,           /* bad command line */
  VIGIL_EXIT_NOT_SUPERVISED = 100,  /* svok: daemontools' code, byte for byte */
  VIGIL_EXIT_BUG = 101,             /* an internal invariant failed */
  VIGIL_EXIT_SYSTEM = 111           /* a system call failed */
};

#endif
