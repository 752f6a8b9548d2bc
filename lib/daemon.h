/* Start-up steps every vigil daemon takes the same way. */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

/* fds 0-2 open (on /dev/null if closed), so no fd of ours lands there
   and reaches a child as its stdin, stdout or stderr; then every other
   inherited fd close-on-exec. Dies (111) if /dev/null cannot be opened. */
void daemon_sane_fds(void);

/* A signalfd catching these signals (0-terminated), exactly these blocked
   (any of them already pending is read from it, never lost), SIGPIPE
   ignored, and the monotonic clock for deadlines. Returns the fd, or -1
   with errno (PID 1 must not die of it: the caller decides). */
int daemon_trap(int const *signals);

/* The next signal from daemon_trap's fd: its number, 0 when none is
   pending, -1 with errno on failure. */
int daemon_signal_read(int fd);

#endif
