#!/bin/sh
# Boot test 5: reboot reboots ("Restarting system"); busybox's own poweroff
# works; ctrl-alt-del sent through QEMU's monitor reboots through vigil's
# stop (rc.shutdown runs). Three boots.
. "$(dirname "$0")/lib.sh"
boot_test reboot reboot
boot_test bbpoweroff poweroff

vm_start vigil.test=cad
ok "cad: the guest is ready within ${BOOT_BUDGET} s" wait_console 'VIGILTAP: 1\.\.' "$BOOT_BUDGET"
guest_tap
vm_monitor 'sendkey ctrl-alt-delete'
ok "cad: QEMU exited within ${SHUTDOWN_BUDGET} s of ctrl-alt-del" vm_wait_exit "$SHUTDOWN_BUDGET"
judge_end reboot
ok "cad: the reboot went through vigil's stop (rc.shutdown ran)" seen 'rc.shutdown: reboot requested'
done_testing
