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
