#!/bin/sh
exec "$VIGIL_UNIT/svstat-format"
