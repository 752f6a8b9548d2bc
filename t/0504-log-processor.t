#!/bin/sh
# vigil-log -r: a processor on each rotated file, multilog's protocol
# (previous -> processor -> processed -> @TAI64N.s, state on fd 4, newstate
# on fd 5), its retries, a previous left by an earlier logger, and SIGTERM
# waiting for a running processor.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

# --- gzip each archive, count rotations in state ---------------------------
seq 1 100000 > in
timeout 20 vigil-log -s 100000 -n 100 -r 'gzip -c && n=$(cat <&4) && echo $((${n:-0} + 1)) >&5' gz < in 2> gz.err
is "$?" 0 "gzip processor: exit 0 at EOF"
count=$(archives gz | wc -l)
ok "gzip processor: several archives ($count)" [ "$count" -gt 3 ]
(cd gz && for f in $(archives .); do gzip -dc "$f"; done; cat current) > gz.out
ok "gzip processor: the gunzipped archives then current are exactly the input" cmp -s in gz.out
is "$(cat gz/state)" "$count" "state: what the processor wrote on fd 5 comes back on fd 4 next time"
left=$(ls gz | grep -cE '^(previous|processed|newstate)$')
is "$left" 0 "no previous, processed or newstate left"
bad=$(cd gz && for f in $(archives .); do [ "$(stat -c %a "$f")" = 744 ] || echo "$f"; done)
is "$bad" "" "every archive is mode 0744"
is "$(cat gz.err)" "" "nothing on stderr"

# --- a processor that fails once is run again -------------------------------
seq 1 3000 > small.in
mkfifo more
{ cat small.in; read x < "$T/more"; } | vigil-log -s 10000 -n 100 -r "if [ ! -e $T/failed-once ]; then : > $T/failed-once; exit 1; fi; cat" retry 2> retry.err &
logger=$!
track "$logger"
wait_until 30 eval 'ls retry 2>/dev/null | grep -q "^@"'; ok "failing processor: run again, it makes the archive" [ $? = 0 ]
echo done > more
wait_until 30 dead "$logger"; ok "failing processor: the logger exits at EOF" [ $? = 0 ]
like "$(cat retry.err)" 'processor failed on .*previous: running it again in 1000 ms' "failing processor: a warning says it runs again"
log_cat retry > retry.out
ok "failing processor: nothing lost, nothing twice" cmp -s small.in retry.out

# --- stopped while the processor waits to retry: previous is left, and the
# next logger processes it ----------------------------------------------------
timeout 20 vigil-log -s 10000 -n 100 -r 'exit 1' later < small.in 2> /dev/null
is "$?" 0 "processor always failing: the logger still exits 0 at EOF"
ok "and leaves previous" [ -e later/previous ]
(cd later && cat previous current) > later.out
ok "previous and current hold the input" cmp -s small.in later.out
timeout 20 vigil-log -s 10000 -n 100 -r cat later < /dev/null
log_cat later > later2.out
ok "the next logger, with a working processor, makes previous an archive" cmp -s small.in later2.out

# --- a previous left by an earlier logger is processed at start ------------
mkdir left
printf 'old line\n' > left/previous
timeout 10 vigil-log -r 'sed s/^/processed:/' left < /dev/null
is "$?" 0 "previous at start: exit 0"
is "$(cat left/@*.s 2>/dev/null)" "processed:old line" "previous at start: processed into an archive"
ok "previous at start: previous is gone" [ ! -e left/previous ]

# --- SIGTERM waits for a running processor ---------------------------------
mkfifo feed gate
# Held read-write here, so opening it blocks neither this shell nor the logger.
exec 3<> feed
start_in feed vigil-log -s 1000 -l 100 -r "cat; : > $T/proc-started; read x < $T/gate" held 3>&-
logger=$!
seq 1 300 >&3
wait_until 30 test -e proc-started; ok "slow processor: started on the first rotation" [ $? = 0 ]
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat; }
before=$(ticks "$logger")
kill -TERM "$logger"
wait_until 1 dead "$logger" && gone=1 || gone=0
is "$gone" 0 "SIGTERM: the logger waits while the processor runs"
after=$(ticks "$logger")
ok "and does not spin meanwhile ($before -> $after ticks)" [ $((after - before)) -lt 20 ]
echo go > gate
wait_until 30 dead "$logger"; ok "once the processor ends, the logger exits" [ $? = 0 ]
reap "$logger"; is "$?" 0 "with code 0"
exec 3>&-
log_cat held > held.out
seq 1 300 > held.in
ok "slow processor: every line is in an archive or current" cmp -s held.in held.out

done_testing
