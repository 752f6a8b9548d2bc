#!/bin/sh
exec "$VIGIL_UNIT/status"
