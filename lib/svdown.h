/* Taking a service down before its dir goes away (the seed's removal
   procedure): svc -d through supervise/control, a bounded wait on the
   status file, then a bounded wait for the supervisor to exit. */
#ifndef VIGIL_SVDOWN_H
#define VIGIL_SVDOWN_H

#include <skalibs/tai.h>

enum svdown_result {
  SVDOWN_DONE,              /* down (or never supervised) */
  SVDOWN_TIMEOUT,           /* the deadline passed first */
  SVDOWN_ERROR              /* errno says why */
};

/* Send the letters to DIR's supervisor if one runs. Returns 1 sent, 0 no
   supervisor or no such dir (nothing to do), -1 with errno. */
int svdown_send(char const *dir, char const *letters);

/* Wait until DIR's status says ./run is not running, woken by inotify;
   deadline on skalibs' stopwatch clock (tain_now_set_stopwatch_g). */
enum svdown_result svdown_wait_down(char const *dir, tain const *deadline);

/* Wait until no supervisor holds DIR/supervise/lock (it has exited): a
   blocking flock, cut at the deadline by a timer. */
enum svdown_result svdown_wait_exit(char const *dir, tain const *deadline);

#endif
