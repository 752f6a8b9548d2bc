#!/bin/sh
# The whole PID-1 path with the real programs, as PID 1 of a PID+mount
# namespace: vigil-init, vigil-populate, vigil-scan (machine role: the
# kernel command line says vigil.role=machine) and vigil-shutdown --final.
# Orphans are reaped; the shutdown goes in order (rc.shutdown, services,
# then their loggers after them); a service ignoring TERM is killed at the
# deadline; and vigil's and busybox's poweroff and reboot end the
# namespace the way the kernel reports each mode (SIGINT for poweroff,
# SIGHUP for reboot).
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"
command -v nsenter >/dev/null || skip_all "no nsenter"

mkdir "$T/bin"
for name in poweroff reboot halt; do ln -s "$VIGIL_BIN/vigil-shutdown" "$T/bin/$name"; done

# system NAME: a system in $T/NAME: /etc/rc, /etc/vigil, a kernel command line.
system() {
  local k=$T/$1
  mkdir -p "$k/rc" "$k/conf"
  printf '#!/bin/sh\ncat >> %s/log-@NAME@\necho "@NAME@-logger-end $(date +%%s%%N)" >> %s/order\n' "$k" "$k" > "$k/conf/log-run"
  printf '#!/bin/sh\necho "rc.shutdown-$1 $(date +%%s%%N)" >> %s/order\n' "$k" > "$k/conf/rc.shutdown"
  chmod +x "$k/conf/log-run" "$k/conf/rc.shutdown"
  mkservice "$k/rc/talker" "trap 'echo \"talker-stop \$(date +%s%N)\" >> $k/order; echo talker says goodbye; exit 0' TERM
echo talker up
while :; do sleep 1 & wait \$!; done"
  # trapped: TERM is ignored from now on (up only means spawned).
  mkservice "$k/rc/stubborn" "trap '' TERM; : > $k/stubborn-trapped; exec sleep 1000"
  : > "$k/rc/stubborn/log"
  mkservice "$k/rc/forker" "sh -c 'sh -c \"echo \\\$\\\$ > $k/orphan.pid; exec sleep 0.5\" &'
exec sleep 1000"
  : > "$k/rc/forker/log"
  echo "quiet vigil.timeout=2 vigil.role=machine" > "$k/cmdline"
}

# boot NAME: its vigil-init as PID 1 of new namespaces; $unshare is the host's pid of unshare.
boot() {
  local k=$T/$1
  start env VIGIL_CONFDIR="$k/conf" VIGIL_RCDIR="$k/rc" VIGIL_LIVEDIR="$k/live" \
    VIGIL_CMDLINE="$k/cmdline" VIGIL_RUNDIR="$k/run" PATH="$T/bin:$PATH" \
    unshare --kill-child -fpm --mount-proc "$VIGIL_BIN/vigil-init" > "$k/console" 2>&1
  unshare=$!
}
# The namespace's PID 1, as the host sees it.
nsinit() { tr -d ' ' < /proc/"$unshare"/task/"$unshare"/children 2>/dev/null; }
inside() { nsenter -t "$(nsinit)" -p -m "$@"; }
all_up() { local d; for d in talker stubborn forker talker/log; do is_up "$T/$1/live/$d" || return 1; done; [ -e "$T/$1/stubborn-trapped" ]; }
order_of() { grep -n "^$2" "$T/$1/order" | cut -d: -f1; }
stamp_of() { sed -n "s/^$2 //p" "$T/$1/order"; }
before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }

# --- boot, orphans, poweroff in order ---
system a
boot a
wait_until 30 all_up a; ok "boot: every service and the logger up under the real scanner" [ $? = 0 ]
like "$(inside cat /proc/1/cmdline | tr '\0' ' ')" "vigil-scan -d [0-9]+ -k 2000 -r machine .*/a/live" "boot: PID 1 is vigil-scan, with the deadline and the role from the command line"
wait_until 30 eval '[ -s "$T/a/orphan.pid" ]'
opid=$(cat "$T/a/orphan.pid")
ok "orphans: the namespace can be entered" inside true
wait_until 30 eval '! inside test -e /proc/$opid'; ok "orphans: a double-forked process is reaped once it exits (no zombie)" [ $? = 0 ]
wait_until 30 eval 'grep -q "talker up" "$T/a/log-talker"'; ok "boot: the service's output reaches its logger" [ $? = 0 ]
t0=$(now_ms)
inside "$T/bin/poweroff"; ok "poweroff: vigil's request accepted" [ $? = 0 ]
wait_until 40 dead "$unshare"; ok "poweroff: the system goes down" [ $? = 0 ]
elapsed=$(( $(now_ms) - t0 ))
reap "$unshare"; code=$?
is "$code" 130 "poweroff: the namespace's init ends as the kernel reports a poweroff (SIGINT)"
diag "poweroff with a service ignoring TERM, vigil.timeout=2: ${elapsed} ms"
ok "poweroff: the service ignoring TERM waited for the deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
ok "poweroff: and not much more, loosely (${elapsed} ms)" [ "$elapsed" -lt 20000 ]
ok "order: rc.shutdown ran with the mode" grep -q "^rc.shutdown-poweroff " "$T/a/order"
ok "order: rc.shutdown before the services" before "$(order_of a rc.shutdown)" "$(order_of a talker-stop)"
ok "order: the logger ended after its service" before "$(stamp_of a talker-stop)" "$(stamp_of a talker-logger-end)"
ok "order: what the service said while stopping reached its log" grep -q "talker says goodbye" "$T/a/log-talker"
like "$(cat "$T/a/console")" "deadline passed: killing services" "deadline: the escalation is on the console"
ok "final: the last stage ran (its lines on the console)" grep -q "^vigil-shutdown: .*SIGTERM" "$T/a/console"

# --- reboot, and busybox's applets ---
system b
boot b
wait_until 30 all_up b
inside "$T/bin/reboot"
wait_until 40 dead "$unshare"; ok "reboot: the system goes down" [ $? = 0 ]
reap "$unshare"; is "$?" 129 "reboot: the namespace's init ends as the kernel reports a reboot (SIGHUP)"
ok "reboot: rc.shutdown got the mode" grep -q "^rc.shutdown-reboot " "$T/b/order"

if command -v busybox >/dev/null; then
  system c
  boot c
  wait_until 30 all_up c
  inside busybox poweroff
  wait_until 40 dead "$unshare"; ok "busybox poweroff: the system goes down" [ $? = 0 ]
  reap "$unshare"; is "$?" 130 "busybox poweroff: a poweroff (SIGINT)"
  ok "busybox poweroff: rc.shutdown got the mode" grep -q "^rc.shutdown-poweroff " "$T/c/order"
else
  diag "no busybox: its poweroff not checked"
fi

# --- poweroff -f: no rc.shutdown, no services one by one ---
system d
boot d
wait_until 30 all_up d
inside env VIGIL_RUNDIR="$T/d/run" "$T/bin/poweroff" -f
wait_until 40 dead "$unshare"; ok "poweroff -f: the system goes down" [ $? = 0 ]
reap "$unshare"; is "$?" 130 "poweroff -f: a poweroff"
ok "poweroff -f: said on the console" grep -q "stop forced" "$T/d/console"
ok "poweroff -f: rc.shutdown was skipped" eval '! grep -q rc.shutdown "$T/d/order" 2>/dev/null'

done_testing
