#!/bin/sh
# Interop with Debian's runit, both ways: its sv status|up|down on a
# vigil-supervise'd dir, and our svstat, svc and svok on its runsv.
# Peers by absolute path ($RUNIT); ours always as $VIGIL_BIN/NAME. sv wants a
# path with a slash, so every dir is given as $T/NAME.
. "$(dirname "$0")/lib.sh"

RUNIT=${VIGIL_PEERS:-}/usr/bin
[ -n "${VIGIL_PEERS:-}" ] || skip_all "VIGIL_PEERS not set (sh .ci/deps test unpacks the peers)"
for prog in runsv sv; do
  [ -x "$RUNIT/$prog" ] || skip_all "runit's $prog not found in $RUNIT (sh .ci/deps test unpacks it)"
done
SV=$RUNIT/sv

# The pid of the last process started with start (or supervise).

# started FILE PID: FILE (a sigrecord log) records that PID started.
started() { file_has "$1" "start $2"; }

# --- runit's sv on a vigil supervisor -----------------------------------

# sigrecord without SIGRECORD_STAY exits on TERM: sv down really stops it.
mkservice ours "exec sigrecord $T/ours.sig"
supervise ours
ours_sup=$(last_started)
wait_until 30 is_up ours; ok "vigil: service comes up" [ $? = 0 ]
pid=$(svpid ours)
wait_until 30 started ours.sig "$pid"; ok "vigil: svstat's pid is the service's ($pid)" [ $? = 0 ]

out=$("$SV" status "$T/ours"); code=$?
is "$code" 0 "sv status exits 0 on a vigil supervisor"
like "$out" "^run: $T/ours: \\(pid $pid\\) [0-9]+s\$" "sv status: run with vigil's pid"

out=$("$SV" down "$T/ours"); code=$?
is "$code" 0 "sv down exits 0"
wait_until 30 dead "$pid"; ok "sv down stops the service under vigil" [ $? = 0 ]
wait_until 30 is_down ours; ok "our svstat: down" [ $? = 0 ]
like "$("$VIGIL_BIN/svstat" "$T/ours")" "^$T/ours: down [0-9]+ seconds, normally up, exited 0\$" \
  "our svstat: down and not wanted up (sv's d set want down)"
out=$("$SV" status "$T/ours"); code=$?
is "$code" 0 "sv status exits 0 on a down service"
like "$out" "^down: $T/ours: [0-9]+s, normally up\$" "sv status: down"

out=$("$SV" up "$T/ours"); code=$?
is "$code" 0 "sv up exits 0"
wait_until 30 is_up ours; ok "sv up starts the service under vigil" [ $? = 0 ]
pid=$(svpid ours)
wait_until 30 started ours.sig "$pid"; ok "a fresh run ($pid)" [ $? = 0 ]
like "$("$SV" status "$T/ours")" "^run: $T/ours: \\(pid $pid\\) [0-9]+s" "sv status: run with the new pid"

# sv -w waits by reading our status: it must see the change it asked for.
out=$("$SV" -w 30 down "$T/ours"); code=$?
is "$code" 0 "sv -w 30 down: sees the service down in our status"
like "$out" "^ok: down: $T/ours: " "sv -w 30 down says ok: down"
ok "the service is gone when sv -w down returns" dead "$pid"
out=$("$SV" -w 30 up "$T/ours"); code=$?
is "$code" 0 "sv -w 30 up: sees the service up in our status"
like "$out" "^ok: run: $T/ours: \\(pid [0-9]+\\)" "sv -w 30 up says ok: run"
pid=$(svpid ours)
ok "our svstat agrees it is up" [ -n "$pid" ]
like "$out" "\\(pid $pid\\)" "sv -w up reports vigil's pid"

# No supervisor: never had one, and one that has exited.
mkservice nosup "exec sigrecord $T/nosup.sig"
out=$("$SV" status "$T/nosup" 2>&1); code=$?
ok "sv status of a never-supervised dir exits nonzero" [ "$code" != 0 ]
like "$out" "^warning: $T/nosup: unable to open supervise/ok" "and says there is no supervisor"

"$VIGIL_BIN/svc" -dx "$T/ours"
wait_until 30 dead "$pid"; ok "our svc -dx: the service ends" [ $? = 0 ]
wait_until 30 dead "$ours_sup"; ok "and vigil-supervise exits" [ $? = 0 ]
out=$("$SV" status "$T/ours" 2>&1); code=$?
ok "sv status exits nonzero once the vigil supervisor is gone" [ "$code" != 0 ]
like "$out" "^fail: $T/ours: runsv not running\$" "sv status: runsv not running"

# --- our tools on runit's runsv ------------------------------------------

mkservice rs "exec sigrecord $T/rs.sig"
start "$RUNIT/runsv" "$T/rs" > "$T/runsv.log" 2>&1
rs_sup=$(last_started)
wait_until 30 "$VIGIL_BIN/svok" "$T/rs"; ok "our svok: 0 on runsv" [ $? = 0 ]
wait_until 30 is_up rs; ok "our svstat: runsv's service is up" [ $? = 0 ]
pid=$(svpid rs)
track "$pid"
wait_until 30 started rs.sig "$pid"; ok "our svstat's pid is runsv's service ($pid)" [ $? = 0 ]
is "$(wc -c < rs/supervise/status | tr -d ' ')" 20 "runsv writes its 20-byte status"
like "$("$VIGIL_BIN/svstat" "$T/rs")" "^$T/rs: up \\(pid $pid\\) [0-9]+ seconds, normally up\$" \
  "our svstat: up with the pid, from the 20 bytes"

before=$(file_lines rs.sig)
"$VIGIL_BIN/svc" -h "$T/rs"; is "$?" 0 "our svc -h exits 0 on runsv"
wait_until 30 eval '[ "$(file_lines rs.sig)" -gt "$before" ]'
is "$(tail -n 1 rs.sig)" HUP "our svc -h: runsv delivers HUP"

"$VIGIL_BIN/svc" -t "$T/rs"; is "$?" 0 "our svc -t exits 0 on runsv"
wait_until 30 dead "$pid"; ok "our svc -t: the service gets TERM and exits" [ $? = 0 ]
ok "it recorded TERM" eval 'sed -n "/^start $pid\$/,\$p" rs.sig | grep -qx TERM'
wait_until 30 pid_changed rs "$pid"; ok "runsv restarts it (want up)" [ $? = 0 ]
pid=$(svpid rs)
track "$pid"
wait_until 30 started rs.sig "$pid"; ok "a fresh run ($pid)" [ $? = 0 ]

"$VIGIL_BIN/svc" -d "$T/rs"; is "$?" 0 "our svc -d exits 0 on runsv"
wait_until 30 dead "$pid"; ok "our svc -d stops runsv's service" [ $? = 0 ]
wait_until 30 is_down rs; ok "our svstat: down" [ $? = 0 ]
like "$("$VIGIL_BIN/svstat" "$T/rs")" "^$T/rs: down [0-9]+ seconds, normally up\$" "our svstat: down line, from the 20 bytes"

"$VIGIL_BIN/svc" -u "$T/rs"; is "$?" 0 "our svc -u exits 0 on runsv"
wait_until 30 is_up rs; ok "our svc -u starts it again" [ $? = 0 ]
pid=$(svpid rs)
track "$pid"
wait_until 30 started rs.sig "$pid"; ok "a fresh run ($pid)" [ $? = 0 ]
like "$("$VIGIL_BIN/svstat" "$T/rs")" "^$T/rs: up \\(pid $pid\\) " "our svstat: up with the new pid"

"$VIGIL_BIN/svok" "$T/rs"; is "$?" 0 "our svok: still 0"
"$VIGIL_BIN/svc" -dx "$T/rs"
wait_until 30 dead "$pid"; ok "our svc -dx: the service ends" [ $? = 0 ]
wait_until 30 dead "$rs_sup"; ok "and runsv exits" [ $? = 0 ]
"$VIGIL_BIN/svok" "$T/rs"; is "$?" 100 "our svok: 100 once runsv is gone"
like "$("$VIGIL_BIN/svstat" "$T/rs")" "^$T/rs: supervisor not running\$" "our svstat: supervisor not running"

done_testing
