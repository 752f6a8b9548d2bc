#!/bin/sh
# Boot test 4: poweroff ends QEMU within its budget; the ext4 data disk was
# unmounted cleanly (the journal: no needs_recovery; e2fsck -fn clean), and
# what a service and its run script's child wrote just before is there.
. "$(dirname "$0")/lib.sh"
boot_test persist poweroff
img=$T/data.img
features=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
ok "dumpe2fs -h reads the disk" [ -n "$features" ]
case " $features " in
  *" needs_recovery "*) fail "the journal needs no recovery (unmounted cleanly)"; diag "features: $features" ;;
  *) pass "the journal needs no recovery (unmounted cleanly)" ;;
esac
ok "e2fsck -fn finds no error" sh -c "e2fsck -fn '$img' >'$T/fsck' 2>&1"
[ -s "$T/fsck" ] && [ "$tap_failed" -gt 0 ] && sed 's/^/# /' "$T/fsck" >&2
n=$(guest_value 'persist written')
written=$(debugfs -R 'cat /persist' "$img" 2>/dev/null)
ok "the guest noted its last line before poweroff" [ -n "$n" ]
ok "that line ('written $n') is on the disk" sh -c "printf '%s\n' \"\$1\" | grep -qx 'written $n'" sh "$written"
req=$(guest_value poweroff-at)
down=$(ktime 'reboot: Power down')
diag "poweroff -> power down: $(echo "$req $down" | awk '{ printf "%.2f", $2 - $1 }') s (guest clock); QEMU exit $((vm_exit_ms - vm_plan_ms)) ms after the guest's plan (host)"
done_testing
