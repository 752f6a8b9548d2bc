# Shared by the qemu-tests/*.t scripts: boot the image in QEMU with a test
# selected on the kernel command line, read its serial console, report TAP.
# Source it; never run it. The guest states success positively: its test
# script (qemu-tests/guest/NAME, /etc/vigil/tests/NAME in the image) prints
# "VIGILTAP: ok N - ..." lines and a closing plan "VIGILTAP: 1..N" on the
# console; silence is failure. QEMU's exit code says nothing (it exits 0
# after a panic too): the console text is judged.
#
#   VIGIL_KERNEL, VIGIL_INITRAMFS, VIGIL_DATA_IMG   the image (make check-boot)
#   VIGIL_BOOT_BUDGET      seconds from QEMU's start to the guest's plan (300)
#   VIGIL_SHUTDOWN_BUDGET  seconds from the plan to QEMU's exit (120)
#   VIGIL_RDINIT           a knob for developing the harness: boot with
#                          rdinit=THIS instead of the image's init
set -u
: "${VIGIL_KERNEL:?run the boot tests with make check-boot}"
: "${VIGIL_INITRAMFS:?run the boot tests with make check-boot}"
: "${VIGIL_DATA_IMG:?run the boot tests with make check-boot}"
qemu_tests=$(cd "$(dirname "$0")" && pwd)
BOOT_BUDGET=${VIGIL_BOOT_BUDGET:-300}
SHUTDOWN_BUDGET=${VIGIL_SHUTDOWN_BUDGET:-120}

tap_count=0
tap_failed=0
qemu_pid=
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-qemu.XXXXXX")
CONSOLE=$T/console

pass() { tap_count=$((tap_count + 1)); echo "ok $tap_count - $*"; }
fail() { tap_count=$((tap_count + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - $*"; }
diag() { printf '# %s\n' "$@" >&2; }  # on stderr: prove shows it
ok() { local desc=$1; shift; if "$@"; then pass "$desc"; else fail "$desc"; fi; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cleanup() {
  exec 9>&- 2>/dev/null
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill -KILL "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null
  fi
  [ -z "${VIGIL_QEMU_KEEP:-}" ] || cp "$CONSOLE" "$VIGIL_QEMU_KEEP" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# vm_start [CMDLINE_WORD...]: boot a fresh copy of the data disk (with
# vm_keep_disk=1, the disk the last boot left); the console
# goes to $CONSOLE, its input comes from fd 9 (vm_send), held open here.
vm_start() {
  [ -n "${vm_keep_disk:-}" ] && [ -f "$T/data.img" ] || cp "$VIGIL_DATA_IMG" "$T/data.img"
  rm -f "$T/in"; mkfifo "$T/in"
  : > "$CONSOLE"
  [ -n "${VIGIL_RDINIT:-}" ] && set -- "$@" "rdinit=$VIGIL_RDINIT"
  vm_started_ms=$(now_ms)
  sh "$qemu_tests/../rootfs/qemu" batch "$VIGIL_KERNEL" "$VIGIL_INITRAMFS" "$T/data.img" "$@" \
    <"$T/in" >"$CONSOLE" 2>"$T/qemu.err" &
  qemu_pid=$!
  exec 9>"$T/in"
}

# qemu_died: QEMU is gone before the guest said what was waited for (a KVM
# internal error, a bad option): say why at once, from its stderr.
qemu_died() {
  diag "QEMU exited early: $(grep -v 'warning:\|^vigil qemu: accelerator' "$T/qemu.err" 2>/dev/null | head -3 | tr '\n' ' ')"
  diag "console tail: $(console | tail -3 | tr '\n' ' ')"
}

# console: the console text so far, without carriage returns.
console() { tr -d '\r' <"$CONSOLE"; }
seen() { console | grep -qE -- "$1"; }

# wait_console ERE SECONDS: until the console shows ERE; fails at the
# deadline, or when QEMU has exited without showing it.
wait_console() {
  local deadline=$(( $(now_ms) + $2 * 1000 ))
  while ! seen "$1"; do
    kill -0 "$qemu_pid" 2>/dev/null || { seen "$1" && return; qemu_died; return 1; }
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# vm_wait_exit SECONDS: until QEMU exits; killed (by pid) at the deadline,
# after the guest CPU's registers are asked of the monitor for the console:
# a guest stuck halted (HLT=1, IF set) waits for an interrupt, one stuck
# running spins; the kernel prints nothing in either case.
vm_wait_exit() {
  local deadline=$(( $(now_ms) + $1 * 1000 ))
  while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      vm_monitor "info registers"
      wait_console '^EIP=|^RIP=' 10
      kill -KILL "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; qemu_pid=
      return 1
    fi
    sleep 0.1
  done
  wait "$qemu_pid" 2>/dev/null; qemu_pid=
  vm_exit_ms=$(now_ms)
}

# vm_send TEXT: type TEXT on the serial console (no newline added).
vm_send() { printf '%s' "$1" >&9; }
# vm_monitor COMMAND: a QEMU monitor command (Ctrl-A c switches to it and back).
vm_monitor() { printf '\001c%s\n\001c' "$1" >&9; }

# guest_tap: the guest's VIGILTAP lines as our own TAP lines; then whether
# the guest's closing plan matched the number of its lines.
guest_tap() {
  local n=0 line plan
  plan=$(console | sed -n 's/^.*VIGILTAP: 1\.\.\([0-9]*\).*$/\1/p' | tail -n 1)
  while IFS= read -r line; do
    n=$((n + 1))
    case $line in
      "ok "*) pass "guest: ${line#ok * - }" ;;
      *) fail "guest: ${line#not ok * - }" ;;
    esac
  done <<TAP
$(console | sed -n 's/^.*VIGILTAP: \(\(not \)\{0,1\}ok .*\)$/\1/p')
TAP
  [ -n "$(console | sed -n 's/^.*VIGILTAP: \(\(not \)\{0,1\}ok .*\)$/\1/p')" ] || n=0
  if [ -n "$plan" ] && [ "$plan" = "$n" ]; then pass "the guest ran its $plan tests to the end"
  else fail "the guest ran its tests to the end (plan '${plan:-none}', $n lines)"; fi
}

# ktime ERE: the kernel timestamp [ t ] of the first console line matching ERE.
ktime() { console | grep -E -- "$1" | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
# guest_value KEY: the value printed by the guest as "VIGILTAP: # KEY VALUE".
guest_value() { console | sed -n "s/^.*VIGILTAP: # $1 \\([^ ]*\\).*/\\1/p" | tail -n 1; }

# judge_end WHAT: the console ends as WHAT (poweroff, reboot, halt) asked,
# with no panic.
judge_end() {
  local want
  case $1 in
    poweroff) want='reboot: Power down' ;;
    reboot) want='reboot: Restarting system' ;;
    halt) want='reboot: System halted' ;;
  esac
  ok "the console ends with '$want'" seen "$want"
  ok "no kernel panic" eval '! seen "Kernel panic"'
}

# boot_test NAME END [CMDLINE_WORD...]: the whole of one boot test: boot with
# vigil.test=NAME, the guest's TAP within the boot budget, QEMU's exit within
# the shutdown budget, the console ending as END.
boot_test() {
  local name=$1 end=$2
  shift 2
  vm_start "vigil.test=$name" "$@"
  ok "the guest finished its tests within ${BOOT_BUDGET} s" wait_console 'VIGILTAP: 1\.\.' "$BOOT_BUDGET"
  guest_tap
  vm_plan_ms=$(now_ms)
  ok "QEMU exited within ${SHUTDOWN_BUDGET} s of the guest's plan" vm_wait_exit "$SHUTDOWN_BUDGET"
  judge_end "$end"
}

# check_disk_clean IMG: three tests on an ext4 disk image QEMU has let go
# of: dumpe2fs reads it, its journal needs no recovery (it was unmounted
# cleanly), e2fsck -fn finds no error (its output shown when one failed).
check_disk_clean() {
  local img=$1 features
  features=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Filesystem features: *//p')
  ok "dumpe2fs -h reads the disk" [ -n "$features" ]
  case " $features " in
    *" needs_recovery "*) fail "the journal needs no recovery (unmounted cleanly)"; diag "features: $features" ;;
    *) pass "the journal needs no recovery (unmounted cleanly)" ;;
  esac
  ok "e2fsck -fn finds no error" sh -c "e2fsck -fn '$img' >'$T/fsck' 2>&1"
  [ -s "$T/fsck" ] && [ "$tap_failed" -gt 0 ] && sed 's/^/# /' "$T/fsck" >&2
  return 0
}

# done_testing: the plan, and the console as diagnostics when a test failed.
done_testing() {
  echo "1..$tap_count"
  if [ "$tap_failed" -gt 0 ]; then
    diag "console:"
    console | sed 's/^/# /' >&2
    [ -s "$T/qemu.err" ] && { diag "qemu's stderr:"; sed 's/^/# /' "$T/qemu.err" >&2; }
    exit 1
  fi
  exit 0
}
