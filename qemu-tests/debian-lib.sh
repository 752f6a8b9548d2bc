# Shared by the Debian boot tests (qemu-tests/1N-debian*.t): the Debian
# image of make debian-root as the disk, its own kernel, no initramfs.
# Skips, saying why, only when the root could not be built (mmdebstrap);
# an image missing for any other reason is a failure. Source it; never
# run it. Then qemu-tests/lib.sh's helpers, and DEBIAN_CMDLINE.
if [ ! -f "${VIGIL_DEBIAN_IMG:-/nonexistent}" ]; then
  if [ -s "${VIGIL_DEBIAN_UNAVAILABLE:-/nonexistent}" ]; then
    echo "1..0 # SKIP $(head -n 1 "$VIGIL_DEBIAN_UNAVAILABLE")"
    exit 0
  fi
  echo "1..1"
  echo "not ok 1 - the Debian image ${VIGIL_DEBIAN_IMG:-(VIGIL_DEBIAN_IMG unset: run make check-boot)} exists"
  exit 1
fi
VIGIL_KERNEL=${VIGIL_DEBIAN_KERNEL:?make check-boot sets it}
VIGIL_INITRAMFS=-
VIGIL_DATA_IMG=$VIGIL_DEBIAN_IMG
QEMU_MEM=${QEMU_MEM_DEBIAN:-512}
export QEMU_MEM
DEBIAN_CMDLINE="root=/dev/nvme0n1 ro init=/usr/bin/vigil-init"
. "$(dirname "$0")/lib.sh"
