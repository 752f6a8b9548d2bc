#!/bin/sh
exec "$VIGIL_UNIT/svlog"
