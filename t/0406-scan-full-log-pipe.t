#!/bin/sh
# A full log pipe (issue 19, pitfall 2), under a real vigil-scan: the logger
# paused (svc -p DIR/log) until the service blocks in write(2) on the full
# pipe, then some seconds more. Meanwhile the blocked service's supervisor,
# the logger's, and the scanner answer at once: svstat, svc -p/-c on the
# blocked service (its paused mark flips), a service added to the scan dir
# starts, another service goes down and up. After svc -c DIR/log, no line is
# lost or duplicated (seqwriter and linelog, as t/0403).
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

# Each answer must come well within this (seconds); the load of a CI
# machine with two CPU hogs is allowed for, a hang is not.
ANSWER_S=10
# How long the pipe stays full once the service is seen blocked (ms).
FULL_MS=${FULL_PIPE_MS:-3000}

mkdir sv
mkservice sv/gen "exec seqwriter $T/state"
mkservice sv/gen/log "exec linelog $T/gen.log"
mkservice sv/other "exec sleep 1000"
start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!
wait_until 30 is_up sv/gen && wait_until 30 is_up sv/gen/log && wait_until 30 is_up sv/other
ok "writer, logger and another service up" [ $? = 0 ]
log_size() { stat -c %s gen.log 2>/dev/null || echo 0; }
wait_until 30 eval '[ "$(log_size)" -gt 0 ]'; ok "lines reach the log" [ $? = 0 ]

# --- pause the logger until the writer blocks on the full pipe ---
writer=$(svpid sv/gen)
svc -p sv/gen/log
wait_until 30 eval 'svstat sv/gen/log | grep -q paused'; ok "svc -p: the logger is paused" [ $? = 0 ]
wait_until 60 blocked_writing "$writer"; ok "the writer blocks in write(2) on the full pipe" [ $? = 0 ]
next_of() { od -An -t u8 -N 8 state | tr -d ' '; }
stalled=$(next_of)
size=$(log_size)

# answered SECONDS CMD...: CMD succeeds within SECONDS (bounded by timeout).
answered() {
  local limit=$1; shift
  timeout -s KILL "$limit" "$@" >/dev/null 2>&1
}
flip_pause() {
  svc -p sv/gen && wait_until "$ANSWER_S" eval 'svstat sv/gen | grep -q ", paused"' &&
    svc -c sv/gen && wait_until "$ANSWER_S" eval '! svstat sv/gen | grep -q ", paused"'
}
other_cycle() {
  svc -d sv/other && wait_until "$ANSWER_S" is_down sv/other && svc -u sv/other && wait_until "$ANSWER_S" is_up sv/other
}
rounds=0 slow=0 worst=0
end=$(( $(now_ms) + FULL_MS ))
while [ "$(now_ms)" -lt "$end" ] || [ "$rounds" = 0 ]; do
  t0=$(now_ms)
  if answered "$ANSWER_S" svstat sv/gen sv/gen/log sv/other && flip_pause && other_cycle; then :; else slow=$((slow + 1)); fi
  dt=$(( $(now_ms) - t0 )); [ "$dt" -gt "$worst" ] && worst=$dt
  rounds=$((rounds + 1))
done
diag "$rounds rounds of svstat, svc -p/-c and svc -d/-u with the pipe full; the slowest took $worst ms"
is "$slow" 0 "with the pipe full, every svstat and svc was answered within ${ANSWER_S} s"
ok "the writer is still blocked (the pipe stayed full)" blocked_writing "$writer"
is "$(next_of)" "$stalled" "the writer made no progress meanwhile"
is "$(log_size)" "$size" "nothing reached the log meanwhile"
is "$(svpid sv/gen)" "$writer" "the writer was neither restarted nor replaced"
mkservice sv/.late "exec sleep 1000"
mv sv/.late sv/late
wait_until "$ANSWER_S" is_up sv/late; ok "the scanner starts a new service meanwhile" [ $? = 0 ]
like "$(svstat sv/gen/log)" 'up \(pid [0-9]+\) .*paused' "svstat of the paused logger answers"

# --- continue the logger: the writer resumes, nothing lost ---
svc -c sv/gen/log
wait_until 30 eval '[ "$(next_of)" -gt "$stalled" ]'; ok "svc -c: the writer resumes" [ $? = 0 ]
wait_until 30 eval '[ "$(log_size)" -gt "$size" ]'; ok "svc -c: lines reach the log again" [ $? = 0 ]
svc -d sv/gen
wait_until 30 is_down sv/gen; ok "the writer stopped" [ $? = 0 ]
kill -TERM "$scanner"
wait_until 30 dead "$scanner"; ok "scanner stopped, the logger drained the pipe" [ $? = 0 ]
verdict=$(seq_verdict state gen.log)
diag "$verdict (writer reached $(next_of); blocked at $stalled)"
like "$verdict" ' lost=0 duplicated=0 disordered=0 malformed=0' "every line exactly once, in order, across the full pipe"
ok "more lines than the pipe holds went through" [ "$(next_of)" -gt "$stalled" ]

done_testing
