#!/bin/sh
# No line lost by vigil-log: a service writes 1,000,000+ numbered lines into
# the scanner's pipe while its logger (vigil-log under vigil-supervise) is
# restarted with SIGTERM (svc -t) at random points of the stream, a dozen
# times; its log (archives then current) holds every number once, in order.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

TARGET=1000000
ROUNDS=${LOG_NOLOSS_ROUNDS:-12}

writer_next() { od -An -t u8 -N 8 "$T/state" 2>/dev/null | tr -d ' '; }
past() { [ "$(writer_next)" -ge "$1" ] 2>/dev/null; }
# random LOW HIGH: a number in [LOW, HIGH).
random() { echo $(( $1 + $(od -An -t u4 -N 4 /dev/urandom | tr -d ' ') % ($2 - $1) )); }
# A logger killed younger than 1 s is a crash, and crashes back off: each
# one must live over a second (timed here: svstat's whole seconds are too
# coarse) so that every round restarts at once.
lived() { [ $(( $(now_ms) - logger_since )) -ge "$1" ]; }

mkdir sv
mkservice sv/gen "exec seqwriter $T/state"
# Rotation across restarts too: -s 1000000 makes an archive every ~140000 lines.
mkservice sv/gen/log "exec vigil-log -s 1000000 -n 1000 $T/logs"
start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!
wait_until 30 is_up sv/gen && wait_until 30 is_up sv/gen/log
ok "writer and logger up" [ $? = 0 ]
svc -p sv/gen
logger_since=$(now_ms)

# Each round: the writer runs (svc -c) until it has written a random number
# of lines past the round's start, the logger is sent SIGTERM while the
# writer is writing, the new logger must take over (the writer goes on past
# what the pipe holds), and the writer is paused (svc -p) while the new
# logger ages past 1 s. The pauses keep the run near 1,000,000 lines.
step=$((TARGET / ROUNDS))
i=0
progressed=0
loggers=$(svpid sv/gen/log)
while [ $i -lt "$ROUNDS" ]; do
  wait_until 30 lived "$(random 1100 1500)"
  start_at=$(writer_next)
  svc -c sv/gen
  wait_until 30 past $((start_at + $(random 5000 $((step - 40000)))))
  pid=$(svpid sv/gen/log)
  svc -t sv/gen/log
  # 20000 lines (~130 kB) is more than the pipe holds: the new logger reads.
  killed_at=$(writer_next)
  if wait_until 30 pid_changed sv/gen/log "$pid" && wait_until 30 past $((killed_at + 20000)); then
    progressed=$((progressed + 1))
  else
    diag "round $i: no progress: $(svstat sv/gen sv/gen/log | tr '\n' ' ') writer at $(writer_next)"
  fi
  logger_since=$(now_ms)
  loggers="$loggers $(svpid sv/gen/log)"
  svc -p sv/gen
  i=$((i + 1))
done
is "$progressed" "$ROUNDS" "every SIGTERM of the logger was followed by a new logger and progress"
is "$(echo $loggers | tr ' ' '\n' | sort -u | wc -l | tr -d ' ')" $((ROUNDS + 1)) "$((ROUNDS + 1)) distinct loggers ran"

svc -c sv/gen
wait_until 30 past "$TARGET"
ok "the writer passed $TARGET lines" [ $? = 0 ]
# Stop the writer, then the scanner: the logger drains the pipe to EOF.
svc -d sv/gen
wait_until 30 is_down sv/gen
ok "writer down" [ $? = 0 ]
kill -TERM "$scanner"
wait_until 20 dead "$scanner"
ok "scanner stopped, logger drained" [ $? = 0 ]

# Every number below the writer's next once, in order; next itself may be
# there if svc -d killed the writer with that write in flight.
next=$(writer_next)
writing=$(od -An -t u8 -j 8 -N 8 state | tr -d ' ')
ls logs | grep -E '^@[0-9a-f]{24}\.s$' > archives
diag "writer reached $next (writing=$writing); $(wc -l < archives) archives"
ok "the log rotated across restarts ($(wc -l < archives) archives)" [ "$(wc -l < archives)" -ge 5 ]
verdict=$( (cd logs && cat $(cat ../archives) current) | awk -v next_n="$next" -v writing="$writing" '
  $0 !~ /^[0-9]+$/ { bad++; next }
  { n = $1 + 0
    if (n < expected) duplicated++
    else if (n > expected) lost += n - expected
    if (n >= expected) expected = n + 1
    count++ }
  END { if (expected < next_n) lost += next_n - expected
        if (expected > next_n + (writing == 1)) extra = expected - next_n
        printf "lines=%d lost=%d duplicated=%d beyond=%d malformed=%d", count, lost, duplicated, extra, bad }')
diag "$verdict"
like "$verdict" " lost=0 duplicated=0 beyond=0 malformed=0" "every line exactly once, in order, across $ROUNDS SIGTERM restarts"
ok "no logger complained on stderr" eval '! grep -q vigil-log scan-stderr'
grep vigil-log scan-stderr | head -n 5 | sed 's/^/# /' >&2

done_testing
