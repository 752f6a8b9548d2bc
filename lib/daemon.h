/* Start-up steps every vigil daemon takes the same way. */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

/* fds 0-2 open (on /dev/null if closed), so no fd of ours lands there
   and reaches a child as its stdin, stdout or stderr; then every other
   inherited fd close-on-exec. Dies (111) if /dev/null cannot be opened. */
void daemon_sane_fds(void);

/* A selfpipe catching these signals (0-terminated), SIGPIPE ignored, and
   the monotonic clock for deadlines. Returns the selfpipe fd; dies on failure. */
int daemon_trap(int const *signals);

#endif
