#!/bin/sh
# vigil-init as PID 1 of a PID+mount namespace: the boot steps in order, the
# signals it holds for the scanner, the rc.init runner, the rescue paths,
# and the reaping of orphans. The populate, the scanner and the rescue
# shell are stand-in scripts that record what they see.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

out=$(vigil-init 2>&1); code=$?
is "$code" 100 "not PID 1: exit 100"
like "$out" "vigil-init: fatal: not PID 1" "not PID 1: a clear message"

# A boot kit in $T/NAME: vigil-init with stand-ins beside it, a conf dir, a
# kernel command line. Each stand-in appends to $T/NAME/log.
kit() {
  local k=$T/$1
  mkdir -p "$k/bin" "$k/conf" "$k/rc"
  cp "$VIGIL_BIN/vigil-init" "$k/bin/"
  printf '#!/bin/sh\necho "populate $*" >> %s/log\n' "$k" > "$k/bin/vigil-populate"
  # The scanner: notify rc.init's runner (unless told not to), record its
  # pid, blocked signals and arguments, then stay until $k/stop exists.
  cat > "$k/bin/vigil-scan" <<SCAN
#!/bin/sh
echo "scan \$* pid=\$\$ \$(grep SigBlk /proc/self/status | tr -d '\t')" >> $k/log
fd=\$2
[ -f $k/no-notify ] || eval "echo >&\$fd"
eval "exec \$fd>&-"
# the runner is our child: wait (bounded) until it is gone
# (read is a builtin: a \$(cat) would be a child of its own; a stand-in
# does not reap, so a zombie counts as gone)
children() {
  c=; read -r c < /proc/\$\$/task/\$\$/children
  for p in \$c; do
    read -r st < /proc/\$p/stat || continue
    case \$st in *") Z "*) ;; *) return 0 ;; esac
  done
  return 1
}
i=0; while [ \$i -lt 1000 ] && children; do sleep 0.01; i=\$((i+1)); done
echo "runner gone, scanner alive" >> $k/log
i=0; while [ \$i -lt 3000 ] && [ ! -f $k/stop ]; do sleep 0.01; i=\$((i+1)); done
SCAN
  # The rescue shell: records its argument and the reason in the environment.
  printf '#!/bin/sh\necho "rescue [$1] [$VIGIL_RESCUE_REASON] ppid=$PPID" >> %s/log\n' "$k" > "$k/conf/rescue"
  chmod +x "$k/bin/"* "$k/conf/rescue"
  echo "quiet" > "$k/cmdline"
}

# boot NAME: vigil-init of kit NAME as PID 1 of new namespaces, console in $T/NAME/console.
# VIGIL_ROLE=machine: PID 1 of a PID namespace is a container's otherwise
# (t/08xx), and these are a machine's boot steps.
boot() {
  local k=$T/$1
  start env VIGIL_ROLE=machine VIGIL_CONFDIR="$k/conf" VIGIL_RCDIR="$k/rc" VIGIL_LIVEDIR="$k/live" VIGIL_CMDLINE="$k/cmdline" \
    unshare --kill-child -fpm --mount-proc "$k/bin/vigil-init" > "$k/console" 2>&1
}
log_has() { grep -q -- "$2" "$T/$1/log" 2>/dev/null; }
log_lacks() { ! log_has "$@"; }
console_has() { grep -q -- "$2" "$T/$1/console" 2>/dev/null; }
# stop_boot PID: end the namespace of unshare PID by killing its init
# (unshare itself ignores SIGTERM while it waits).
stop_boot() {
  local init=
  # no newline at the end of that file: read fails but fills init
  read -r init < /proc/"$1"/task/"$1"/children
  [ -n "$init" ] && kill -KILL $init
  wait_until 30 dead "$1"
}

# --- a normal boot ---
kit ok
printf '#!/bin/sh\necho "rc.init ran, on the console"\necho rc.init >> %s/log\n' "$T/ok" > "$T/ok/conf/rc.init"
chmod +x "$T/ok/conf/rc.init"
echo "ro quiet vigil.timeout=3 splash" > "$T/ok/cmdline"
boot ok; pid=$!
ok "boot: rc.init runs after the scanner's notice" wait_until 20 log_has ok '^rc.init$'
ok "boot: the runner exits after rc.init" wait_until 20 log_has ok 'runner gone'
is "$(sed -n 1p "$T/ok/log")" "populate $T/ok/rc $T/ok/live" "boot: vigil-populate RCDIR LIVEDIR first"
ok "boot: the live dir is made" [ -d "$T/ok/live" ]
like "$(sed -n 2p "$T/ok/log")" "^scan -d [0-9]+ -k 3000 -r machine $T/ok/live pid=1 " "boot: exec vigil-scan -d FD -k MS -r machine LIVEDIR, as PID 1 (vigil.timeout=3)"
# INT(2) USR1(10) USR2(12) TERM(15) PWR(30) held across the exec
like "$(sed -n 2p "$T/ok/log")" "SigBlk:0000000020004a02$" "boot: INT, TERM, USR1, USR2, PWR stay blocked for the scanner"
ok "boot: rc.init's output is on the console" console_has ok 'rc.init ran, on the console'
touch "$T/ok/stop"
ok "boot: the namespace ends with its scanner" wait_until 20 dead "$pid"

# --- a command line longer than the 4095 bytes read: whole words only, and said ---
# The cut falls inside the last word, vigil.timeout=79: never read as =7.
kit long
printf 'vigil.timeout=4 %s vigil.timeout=79\n' "$(head -c 4063 /dev/zero | tr '\0' x)" > "$T/long/cmdline"
boot long; pid=$!
ok "long command line: the boot goes on" wait_until 20 log_has long '^scan '
like "$(sed -n 2p "$T/long/log")" "^scan -d [0-9]+ -k 4000 " "long command line: the words before the cut count, the cut word does not"
ok "long command line: said on the console" console_has long 'longer than 4095 bytes: its last word and what follows are ignored'
touch "$T/long/stop"
ok "long command line: the namespace ends" wait_until 20 dead "$pid"

# --- the scanner never notifies: EOF, rc.init not run ---
kit eof
printf '#!/bin/sh\necho rc.init >> %s/log\n' "$T/eof" > "$T/eof/conf/rc.init"
chmod +x "$T/eof/conf/rc.init"
touch "$T/eof/no-notify"
boot eof; pid=$!
ok "no notice: the runner exits on EOF" wait_until 20 log_has eof 'runner gone'
ok "no notice: rc.init is not run" log_lacks eof '^rc.init$'
stop_boot "$pid"

# --- rc.init fails, or is killed: the rescue shell while the scanner runs on ---
for how in 'exit 3:failed with exit code 3' 'kill -9 $$:was killed by signal 9'; do
  k=rc${how%% *}
  kit "$k"
  printf '#!/bin/sh\n%s\n' "${how%%:*}" > "$T/$k/conf/rc.init"
  chmod +x "$T/$k/conf/rc.init"
  boot "$k"; pid=$!
  ok "rc.init ${how%%:*}: the rescue shell starts" wait_until 20 log_has "$k" '^rescue'
  like "$(grep '^rescue' "$T/$k/log")" "rc.init ${how#*:}" "rc.init ${how%%:*}: the rescue shell is told why"
  ok "rc.init ${how%%:*}: the scanner is still running" wait_until 20 log_has "$k" 'runner gone, scanner alive'
  ok "rc.init ${how%%:*}: one line on the console" console_has "$k" "vigil-init: fatal: .*rc.init ${how#*:}"
  ok "rc.init ${how%%:*}: a banner says how to go on" console_has "$k" 'services are still supervised.*: exit the shell'
  stop_boot "$pid"
done

# --- a failing populate: the rescue shell, retried boots, then PID 1 stays ---
kit pop
printf '#!/bin/sh\necho "populate $*" >> %s/log\necho "vigil-populate: fatal: broken" >&2\nexit 111\n' "$T/pop" > "$T/pop/bin/vigil-populate"
boot pop; pid=$!
ok "populate fails: PID 1 gives up after 3 boots" wait_until 30 console_has pop 'not retrying'
is "$(grep -c '^rescue' "$T/pop/log")" 3 "populate fails: one rescue shell per boot attempt"
like "$(grep '^rescue' "$T/pop/log" | head -1)" "^rescue \[vigil-populate failed with exit code 111\] \[vigil-populate failed with exit code 111\] ppid=1$" \
  "populate fails: the rescue shell is PID 1's child and knows why"
ok "populate fails: the scanner is never run" log_lacks pop '^scan'
ok "populate fails: one clear line on the console" console_has pop 'vigil-init: fatal: vigil-populate failed with exit code 111'
ok "populate fails: PID 1 stays (reaping)" alive "$pid"
stop_boot "$pid"

# --- no vigil-scan to exec ---
kit noscan
rm "$T/noscan/bin/vigil-scan"
printf '#!/bin/sh\necho "rescue [$1]" >> %s/log\nexec sleep 1000\n' "$T/noscan" > "$T/noscan/conf/rescue"
start env VIGIL_ROLE=machine VIGIL_SCAN="$T/noscan/missing" VIGIL_CONFDIR="$T/noscan/conf" VIGIL_RCDIR="$T/noscan/rc" VIGIL_LIVEDIR="$T/noscan/live" \
  VIGIL_CMDLINE="$T/noscan/cmdline" unshare --kill-child -fpm --mount-proc "$T/noscan/bin/vigil-init" > "$T/noscan/console" 2>&1
pid=$!
ok "no scanner: the rescue shell starts" wait_until 20 log_has noscan '^rescue'
like "$(grep '^rescue' "$T/noscan/log")" "unable to exec $T/noscan/missing: No such file" "no scanner: the rescue shell is told why"
stop_boot "$pid"

# --- vigil.rescue on the command line: rescue first, then the boot goes on; orphans are reaped ---
kit asked
echo "ro vigil.rescue" > "$T/asked/cmdline"
# The rescue stand-in leaves an orphan that exits soon, and checks that it
# does not stay a zombie (PID 1 reaps it while it waits for the shell).
cat > "$T/asked/conf/rescue" <<RESCUE
#!/bin/sh
echo "rescue [\$1]" >> $T/asked/log
sh -c 'sleep 0.2 & echo \$! > $T/asked/orphan'
orphan=\$(cat $T/asked/orphan)
i=0
while [ \$i -lt 1000 ]; do
  [ -e /proc/\$orphan ] || { echo "orphan reaped" >> $T/asked/log; break; }
  i=\$((i+1)); sleep 0.01
done
RESCUE
boot asked; pid=$!
ok "vigil.rescue: the boot goes on after the shell" wait_until 20 log_has asked '^scan'
is "$(sed -n 1p "$T/asked/log")" "rescue [the kernel command line asked for it]" "vigil.rescue: the rescue shell comes before any service"
ok "vigil.rescue: an orphan is reaped by PID 1" log_has asked 'orphan reaped'
ok "vigil.rescue: the banner says how to go on" console_has asked 'exit it to continue the boot, or poweroff, reboot, halt'
like "$(grep '^scan' "$T/asked/log")" "^scan -d [0-9]+ -r machine $T/asked/live " "no vigil.timeout: no -k"
stop_boot "$pid"

done_testing
