/* Deadlines on the monotonic clock, for iopause. */
#ifndef VIGIL_DEADLINE_H
#define VIGIL_DEADLINE_H

#include <skalibs/tai.h>

/* *deadline = from + ms (ms beyond INT_MAX is taken as INT_MAX). */
void deadline_after_ms(tain *deadline, tain const *from, unsigned int ms);

/* *deadline = now (skalibs' STAMP, as the last tain_now_g left it) + ms. */
void deadline_in_ms(tain *deadline, unsigned int ms);

#endif
