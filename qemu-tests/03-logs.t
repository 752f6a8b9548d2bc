#!/bin/sh
# Boot test 3: logs in /var/log/NAME; no line lost across a service restart
# and a logger restart (qemu-tests/guest/logs).
. "$(dirname "$0")/lib.sh"
boot_test logs poweroff
done_testing
