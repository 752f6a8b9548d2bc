#!/bin/sh
exec "$VIGIL_UNIT/analyze"
