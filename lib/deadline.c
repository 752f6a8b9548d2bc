/* Deadlines on the monotonic clock, for iopause. */
#include <limits.h>

#include "deadline.h"

void deadline_after_ms(tain *deadline, tain const *from, unsigned int ms)
{
  tain delta;
  tain_from_millisecs(&delta, ms > INT_MAX ? INT_MAX : (int)ms);
  tain_add(deadline, from, &delta);
}

void deadline_in_ms(tain *deadline, unsigned int ms)
{
  tain now;
  tain_copynow(&now);
  deadline_after_ms(deadline, &now, ms);
}
