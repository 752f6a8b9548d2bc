#!/bin/sh
exec "$VIGIL_UNIT/svdir"
