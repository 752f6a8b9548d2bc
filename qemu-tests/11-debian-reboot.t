#!/bin/sh
# Boot test 11: reboot comes back. The Debian disk is booted; the guest
# counts the boot on the disk and reboots ("Restarting system"; QEMU runs
# with -no-reboot, so it exits there). The same disk, not a fresh copy, is
# booted again: the guest finds the count at 2, and powers off; the disk
# is clean after each boot.
. "$(dirname "$0")/debian-lib.sh"

boot_test debian-reboot reboot $DEBIAN_CMDLINE
ok "first boot: counted 1" [ "$(guest_value boot)" = 1 ]
check_disk_clean "$T/data.img"
vm_keep_disk=1
boot_test debian-reboot poweroff $DEBIAN_CMDLINE
ok "second boot, same disk: counted 2" [ "$(guest_value boot)" = 2 ]
check_disk_clean "$T/data.img"
done_testing
