#!/bin/sh
# Boot test 13: the power-action matrix (issue 19, pitfall 5). Each cell is a
# {halt, poweroff, reboot} asked one way: vigil's command, a signal to PID 1,
# ctrl-alt-del, busybox's applet. The host types the action on the console's
# root shell (ctrl-alt-del: a key sent through QEMU's monitor to the emulated
# PS/2 keyboard; a serial console has no such key) once the guest is up, and
# judges each boot by its console: vigil's stop and final stage name the
# action, and the kernel's last line is the action's.
#
#               command    signal to PID 1     ctrl-alt-del   busybox's applet
#   halt        halt       USR1                (none)         busybox halt
#   poweroff    poweroff   USR2, PWR           (none)         busybox poweroff
#   reboot      reboot     TERM, INT           the key        busybox reboot
#
# Ctrl-alt-del exists for reboot only: once vigil-init has disabled the
# kernel's own reboot (RB_DISABLE_CAD), the kernel turns the key into one
# SIGINT to PID 1, and SIGINT has one meaning, reboot (busybox init's and
# sysvinit's default); no key says halt or poweroff.
# Busybox's applets are called as "busybox NAME": the image has no /bin/halt
# (rootfs/mkinitramfs), so nothing shadows vigil's /sbin/halt.
#
# Boots: the reboot cells chain in one QEMU run (VIGIL_QEMU_REBOOTS=1: a
# reboot boots the same image again, and the next cell's action is sent at
# the next boot), ended by the poweroff command's cell; every other halt and
# poweroff cell boots on its own, with -no-reboot (a wrong reboot ends QEMU).
# The kernel's last lines, as this kernel (Debian's 6.1 cloud) prints them:
# "reboot: Power down"; "reboot: System halted"; "reboot: Restarting system"
# then x86's "reboot: machine restart".
. "$(dirname "$0")/lib.sh"

# A boot's kernel messages: the text after each "[ seconds ]" stamp (a
# message can follow a shell's prompt on the same line).
kernel_lines() { sed -n 's/^.*\[ *[0-9]*\.[0-9]*\] //p'; }
# segment K: the console of the K-th boot of this QEMU run.
segment() { console | awk -v k="$1" '/Linux version/ { n++ } n == k'; }
count() { console | grep -cE -- "$1"; }
# wait_count ERE N SECONDS: until N console lines match ERE (QEMU gone: fail).
wait_count() {
  local deadline=$(( $(now_ms) + $3 * 1000 ))
  while [ "$(count "$1")" -lt "$2" ]; do
    kill -0 "$qemu_pid" 2>/dev/null || { [ "$(count "$1")" -ge "$2" ] && return; return 1; }
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
# The final kernel line of any power action.
END_LINE='\] reboot: (Power down|System halted|machine restart)'

# shell_answers K: the console's shell runs what is typed, at boot K (the
# marker's output, not its echo: the typed text has $x where it has K).
shell_answers() {
  local deadline=$(( $(now_ms) + BOOT_BUDGET * 1000 ))
  while ! seen "^SHELL-$1-READY"; do
    kill -0 "$qemu_pid" 2>/dev/null || return 1
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    vm_send "x=READY; echo SHELL-$1-\$x
"
    wait_console "^SHELL-$1-READY" 5
  done
}

# act K NAME ACTION: at boot K, once the guest is up and its shell answers,
# send ACTION (a command line, or "ctrl-alt-del"), then wait for the kernel's
# last line of K's power action.
act() {
  ok "$2: the guest is up within ${BOOT_BUDGET} s" wait_count 'VIGILTAP: # matrix ready' "$1" "$BOOT_BUDGET"
  ok "$2: the console's shell answers" shell_answers "$1"
  case $3 in
    ctrl-alt-del) vm_monitor 'sendkey ctrl-alt-delete' ;;
    *) vm_send "$3
" ;;
  esac
  ok "$2: the kernel ends its action within ${SHUTDOWN_BUDGET} s" wait_count "$END_LINE" "$1" "$SHUTDOWN_BUDGET"
}

# judge K NAME MODE: boot K went through vigil's stop for MODE, and its last
# kernel line is MODE's, no other power line and no panic before it.
judge() {
  local text last want others
  text=$(segment "$1")
  case $3 in
    halt) want='reboot: System halted' others='Power down|Restarting system|machine restart' ;;
    poweroff) want='reboot: Power down' others='System halted|Restarting system|machine restart' ;;
    reboot) want='reboot: Restarting system|reboot: machine restart' others='Power down|System halted' ;;
  esac
  ok "$2: all services were up" sh -c 'printf "%s\n" "$1" | grep -q "VIGILTAP: ok 1 - all up"' sh "$text"
  ok "$2: vigil's stop was for $3 (rc.shutdown: $3 requested)" \
    sh -c 'printf "%s\n" "$1" | grep -q "rc.shutdown: $2 requested"' sh "$text" "$3"
  ok "$2: the final stage did $3" \
    sh -c 'printf "%s\n" "$1" | grep -qE "^vigil-shutdown: [0-9.]+s: final stage: $2\$" && printf "%s\n" "$1" | grep -qE "^vigil-shutdown: [0-9.]+s: $2\$"' sh "$text" "$3"
  last=$(printf '%s\n' "$text" | kernel_lines | tail -n "$(echo "$want" | awk -F'|' '{ print NF }')" | paste -sd'|' -)
  ok "$2: the kernel's last line is '$want'" [ "$last" = "$want" ]
  [ "$last" = "$want" ] || diag "$2: the kernel's last lines: $last"
  ok "$2: no other power action, no panic" \
    sh -c '! printf "%s\n" "$1" | grep -qE "reboot: ($2)|Kernel panic"' sh "$text" "$others"
}

# halted NAME: a halted machine stays on, its CPU stopped (HLT=1 in the
# registers QEMU's monitor shows); then QEMU is killed, by pid.
halted() {
  local i=0
  while [ $i -lt 10 ]; do
    vm_monitor 'info registers'
    wait_console 'HLT=1' 3 && break
    i=$((i + 1))
  done
  ok "$1: QEMU still runs, the CPU halted (HLT=1)" sh -c 'kill -0 "$1" && [ "$(tr -d "\r" < "$2" | grep -c "HLT=1")" -ge 1 ]' sh "$qemu_pid" "$CONSOLE"
  kill -KILL "$qemu_pid" 2>/dev/null; wait "$qemu_pid" 2>/dev/null; qemu_pid=
}

started=$(now_ms)

# --- the reboot cells, chained in one QEMU run, ended by a poweroff ---
export VIGIL_QEMU_REBOOTS=1
vm_start vigil.test=matrix
unset VIGIL_QEMU_REBOOTS
k=0
for cell in "reboot command:reboot" "reboot signal TERM:kill -TERM 1" "reboot signal INT:kill -INT 1" \
            "reboot ctrl-alt-del:ctrl-alt-del" "reboot busybox:busybox reboot"; do
  k=$((k + 1))
  act "$k" "${cell%%:*}" "${cell#*:}"
done
k=$((k + 1))
act "$k" "poweroff command" poweroff
ok "poweroff command: QEMU exits" vm_wait_exit "$SHUTDOWN_BUDGET"
k=0
for cell in "reboot command" "reboot signal TERM" "reboot signal INT" "reboot ctrl-alt-del" "reboot busybox"; do
  k=$((k + 1))
  judge "$k" "$cell" reboot
done
judge 6 "poweroff command" poweroff
ok "the chain: six boots in one QEMU run" [ "$(count 'Linux version')" = 6 ]

# --- every other halt and poweroff cell: a boot of its own ---
for cell in "halt command:halt" "halt signal USR1:kill -USR1 1" "halt busybox:busybox halt" \
            "poweroff signal USR2:kill -USR2 1" "poweroff signal PWR:kill -PWR 1" "poweroff busybox:busybox poweroff"; do
  name=${cell%%:*}
  vm_start vigil.test=matrix
  act 1 "$name" "${cell#*:}"
  case $name in
    halt*) halted "$name"; judge 1 "$name" halt ;;
    *) ok "$name: QEMU exits" vm_wait_exit "$SHUTDOWN_BUDGET"; judge 1 "$name" poweroff ;;
  esac
done

diag "the matrix: 12 boots in $(( ($(now_ms) - started) / 1000 )) s (accelerator: $(sh "$qemu_tests/../rootfs/qemu" accel "$VIGIL_KERNEL"))"
done_testing
