#!/bin/sh
# sd_notify: a dir with a file notify-socket gets NOTIFY_SOCKET, a datagram
# socket in supervise/ owned by its supervisor. READY=1 is readiness (svwait
# -R, needs/), STATUS= is shown by svstat; what comes
# from outside the service, or is over 4 KiB, is dropped and counted, never
# fatal; a flood of 100,000 datagrams leaves the supervisor serving; a path
# too long for a socket's name is said, and the service runs without it.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

send=$VIGIL_HELPERS/sdnotify-send
mkdir sv
# nt: says a status, then ready once $T/nt-go exists; a child of it says the next status.
mkservice sv/nt "echo \"\$NOTIFY_SOCKET\" > $T/nt-socket
$send 'STATUS=starting up'
while [ ! -e $T/nt-go ]; do sleep 0.05; done
$send READY=1
( $send 'STATUS=serving 3 clients' ) &
wait
trap '$send STOPPING=1; exit 0' TERM
sleep 1000 & wait"
: > sv/nt/notify-socket
mkservice sv/dep "exec sleep 1000"
mkdir sv/dep/needs && : > sv/dep/needs/nt
# quiet: never says ready; big: sends datagrams over 4 KiB; flood: 100,000 of them.
mkservice sv/quiet "exec sleep 1000"
: > sv/quiet/notify-socket
mkservice sv/big "$send -n 5 -s 5000; $send READY=1; exec sleep 1000"
: > sv/big/notify-socket
mkservice sv/flood "$send -n 100000 'STATUS=flooding'; $send READY=1; exec sleep 1000"
: > sv/flood/notify-socket
# forker: a forking daemon: the run starts it in the background, names it
# with MAINPID= (and says READY=1 in the same datagram), and exits 0.
mkservice sv/forker "echo \$\$ >> $T/forker-runs
sleep 1000 &
echo \$! > $T/forker-main.new && mv $T/forker-main.new $T/forker-main
$send \"MAINPID=\$!
READY=1\"
exit 0"
: > sv/forker/notify-socket
# liar: names its supervisor, its scanner, a word and a process gone, then runs itself.
mkservice sv/liar "supervisor=\$PPID
scanner=\$(awk '{ print \$4 }' /proc/\$PPID/stat)
$send \"MAINPID=\$supervisor\"; $send \"MAINPID=\$scanner\"; $send MAINPID=soon
$send MAINPID=999999; $send READY=1
exec sleep 1000"
: > sv/liar/notify-socket
# plain: no notify-socket: no NOTIFY_SOCKET either.
mkservice sv/plain "echo \"\${NOTIFY_SOCKET:-none}\" > $T/plain-socket; exec sleep 1000"

start vigil-scan -g 200 "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!

wait_until 30 test -s nt-socket; ok "the run got NOTIFY_SOCKET" [ $? = 0 ]
is "$(cat nt-socket)" "$T/sv/nt/supervise/notify" "it names supervise/notify"
ok "a socket is there" [ -S sv/nt/supervise/notify ]
wait_until 30 eval 'svstat sv/nt | grep -q "status: starting up"'; ok "STATUS= is shown by svstat" [ $? = 0 ]
ok "not ready before READY=1" eval '! svstat sv/nt | grep -q ready'
ok "a need with notify-socket holds its dependent until READY=1" eval '! is_up sv/dep'
touch nt-go
ok "READY=1: svwait -R" svwait -R -t 30000 sv/nt
wait_until 30 is_up sv/dep; ok "READY=1: the dependent starts" [ $? = 0 ]
wait_until 30 eval 'svstat sv/nt | grep -q "status: serving 3 clients"'; ok "a child of the run is heard" [ $? = 0 ]
wait_until 30 test -s plain-socket
is "$(cat plain-socket)" none "without notify-socket: no NOTIFY_SOCKET"

# --- from outside the service: dropped, counted ---
wait_until 30 is_up sv/quiet
# It lingers, so the supervisor finds it alive and not below the run (a
# sender gone before it is read is taken when it has the service's uid).
NOTIFY_SOCKET=$T/sv/quiet/supervise/notify "$send" -w 2000 READY=1; is "$?" 0 "a stranger can send"
wait_until 30 eval 'grep -q "vigil-supervise quiet: warning: notify socket: dropped 1 datagrams so far (not from the service)" scan-stderr'
ok "a stranger's READY=1 is dropped, and said" [ $? = 0 ]
ok "and the service is not ready" eval '! svwait -R -t 500 sv/quiet'

# --- over 4 KiB ---
ok "big datagrams dropped: READY=1 after them still heard" svwait -R -t 30000 sv/big
ok "the drops are counted, in powers of two" grep -q "big: warning: notify socket: dropped 4 datagrams so far (over 4 KiB)" scan-stderr
ok "not each said" [ "$(grep -c 'big: warning: notify socket' scan-stderr)" = 3 ]

# --- a flood ---
ok "100,000 datagrams, then READY=1: heard" svwait -R -t 60000 sv/flood
flood_sup=$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "flood" { print $1 }')
svc -t sv/flood
ok "its supervisor still answers svc" wait_until 30 eval 'svstat sv/flood | grep -q "up (pid"'
is "$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "flood" { print $1 }')" "$flood_sup" "the same supervisor"

# --- MAINPID=: a forking daemon's process is the service ---
ok "a forking daemon: ready" svwait -R -t 30000 sv/forker
wait_until 30 test -s forker-main
main=$(cat forker-main)
run=$(head -n 1 forker-runs)
wait_until 30 eval '! test -e /proc/$run'; ok "its run has exited and been reaped" [ $? = 0 ]
wait_until 30 eval 'svstat sv/forker | grep -q "up (pid $main)"'; ok "svstat names the MAINPID, not the run" [ $? = 0 ]
is "$(file_lines forker-runs)" 1 "the run's exit 0 was no death of the service: not restarted"
forker_sup=$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "forker" { print $1 }')
is "$(awk '{ print $4 }' /proc/$main/stat)" "$forker_sup" "the daemon was reparented to its supervisor (a subreaper), not the scanner"
svc -t sv/forker
wait_until 30 eval '! test -e /proc/$main'; ok "svc -t reaches the MAINPID" [ $? = 0 ]
wait_until 30 eval '[ "$(file_lines forker-runs)" = 2 ]'; ok "its death restarts the service" [ $? = 0 ]
wait_until 30 eval '[ "$(cat forker-main)" != "$main" ]'
main2=$(cat forker-main)
wait_until 30 eval 'svstat sv/forker | grep -q "up (pid $main2)"'; ok "the new MAINPID is shown" [ $? = 0 ]
kill -TERM "$main2"
wait_until 30 eval '[ "$(file_lines forker-runs)" = 3 ]'; ok "a MAINPID dying by itself restarts the service too" [ $? = 0 ]
# The third launcher has named its daemon before it is taken down.
wait_until 30 eval '[ "$(cat forker-main)" != "$main2" ]'
main3=$(cat forker-main)
wait_until 30 eval 'svstat sv/forker | grep -q "up (pid $main3)"'
ok "svc -d: the MAINPID goes, and the service is down" eval 'svc -d sv/forker && wait_until 30 is_down sv/forker'
ok "the daemon was signalled, none left" eval '! test -e /proc/$main3'

ok "a liar: ready" svwait -R -t 30000 sv/liar
for what in "the supervisor" "the scanner" "a word" "a process gone"; do
  case $what in
    "a word") pattern="liar: warning: notify socket: ignoring MAINPID=soon: not a process of the service" ;;
    "a process gone") pattern="liar: warning: notify socket: ignoring MAINPID=999999: not a process of the service" ;;
    *) pattern="liar: warning: notify socket: ignoring MAINPID=[0-9]*: not a process of the service" ;;
  esac
  ok "MAINPID= naming $what is ignored, and said" grep -q "$pattern" scan-stderr
done
is "$(grep -c 'liar: warning: notify socket: ignoring MAINPID=[0-9]*: not a process' scan-stderr)" 3 "each said once"
liar_sup=$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "liar" { print $1 }')
ok "the liar's supervisor still watches its run" eval 'svstat sv/liar | grep -q "up (pid $(svpid sv/liar))" && [ "$(awk "{ print \$4 }" /proc/$(svpid sv/liar)/stat)" = "$liar_sup" ]'

# --- down: the run says STOPPING=1 and exits ---
svc -d sv/nt
wait_until 30 is_down sv/nt; ok "nt goes down" [ $? = 0 ]

# --- a path too long for sun_path ---
long=$T/$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))
mkdir -p "$long"
mkservice "$long/svc" "echo \"\${NOTIFY_SOCKET:-none}\" > $T/long-socket; exec sleep 1000"
: > "$long/svc/notify-socket"
start vigil-supervise "$long/svc" 2> long-err
wait_until 30 test -s long-socket; ok "too long a path: the service still runs" [ $? = 0 ]
is "$(cat long-socket)" none "without NOTIFY_SOCKET"
like "$(cat long-err)" "too long for a socket's name" "and that is said"

done_testing
