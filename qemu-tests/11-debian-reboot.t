#!/bin/sh
# Boot test 11: reboot comes back. The Debian disk is booted; the guest
# counts the boot on the disk and reboots ("Restarting system"; QEMU runs
# with -no-reboot, so it exits there). The same disk, not a fresh copy, is
# booted again: the guest finds the count at 2, and powers off; the disk
# is clean after each boot.
. "$(dirname "$0")/debian-lib.sh"

disk_clean() {
  local features
  features=$(dumpe2fs -h "$T/data.img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
  [ -n "$features" ] && case " $features " in *" needs_recovery "*) false ;; *) true ;; esac \
    && e2fsck -fn "$T/data.img" >/dev/null 2>&1
}

boot_test debian-reboot reboot $DEBIAN_CMDLINE
ok "first boot: counted 1" [ "$(guest_value boot)" = 1 ]
ok "the disk is clean after the reboot" disk_clean
first=$(console)
vm_keep_disk=1
boot_test debian-reboot poweroff $DEBIAN_CMDLINE
ok "second boot, same disk: counted 2" [ "$(guest_value boot)" = 2 ]
ok "the disk is clean after the poweroff" disk_clean
done_testing
