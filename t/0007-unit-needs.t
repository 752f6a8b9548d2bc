#!/bin/sh
exec "$VIGIL_UNIT/needs"
