/* The command letters of supervise/control: one table, read by svc to
   validate and by the supervisor to dispatch. */
#ifndef VIGIL_SVCONTROL_H
#define VIGIL_SVCONTROL_H

#include <stddef.h>

enum svcontrol_action {
  SVCONTROL_INVALID = 0,   /* not a command: ignored by the supervisor, refused by svc */
  SVCONTROL_UP,            /* want up, start now if down */
  SVCONTROL_DOWN,          /* want down: down-signal, then CONT */
  SVCONTROL_ONCE,          /* start now if down, never restart */
  SVCONTROL_EXIT,          /* supervisor exits once the service is down */
  SVCONTROL_PAUSE,         /* STOP, and remember it is paused */
  SVCONTROL_CONTINUE,      /* CONT, and forget it was paused */
  SVCONTROL_SIGNAL         /* send `signal` to the service */
};

struct svcontrol_command {
  enum svcontrol_action action;
  int signal;              /* for SVCONTROL_SIGNAL */
  char const *name;        /* for messages and man pages */
};

/* Indexed by the command byte. */
extern struct svcontrol_command const svcontrol_commands[256];

static inline struct svcontrol_command const *svcontrol_lookup(unsigned char letter)
{
  return &svcontrol_commands[letter];
}

enum svcontrol_send_result {
  SVCONTROL_SENT,
  SVCONTROL_NOT_RUNNING,   /* no supervisor reads the fifo */
  SVCONTROL_NOT_FIFO,      /* supervise/control is something else: nothing written */
  SVCONTROL_BUSY,          /* the fifo is full: nothing written */
  SVCONTROL_ERROR          /* errno says why */
};

/* Write the letters to DIR/supervise/control in one write, never blocking.
   The caller ignores SIGPIPE: a supervisor that exits between the open and
   the write then gives SVCONTROL_NOT_RUNNING, not a death. */
enum svcontrol_send_result svcontrol_send(char const *dir, char const *letters, size_t len);

/* Is a supervisor running on DIR? Opens DIR/supervise/ok for writing,
   without blocking: 1 yes, 0 no, -1 error (errno). */
int svcontrol_supervised(char const *dir);

#endif
