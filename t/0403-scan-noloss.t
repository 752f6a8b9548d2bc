#!/bin/sh
# No line lost: a service writes numbered lines as fast as it can while it
# and its logger are restarted many times (svc -t, kill -9). The scanner
# holds both ends of the pipe, so restarts never sever it.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

log_size() { stat -c %s "$T/$1/gen.log" 2>/dev/null || echo 0; }
# A run killed younger than 1 s is a crash, and crashes back off: each side
# must live over a second (timed here: svstat's whole seconds are too coarse)
# so that every round restarts at once.
up_since_service=0
up_since_logger=0
settled() { [ $(( $(now_ms) - $1 )) -ge 1100 ]; }

# run_rounds NAME ROUNDS ACTION...: a scanner on $T/NAME with the writer and
# its logger; round i does ACTION number i modulo their count, where an
# ACTION is svc-t-service, kill-service, svc-t-logger or kill-logger. Then
# stops everything and sets $verdict.
run_rounds() {
  local name=$1 rounds=$2 i=0 progressed=0 scanner action size target next pid
  shift 2
  mkdir -p "$name/sv"
  mkservice "$name/sv/gen" "exec seqwriter $T/$name/state"
  mkservice "$name/sv/gen/log" "exec linelog $T/$name/gen.log"
  start vigil-scan "$T/$name/sv" > "$name/scan-stdout" 2> "$name/scan-stderr"
  scanner=$!
  wait_until 30 is_up "$name/sv/gen" && wait_until 30 is_up "$name/sv/gen/log"
  ok "$name: writer and logger up" [ $? = 0 ]
  while [ $i -lt "$rounds" ]; do
    wait_until 30 settled "$up_since_service" && wait_until 30 settled "$up_since_logger"
    eval "action=\${$((i % $# + 1))}"
    case $action in
      svc-t-service|kill-service) target=$name/sv/gen ;;
      svc-t-logger|kill-logger) target=$name/sv/gen/log ;;
    esac
    pid=$(svpid "$target")
    case $action in
      svc-t-*) svc -t "$target" ;;
      kill-*) kill -KILL "$pid" ;;
    esac
    size=$(log_size "$name")
    if wait_until 30 pid_changed "$target" "$pid" && wait_until 30 eval '[ "$(log_size "$name")" -gt "$size" ]'; then
      progressed=$((progressed + 1))
    else
      diag "round $i ($action): no progress: $(svstat "$name/sv/gen" "$name/sv/gen/log" | tr '\n' ' ')"
    fi
    case $target in
      */log) up_since_logger=$(now_ms) ;;
      *) up_since_service=$(now_ms) ;;
    esac
    i=$((i + 1))
  done
  is "$progressed" "$rounds" "$name: every restart was followed by progress"
  # Stop the writer, then the scanner: the logger drains the pipe to EOF.
  svc -d "$name/sv/gen"
  wait_until 30 is_down "$name/sv/gen"
  kill -TERM "$scanner"
  wait_until 20 dead "$scanner"; ok "$name: scanner stopped, logger drained" [ $? = 0 ]
  # Every number once, in order, but those in flight at a kill (seq_verdict).
  verdict=$(seq_verdict "$name/state" "$name/gen.log")
  next=$(od -An -t u8 -N 8 "$name/state" | tr -d ' ')
  diag "$name: $verdict (writer reached $next; $(wc -l < "$name/state.uncertain") numbers in flight at a kill)"
  rm -f "$name/gen.log"
}

run_rounds restarts "${NOLOSS_ROUNDS:-15}" svc-t-service kill-service svc-t-logger
like "$verdict" ' lost=0 duplicated=0 disordered=0 malformed=0' "service restarts and logger svc -t: every line exactly once, in order"

# kill -9 of the logger: it loses what it had read and not yet written, at
# most one read (64 KiB) per kill, and the line cut at each end of that
# hole may come out merged with another (counted as out of order or
# malformed). The pipe itself survives every kill: each round made progress.
kills=${NOLOSS_ROUNDS_KILL:-5}
run_rounds logger-kill "$kills" kill-logger
lost=$(echo "$verdict" | sed 's/.*lost=\([0-9]*\).*/\1/')
broken=$(echo "$verdict" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] ~ /duplicated|disordered|malformed/) s += kv[2] } } END { print s + 0 }')
ok "logger kill -9: at most one 64 KiB read lost per kill ($lost lines)" [ "$lost" -le $((kills * 65536 / 2)) ]
ok "logger kill -9: at most a few lines broken at the edges of each hole ($broken)" [ "$broken" -le $((kills * 4)) ]

done_testing
