#!/bin/sh
# Boot test 2: svc -d/-u/-t and svstat in the VM; SIGKILL of a service and of
# a supervisor (the guest checks; see qemu-tests/guest/control).
. "$(dirname "$0")/lib.sh"
boot_test control poweroff
done_testing
