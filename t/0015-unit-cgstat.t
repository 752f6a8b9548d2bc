#!/bin/sh
exec "$VIGIL_UNIT/cgstat"
