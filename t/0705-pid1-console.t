#!/bin/sh
# Issue 19, pitfalls 1, 9 and 10 as PID 1: vigil-init (then vigil-scan)
# as PID 1 of PID+mount namespaces whose console is a pty (t/helpers/ptyrun).
# 1. The pty is never read while 100 services print to it: PID 1 still
#    picks up service dirs, reaps orphans and stops; a supervisor that has
#    something to say still restarts its service; svc and svstat answer;
#    PID 1's own writes go through a description of its own with
#    O_NONBLOCK while the services' fd 2 blocks (none of their lines is
#    lost); once the pty is read again, PID 1 says how many bytes it
#    dropped; a poweroff with the pty full again ends the namespace.
# 9. The pty is hung up (vhangup, as a getty does) while PID 1 writes to
#    it: PID 1 lives on, supervises, and its later messages reach the pty.
# 10. PID 1's stdout and stderr a pipe with no reader: a service that
#    prints dies of SIGPIPE and is restarted; PID 1 and the supervisors live.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

SERVICES=100
LINES=100

kit() {
  mkdir -p "$T/$1/conf" "$T/$1/rc"
  echo quiet > "$T/$1/cmdline"
  mkfifo "$T/$1/ctl"
}
# child PID: the one child of PID (ptyrun has unshare, unshare has PID 1).
child() { tr -d ' ' 2>/dev/null < /proc/"$1"/task/"$1"/children; }
has_child() { [ -n "$(child "$1")" ]; }
# boot NAME [WRAPPER...]: vigil-init of kit NAME as a machine's PID 1 of new
# namespaces, under ptyrun, or WRAPPER when given (which execs what
# follows); $runner is ptyrun's pid (or unshare's), $nsinit PID 1's (as
# the host sees it).
boot() {
  local k=$T/$1 wrapped=1; shift
  [ $# -gt 0 ] || { set -- ptyrun "$k/ctl" "$k/console"; wrapped=; }
  start "$@" env VIGIL_ROLE=machine VIGIL_CMDLINE="$k/cmdline" VIGIL_RCDIR="$k/rc" VIGIL_CONFDIR="$k/conf" \
    VIGIL_LIVEDIR="$k/live" VIGIL_RUNDIR="$k/run" \
    unshare --kill-child -fpm --mount-proc "$VIGIL_BIN/vigil-init" 2> "$k/runner.err"
  runner=$! unshare=$!
  if [ -z "$wrapped" ]; then
    wait_until 30 has_child "$runner"
    unshare=$(child "$runner")
    track "$unshare"
  fi
  wait_until 30 has_child "$unshare"
  nsinit=$(child "$unshare")
}
# ended SECONDS: the namespace is gone; $code is the wrapper's exit code (999: killed).
ended() {
  code=999
  if wait_until "$1" dead "$runner"; then reap "$runner"; code=$?; return 0; fi
  kill -KILL "$nsinit" 2>/dev/null; reap "$runner" 10
  return 1
}
console_has() { grep -qE -- "$2" "$T/$1/console" 2>/dev/null; }
# some_blocked: some service of PID 1 sleeps in write(2) (on the full pty:
# the only service that writes elsewhere, to a file, never sleeps there).
some_blocked() {
  local sup pid
  for sup in $(cat /proc/"$nsinit"/task/"$nsinit"/children 2>/dev/null); do
    pid=$(child "$sup")
    [ -n "$pid" ] && [ "$(sed 's/.*) \(.\).*/\1/' /proc/"$pid"/stat 2>/dev/null)" = S ] && in_write "$pid" && return 0
  done
  return 1
}
# fd_flags PID FD: the octal flags of PID's fd FD.
fd_flags() { sed -n 's/^flags:[[:space:]]*//p' /proc/"$1"/fdinfo/"$2" 2>/dev/null; }
nonblocking() { [ $(( 0$(fd_flags "$1" "$2") & 04000 )) -ne 0 ]; }
# own_nonblocking PID: an fd above 2 on fd 2's file, with O_NONBLOCK.
own_nonblocking() {
  local fd target
  target=$(readlink /proc/"$1"/fd/2)
  for fd in $(ls /proc/"$1"/fd); do
    [ "$fd" -gt 2 ] && [ "$(readlink /proc/"$1"/fd/"$fd")" = "$target" ] && nonblocking "$1" "$fd" && return 0
  done
  return 1
}
# in_write PID: PID sleeps in write(2) or writev(2) (strerr's).
in_write() { case $(cut -d' ' -f1 /proc/"$1"/syscall 2>/dev/null) in 1|20) return 0 ;; esac; return 1; }
zombies_of() {
  local n=0 c
  for c in $(cat /proc/"$1"/task/"$1"/children 2>/dev/null); do
    [ "$(sed 's/.*) \(.\).*/\1/' /proc/"$c"/stat 2>/dev/null)" = Z ] && n=$((n + 1))
  done
  echo "$n"
}
count_of() { cat "$1" 2>/dev/null || echo 0; }
# reaping K FROM: the orphan maker made 20 more orphans since FROM, and
# PID 1 has at most 3 zombies among its children.
reaping() {
  local made
  made=$(count_of "$T/$1/orphans")
  [ -n "$made" ] && [ "$made" -ge $(($2 + 20)) ] && [ "$(zombies_of "$nsinit")" -le 3 ]
}
printed_all() { [ "$(grep -c "out $((LINES - 1))\$" "$T/$1/console")" -ge "$SERVICES" ] && [ "$(grep -c "err $((LINES - 1))\$" "$T/$1/console")" -ge "$SERVICES" ]; }

t_start=$(now_ms)
# --- 1. a console nobody reads ---
k=$T/full
kit full
i=1
while [ $i -le $SERVICES ]; do
  mkservice "$k/rc/p$i" "i=0; while [ \$i -lt $LINES ]; do echo \"p$i out \$i\"; echo \"p$i err \$i\" >&2; i=\$((i + 1)); done; exec sleep 100000"
  : > "$k/rc/p$i/log"
  i=$((i + 1))
done
# Orphans (their parent exits at once) that PID 1 must reap; quiet.
mkservice "$k/rc/orphans" "n=0; while :; do (sleep 0.01 &); n=\$((n + 1)); echo \$n > $k/orphans.new; mv $k/orphans.new $k/orphans; sleep 0.05; done"
: > "$k/rc/orphans/log"
mkservice "$k/rc/chatty" "exec sleep 100000"
: > "$k/rc/chatty/log"
boot full
live=$k/live
ok "full console: 100 services fill the pty nobody reads" wait_until 60 some_blocked
ok "full console: PID 1's fd 2 (the services') has no O_NONBLOCK" eval '! nonblocking "$nsinit" 2'
ok "full console: PID 1 writes through its own O_NONBLOCK description of the pty" own_nonblocking "$nsinit"
sup=$(child "$nsinit" | head -1)
for i in $(seq 30); do mkdir "$live/norun$i"; done
mkservice "$live/late" "exec sleep 100000"
ok "full console: PID 1, told of 30 dirs with no run, still picks up a new service" wait_until 30 svok "$live/late"
ok "full console: the new service runs" wait_until 30 is_up "$live/late"
ok "full console: PID 1 is not in write(2)" eval '! in_write "$nsinit"'
from=$(count_of "$k/orphans")
ok "full console: PID 1 reaps orphans (20 more made, at most 3 zombies)" wait_until 30 reaping full "${from:-0}"
# A supervisor with something to say (its run not executable) still serves.
chmod -x "$live/chatty/run"
chatty=$(svpid "$live/chatty")
svc -k "$live/chatty"
ok "full console: the supervisor warns of a run not executable" wait_until 30 eval 'svstat "$live/chatty" | grep -q "not executable\|down"'
chmod +x "$live/chatty/run"
ok "full console: and restarts it once it is executable again" wait_until 30 pid_changed "$live/chatty" "$chatty"
t0=$(now_ms)
svc -d "$live/p1"
ok "full console: svc -d reaches a supervisor whose service blocks on the pty" wait_until 30 is_down "$live/p1"
ok "full console: svstat answers" eval 'timeout 10 svstat "$live/p1" | grep -q ": down "'
svc -u "$live/p1"
ok "full console: svc -u brings it back" wait_until 30 is_up "$live/p1"
diag "svc -d, -u and svstat answered in $(( $(now_ms) - t0 )) ms with the pty full"
ok "full console: PID 1 is alive" alive "$nsinit"
# Read again: every line of every service arrives (their writes blocked,
# never failed), and PID 1's next message says what it dropped.
printf r > "$k/ctl"
ok "read again: every service's $LINES lines on stdout and stderr arrive, none lost" wait_until 60 printed_all full
mkdir "$live/norun-after"
ok "read again: PID 1's next message gets through" wait_until 30 console_has full "norun-after: no executable run"
ok "read again: preceded by the count of bytes PID 1 dropped" \
  console_has full "^vigil-scan: warning: [1-9][0-9]* bytes of messages dropped: the console was not writable$"
is "$(grep -c '^vigil-scan: warning: .* bytes of messages dropped' "$k/console")" 1 "read again: said once"
dropped=$(sed -n 's/^vigil-scan: warning: \([0-9]*\) bytes of messages dropped.*/\1/p' "$k/console")
diag "PID 1 dropped $dropped bytes while the pty was full"
# Full again, then a poweroff: it must reach its end.
printf p > "$k/ctl"
for i in $(seq $SERVICES); do svc -k "$live/p$i"; done
ok "full again: the services block on the pty" wait_until 60 some_blocked
kill -USR2 "$nsinit"
ok "full console: a poweroff ends the namespace" ended 60
is "$code" 130 "full console: as a poweroff"

diag "full console: $(( $(now_ms) - t_start )) ms"; t_start=$(now_ms)
# --- 9. a hang-up while PID 1 writes ---
k=$T/hup
kit hup
mkservice "$k/rc/steady" "exec sleep 100000"
: > "$k/rc/steady/log"
boot hup
printf r > "$k/ctl"
live=$k/live
wait_until 30 is_up "$live/steady"
for i in $(seq 60); do
  mkdir "$live/norun$i"
  case $i in 10|30|50) printf h > "$k/ctl" ;; esac
done
ok "hang-up: the pty was hung up three times" wait_until 30 eval '[ "$(grep -c "hung up" "$k/runner.err")" = 3 ]'
ok "hang-up: PID 1 lives on" alive "$nsinit"
mkdir "$live/norun-late"
ok "hang-up: PID 1's later messages reach the pty (a fresh description)" wait_until 30 console_has hup "norun-late: no executable run"
steady=$(svpid "$live/steady")
svc -t "$live/steady"
ok "hang-up: PID 1's supervisors still restart a service" wait_until 30 pid_changed "$live/steady" "$steady"
mkservice "$live/late" "exec sleep 100000"
ok "hang-up: PID 1 still picks up a new service" wait_until 30 is_up "$live/late"
kill -USR2 "$nsinit"
ok "hang-up: a poweroff ends the namespace" ended 60
is "$code" 130 "hang-up: as a poweroff"

diag "hang-up: $(( $(now_ms) - t_start )) ms"; t_start=$(now_ms)
# --- 10. stdout and stderr a pipe nobody reads ---
k=$T/pipe
kit pipe
mkservice "$k/rc/talker" "echo start >> $k/talker.starts; exec sh -c 'while :; do echo tick; sleep 0.1; done'"
: > "$k/rc/talker/log"
mkservice "$k/rc/quiet" "exec sleep 100000"
: > "$k/rc/quiet/log"
# shellcheck disable=SC2016
boot pipe perl -e 'pipe(my $r, my $w) or die "pipe: $!"; close $r; open(STDOUT, ">&", $w) or die; open(STDERR, ">&", $w) or die; close $w; exec @ARGV or die "exec: $!"'
live=$k/live
ok "broken pipe: the service that prints dies of SIGPIPE and is restarted (3 starts)" \
  wait_until 30 eval '[ "$(file_lines "$k/talker.starts")" -ge 3 ]'
quiet=$(svpid "$live/quiet")
ok "broken pipe: PID 1 lives on" alive "$nsinit"
ok "broken pipe: the supervisors serve" eval 'svok "$live/talker" && svok "$live/quiet"'
ok "broken pipe: the quiet service runs on" eval '[ -n "$quiet" ] && [ "$(svpid "$live/quiet")" = "$quiet" ]'
mkservice "$live/late" "exec sleep 100000"
ok "broken pipe: PID 1 still picks up a new service" wait_until 30 is_up "$live/late"
kill -USR2 "$nsinit"
ok "broken pipe: a poweroff ends the namespace" ended 60
is "$code" 130 "broken pipe: as a poweroff"
diag "broken pipe: $(( $(now_ms) - t_start )) ms"

done_testing
