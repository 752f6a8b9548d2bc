#!/bin/sh
# Boot test 9: 1,000 services in /etc/rc boot up; the time until all are up
# is printed. They come in a second cpio archive appended to the image's
# (the kernel unpacks both), each a sleep without a logger.
. "$(dirname "$0")/lib.sh"
stage=$T/many
for i in $(seq -w 1 1000); do
  mkdir -p "$stage/etc/rc/many$i"
  printf '#!/bin/sh\nexec sleep 1000000\n' > "$stage/etc/rc/many$i/run"
  chmod 755 "$stage/etc/rc/many$i/run"
  : > "$stage/etc/rc/many$i/log"
done
(cd "$stage" && find etc | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet | gzip -1) > "$T/many.cpio.gz"
cat "$VIGIL_INITRAMFS" "$T/many.cpio.gz" > "$T/initramfs"
VIGIL_INITRAMFS=$T/initramfs
export QEMU_MEM=${QEMU_MEM:-768}
BOOT_BUDGET=$((BOOT_BUDGET * 3))
boot_test many poweroff
init=$(ktime 'Run /init as init process')
allup=$(guest_value allup)
diag "1000 services: init -> all up $(echo "${allup:-0} ${init:-0}" | awk '{ printf "%.2f", $1 - $2 }') s (guest clock), memory in use $(guest_value memused-kb) KiB"
done_testing
