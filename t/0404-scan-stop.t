#!/bin/sh
# vigil-scan's stop: readiness on -d, a stop bounded by -k with escalation
# (a service and a logger that ignore TERM), no busy loop while stopping
# (the scanner's CPU time for the stop), and a prompt stop of 100 services.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

# cpu_ms PID: user + system CPU time of PID so far, in ms.
cpu_ms() { awk -v tck="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, f, " "); print int((f[12] + f[13]) * 1000 / tck) }' /proc/"$1"/stat; }
# runstat_pid FILE: the pid runstat started, once it has said so.
runstat_pid() { sed -n 's/^pid //p' "$1"; }
ended() { grep -q '^exit ' "$1"; }
ups() { svstat "$@" 2>/dev/null | grep -c ': up '; }
all_up() { [ "$(ups "$@")" = $# ]; }

# --- -d FD: one newline once the first scan has started every supervisor ---
mkdir sv
for i in 1 2 3; do mkservice sv/s$i "exec sleep 1000"; done
mkservice sv/s1/log "exec cat > /dev/null"
mkfifo ready
start sh -c 'exec vigil-scan -d 3 "$1" 3> "$2"' sh "$T/sv" "$T/ready"
scanner=$!
timeout 20 head -c 1 ready > got-ready
is "$(od -An -c got-ready | tr -d ' ')" '\n' "-d: one newline on the readiness fd"
is "$(ps -o pid= --ppid "$scanner" | wc -l)" 4 "-d: by then every supervisor was started (3 services, 1 logger)"
ok "-d: the readiness fd is closed after it" eval '[ ! -e /proc/$scanner/fd/3 ]'
kill -TERM "$scanner"
wait_until 20 dead "$scanner"; ok "-d: scanner stops on TERM" [ $? = 0 ]

# --- a stop bounded by -k: a service and a logger that ignore TERM ---
mkdir sv2
for i in 1 2 3 4 5; do mkservice sv2/ok$i "exec sleep 1000"; done
mkservice sv2/ok1/log "exec cat > /dev/null"
# Each notes when its trap is set: up only means spawned, and a TERM
# before the trap would end it at once, with no deadline to wait for.
mkservice sv2/stubborn "trap '' TERM; : > $T/stubborn-trapped; exec sleep 1000"
mkservice sv2/deaf "echo hello; exec sleep 1000"
mkservice sv2/deaf/log "trap '' TERM HUP; : > $T/deaf-trapped; exec sleep 1000"
start runstat "$T/stop.stat" vigil-scan -k 2000 "$T/sv2" 2> scan2.err
wait_until 30 eval '[ -n "$(runstat_pid stop.stat)" ]'
scanner=$(runstat_pid stop.stat)
track "$scanner"
wait_until 20 eval 'all_up sv2/ok1 sv2/ok2 sv2/ok3 sv2/ok4 sv2/ok5 sv2/ok1/log sv2/stubborn sv2/deaf sv2/deaf/log &&
  [ -e stubborn-trapped ] && [ -e deaf-trapped ]'
ok "deadline: every service and logger up" [ $? = 0 ]
stubborn=$(svpid sv2/stubborn)
deaf_logger=$(svpid sv2/deaf/log)
cpu_before=$(cpu_ms "$scanner")
t0=$(now_ms)
kill -TERM "$scanner"
wait_until 30 ended stop.stat; ok "deadline: the scanner exits although two processes ignore TERM" [ $? = 0 ]
elapsed=$(( $(now_ms) - t0 ))
result=$(sed -n 's/^exit //p' stop.stat)
is "${result%% *}" 0 "deadline: exit code 0"
cpu_stop=$(( ${result##* } - cpu_before ))
diag "stop with a stubborn service and logger, -k 2000: ${elapsed} ms, scanner CPU ${cpu_stop} ms"
ok "deadline: not before the deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
# The bound is loose on purpose (a loaded machine): deadline 2 s + at most 2 s documented.
ok "deadline: within the deadline + margin, loosely (${elapsed} ms)" [ "$elapsed" -lt 12000 ]
wait_until 30 dead "$stubborn"; ok "deadline: the service ignoring TERM was killed" [ $? = 0 ]
wait_until 30 dead "$deaf_logger"; ok "deadline: the logger ignoring TERM and EOF was killed" [ $? = 0 ]
# A busy loop takes a core for the whole stop; the stop's real work is a few ms.
ok "deadline: no busy loop: CPU ${cpu_stop} ms for a ${elapsed} ms stop" [ $((cpu_stop * 4)) -lt "$elapsed" ]
ok "deadline: the escalation is said on stderr" grep -q "deadline passed: killing services" scan2.err
left=$(for d in sv2/*/ sv2/*/log/; do p=$(svpid "$d"); [ -n "$p" ] && alive "$p" && echo "$d"; done)
is "$left" "" "deadline: nothing left running"

# --- a service's stray child holds its logger's pipe: told to go once the service is down ---
mkdir sv4
mkservice sv4/bg "sh -c 'echo \$\$ > $T/stray.pid; exec sleep 1000' & exec sleep 1000"
mkservice sv4/bg/log "exec cat > /dev/null"
start runstat "$T/stray.stat" vigil-scan "$T/sv4"
wait_until 30 eval '[ -n "$(runstat_pid stray.stat)" ]'
scanner=$(runstat_pid stray.stat)
track "$scanner"
wait_until 20 all_up sv4/bg sv4/bg/log; ok "strays: service and logger up" [ $? = 0 ]
wait_until 30 eval '[ -s stray.pid ]'
stray=$(cat stray.pid)
t0=$(now_ms)
kill -TERM "$scanner"
wait_until 30 ended stray.stat; ok "strays: the scanner exits" [ $? = 0 ]
elapsed=$(( $(now_ms) - t0 ))
ok "strays: the run script's leftover child is gone" dead "$stray"
# Without it the logger would wait for EOF until its 5 s drain ran out.
ok "strays: the logger did not wait for its drain deadline (${elapsed} ms)" [ "$elapsed" -lt 4500 ]

# --- a prompt stop: 100 services that exit at once on TERM ---
# Shell builtins only: a hundred mkservice calls take seconds on a busy machine.
for i in $(seq 1 100); do mkdir -p sv3/s$i; printf '#!/bin/sh\nexec sleep 1000\n' > sv3/s$i/run; done
chmod +x sv3/*/run
start runstat "$T/prompt.stat" vigil-scan "$T/sv3"
wait_until 30 eval '[ -n "$(runstat_pid prompt.stat)" ]'
scanner=$(runstat_pid prompt.stat)
track "$scanner"
wait_until 60 eval '[ "$(ups sv3/*)" = 100 ]'; ok "prompt: 100 services up" [ $? = 0 ]
pids=$(svstat sv3/* | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p')
cpu_before=$(cpu_ms "$scanner")
t0=$(now_ms)
kill -TERM "$scanner"
wait_until 30 ended prompt.stat; ok "prompt: the scanner exits" [ $? = 0 ]
elapsed=$(( $(now_ms) - t0 ))
result=$(sed -n 's/^exit //p' prompt.stat)
is "${result%% *}" 0 "prompt: exit code 0"
diag "stop of 100 services that exit on TERM: ${elapsed} ms, scanner CPU $(( ${result##* } - cpu_before )) ms"
# Nothing waits for the 10 s default deadline when everything is gone.
ok "prompt: well before the default 10 s deadline (${elapsed} ms)" [ "$elapsed" -lt 8000 ]
is "$(echo $pids | wc -w)" 100 "prompt: 100 service pids known before the stop"
left=$(for p in $pids; do alive "$p" && echo "$p"; done)
is "$left" "" "prompt: nothing left running"

done_testing
