#!/bin/sh
exec "$VIGIL_UNIT/svdir-spawn"
