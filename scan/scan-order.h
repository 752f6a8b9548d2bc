/* The stop in reverse needs/ order: a service is sent its TERM only once
   every service that needs it is down. The decisions are lib/needs'; the
   graph is read from the dirs when the stop begins. */
#ifndef VIGIL_SCAN_ORDER_H
#define VIGIL_SCAN_ORDER_H

#include <stdint.h>

/* The stop's "services down": those that nothing alive needs go first. */
void order_stop_begin(void);

/* The main part of SLOT went down during the stop: what it needed may go. */
void order_service_down(uint32_t slot);

/* The deadline passed: every service still waiting its turn goes now. */
void order_stop_all(void);

#endif
