#!/bin/sh
exec "$VIGIL_UNIT/svinstance"
