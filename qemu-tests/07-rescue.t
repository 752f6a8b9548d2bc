#!/bin/sh
# Boot test 7: vigil.rescue on the command line gives the rescue shell on the
# console, and a command typed there runs; an image without vigil-scan gives
# the rescue shell, not a panic. Nothing runs in the guest but what we type.
. "$(dirname "$0")/lib.sh"

# rescue_session WHAT: type a command on the console until its output (not
# its echo: the marker is split in the typed text) shows, then power off.
rescue_session() {
  ok "$1: the kernel ran /init" wait_console 'Run /init as init process' "$BOOT_BUDGET"
  local deadline=$(( $(now_ms) + BOOT_BUDGET * 1000 ))
  while ! seen 'RESCUE-OK'; do
    kill -0 "$qemu_pid" 2>/dev/null || break
    [ "$(now_ms)" -lt "$deadline" ] || break
    vm_send 'x=OK; echo "RESCUE-$x"
'
    wait_console 'RESCUE-OK' 5
  done
  ok "$1: a command typed on the console ran" seen 'RESCUE-OK'
  vm_send 'poweroff -f
'
  ok "$1: QEMU exited within ${SHUTDOWN_BUDGET} s" vm_wait_exit "$SHUTDOWN_BUDGET"
  judge_end poweroff
}

vm_start vigil.rescue
rescue_session "vigil.rescue"

VIGIL_INITRAMFS=${VIGIL_INITRAMFS_NOSCAN:?the image without vigil-scan (make check-boot sets it)}
vm_start
rescue_session "no vigil-scan"
done_testing
