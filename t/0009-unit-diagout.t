#!/bin/sh
exec "$VIGIL_UNIT/diagout"
