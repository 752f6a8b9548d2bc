#!/bin/sh
# rootfs/qemu's choice of accelerator, with a fake qemu-system-x86_64 first
# on PATH and a regular file standing in for /dev/kvm: a KVM that opens but
# fails the guest (nested VMs' "KVM internal error") falls back to TCG; a
# working one is used; the verdict is cached per kernel and made again
# when the kernel changes; VIGIL_NO_KVM=1 and VIGIL_KVM=1 are obeyed.
qemu=$(cd "${0%/*}/.." && pwd)/rootfs/qemu
. "${0%/*}/lib.sh"

mkdir "$T/bin"
# The fake: under -accel kvm it fails when $T/broken exists; it counts its runs.
cat > "$T/bin/qemu-system-x86_64" <<FAKE
#!/bin/sh
echo run >> $T/runs
case " \$* " in
  *" -accel kvm "*) if [ -e $T/broken ]; then
      echo "qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]" >&2
      echo "KVM internal error. Suberror: 1" >&2; echo "emulation failure" >&2; exit 1
    fi ;;
esac
echo "[    0.000000] Linux version 6.1.0-fake"
FAKE
chmod +x "$T/bin/qemu-system-x86_64"
echo kernel-1 > "$T/vmlinuz"
: > "$T/kvm"
accel() { env PATH="$T/bin:$PATH" VIGIL_KVM_DEV="$T/kvm" VIGIL_ACCEL_CACHE="$T/accel" "$@" sh "$qemu" accel "$T/vmlinuz"; }
runs() { file_lines "$T/runs"; }

touch "$T/broken"
like "$(accel)" "^tcg: KVM probe failed: KVM internal error" "a KVM that fails the guest: TCG, saying why"
is "$(runs)" 1 "a KVM that fails the guest: one probe boot"
like "$(accel)" "^tcg: .*\(cached\)$" "the verdict is cached"
is "$(runs)" 1 "the cached verdict boots nothing"
rm "$T/broken"
echo kernel-2 > "$T/vmlinuz"
like "$(accel)" "^kvm: a probe boot under KVM reached the console" "a new kernel is probed again: a working KVM is used"
is "$(runs)" 2 "a new kernel: one more probe boot"
like "$(accel env VIGIL_NO_KVM=1)" "^tcg: VIGIL_NO_KVM=1" "VIGIL_NO_KVM=1 forces TCG"
touch "$T/broken"
like "$(accel env VIGIL_KVM=1)" "^kvm: VIGIL_KVM=1" "VIGIL_KVM=1 forces KVM, unprobed"
is "$(runs)" 2 "forced choices boot nothing"
rm "$T/kvm"
like "$(accel)" "^tcg: no usable $T/kvm" "no /dev/kvm: TCG"

done_testing
