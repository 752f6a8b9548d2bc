#!/bin/sh
exec "$VIGIL_UNIT/svcgroup"
