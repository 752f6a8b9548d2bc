#!/bin/sh
# The kernel boots the image and runs its userland: the harness's own init
# (rdinit=/bin/sh-testinit) prints TAP and powers off. Needs no vigil.
. "$(dirname "$0")/lib.sh"
VIGIL_RDINIT=/bin/sh-testinit
vm_start
ok "the guest finished within ${BOOT_BUDGET} s" wait_console 'VIGILTAP: 1\.\.' "$BOOT_BUDGET"
guest_tap
ok "QEMU exited within ${SHUTDOWN_BUDGET} s" vm_wait_exit "$SHUTDOWN_BUDGET"
judge_end poweroff
diag "kernel start -> /bin/sh-testinit: $(ktime 'Run /bin/sh-testinit as init process') s (kernel clock), QEMU start -> exit: $(( (vm_exit_ms - vm_started_ms) )) ms"
done_testing
