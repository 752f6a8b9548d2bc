/* Why a spawn of ./run failed, in the status's terms. */
#ifndef VIGIL_SUPERVISE_SPAWN_H
#define VIGIL_SUPERVISE_SPAWN_H

#include "svstatus.h"

enum svstatus_reason spawn_failure_reason(int error);

#endif
