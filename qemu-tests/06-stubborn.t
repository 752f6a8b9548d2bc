#!/bin/sh
# Boot test 6: a service ignoring SIGTERM is killed at the stop deadline
# (vigil-scan -k, 10 s by default), and the shutdown completes within
# deadline + margin, on the guest's clock.
. "$(dirname "$0")/lib.sh"
DEADLINE=10 MARGIN=${VIGIL_STOP_MARGIN:-15}
boot_test stubborn poweroff
req=$(guest_value poweroff-at)
down=$(ktime 'reboot: Power down')
took=$(echo "${req:-0} ${down:-99999}" | awk '{ printf "%.2f", $2 - $1 }')
ok "shutdown took ${took} s: within the ${DEADLINE} s deadline + ${MARGIN} s" sh -c "echo $took | awk '{ exit !(\$1 <= $DEADLINE + $MARGIN) }'"
done_testing
