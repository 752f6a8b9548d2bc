#!/bin/sh
exec "$VIGIL_UNIT/scan-stop"
