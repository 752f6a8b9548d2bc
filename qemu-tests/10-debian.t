#!/bin/sh
# Boot test 10: the Debian bookworm root of make debian-root, booted from its
# NVMe disk (no initramfs, root=/dev/nvme0n1 ro, init=/usr/bin/vigil-init):
# every core oneshot up, Debian's sshd listening on 22, cron and rsyslog
# running, a getty on ttyS0 and one on tty1 (instances getty@ttyS0 and
# getty@tty1 of the core template getty@, both up in svstat -a, and no
# Debian getty beside them on either; an instance added live for a
# terminal it lacks goes down, saying so), svc -t restarting sshd, logs under /var/log
# (qemu-tests/guest-debian/debian, in the guest); poweroff ends QEMU, and
# the disk is clean afterwards (e2fsck -fn, no journal to recover).
. "$(dirname "$0")/debian-lib.sh"

boot_test debian poweroff $DEBIAN_CMDLINE
ok "the kernel ran /usr/bin/vigil-init from the disk" seen 'Run /usr/bin/vigil-init as init process'
ok "the console shows a login prompt (getty@ttyS0)" seen 'debian-vigil login:'
ok "the console says why getty@ttyNOPE went down" seen 'getty@ttyNOPE: no terminal /dev/ttyNOPE: brought down'
# Each core service names itself in what it says ("mount-all: mount -a failed").
ok "the console shows no core service failing" eval '! seen "^(root-rw|mount-all|tmpfiles|hostname|sysctl|random-seed|udev-trigger|networking): .*(fail|unable|could not)"'

img=$T/data.img
check_disk_clean "$img"
ok "the guest's syslog line is on the disk" sh -c "debugfs -R 'cat /var/log/syslog' '$img' 2>/dev/null | grep -q 'written by the boot test'"

init=$(ktime 'Run /usr/bin/vigil-init as init process')
req=$(guest_value poweroff-at)
down=$(ktime 'reboot: Power down')
diag "kernel start -> init: ${init:-?} s; init -> the guest's tests done: $(echo "${req:-0} ${init:-0}" | awk '{ printf "%.2f", $1 - $2 }') s; poweroff -> power down: $(echo "${req:-0} ${down:-0}" | awk '{ printf "%.2f", $2 - $1 }') s (guest clock); QEMU ran $(( (vm_exit_ms - vm_started_ms) / 1000 )) s (host)"
done_testing
