#!/bin/sh
# Boot test 8: svactivate of a new service while the system runs, then
# svdeactivate (qemu-tests/guest/activate).
. "$(dirname "$0")/lib.sh"
boot_test activate poweroff
done_testing
