#!/bin/sh
exec "$VIGIL_UNIT/control"
