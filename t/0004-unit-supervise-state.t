#!/bin/sh
exec "$VIGIL_UNIT/supervise-state"
