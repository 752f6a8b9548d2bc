#!/bin/sh
# Boot test 4: poweroff ends QEMU within its budget; the ext4 data disk was
# unmounted cleanly (the journal: no needs_recovery; e2fsck -fn clean), and
# what a service and its run script's child wrote just before is there.
. "$(dirname "$0")/lib.sh"
boot_test persist poweroff
img=$T/data.img
check_disk_clean "$img"
n=$(guest_value 'persist written')
written=$(debugfs -R 'cat /persist' "$img" 2>/dev/null)
ok "the guest noted its last line before poweroff" [ -n "$n" ]
ok "that line ('written $n') is on the disk" sh -c "printf '%s\n' \"\$1\" | grep -qx 'written $n'" sh "$written"
req=$(guest_value poweroff-at)
down=$(ktime 'reboot: Power down')
diag "poweroff -> power down: $(echo "$req $down" | awk '{ printf "%.2f", $2 - $1 }') s (guest clock); QEMU exit $((vm_exit_ms - vm_plan_ms)) ms after the guest's plan (host)"
done_testing
