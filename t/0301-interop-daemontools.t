#!/bin/sh
# Interop with Debian's daemontools, both ways: its svstat, svc and svok on a
# vigil-supervise'd dir, and our svstat, svc and svok on its supervise.
# The peers share our tools' names: theirs always by absolute path ($DT),
# ours always as $VIGIL_BIN/NAME.
. "$(dirname "$0")/lib.sh"

DT=${VIGIL_PEERS:-}/usr/bin
[ -n "${VIGIL_PEERS:-}" ] || skip_all "VIGIL_PEERS not set (sh .ci/deps test unpacks the peers)"
for prog in supervise svstat svc svok; do
  [ -x "$DT/$prog" ] || skip_all "daemontools' $prog not found in $DT (sh .ci/deps test unpacks it)"
done

# The pid of the last process started with start (or supervise).

# signalled WHO FILE LETTER SIGNAL CMD...: run CMD (WHO's svc -LETTER), then
# wait until the service recording to FILE logs one more line: SIGNAL.
signalled() {
  local who=$1 file=$2 letter=$3 signal=$4 before
  shift 4
  before=$(file_lines "$file")
  "$@"
  wait_until 30 eval '[ "$(file_lines "$file")" -gt "$before" ]'
  is "$(tail -n 1 "$file")" "$signal" "$who svc -$letter delivers $signal"
}

# --- daemontools' tools on a vigil supervisor ---------------------------

# A service that exits on TERM: svstat's up and down, svc -d and -u.
mkservice plain "exec sigrecord $T/plain.sig"
supervise plain
plain_sup=$(last_started)
wait_until 30 is_up plain; ok "vigil: plain service comes up" [ $? = 0 ]
pid=$(svpid plain)
wait_until 30 file_has plain.sig "start $pid"; ok "vigil: svstat's pid is the service's" [ $? = 0 ]

out=$("$DT/svstat" "$T/plain"); code=$?
is "$code" 0 "daemontools' svstat exits 0 on a vigil supervisor"
like "$out" "^$T/plain: up \\(pid $pid\\) [0-9]+ seconds\$" "daemontools' svstat: up with vigil's pid"

"$DT/svok" "$T/plain"; is "$?" 0 "daemontools' svok: 0 on a vigil supervisor"

"$VIGIL_BIN/svc" -d "$T/plain"
wait_until 30 dead "$pid"; ok "our svc -d stops the service" [ $? = 0 ]
wait_until 30 eval '"$DT/svstat" "$T/plain" | grep -q ": down "'
like "$("$DT/svstat" "$T/plain")" "^$T/plain: down [0-9]+ seconds, normally up\$" \
  "daemontools' svstat: down after our svc -d"

"$DT/svc" -u "$T/plain"; is "$?" 0 "daemontools' svc -u exits 0"
wait_until 30 is_up plain; ok "daemontools' svc -u starts the service under vigil" [ $? = 0 ]
pid=$(svpid plain)
wait_until 30 file_has plain.sig "start $pid"; ok "and it is a fresh run ($pid)" [ $? = 0 ]
like "$("$DT/svstat" "$T/plain")" "^$T/plain: up \\(pid $pid\\) " "daemontools' svstat sees the new pid"

"$DT/svc" -d "$T/plain"; is "$?" 0 "daemontools' svc -d exits 0"
wait_until 30 dead "$pid"; ok "daemontools' svc -d stops the service under vigil" [ $? = 0 ]
wait_until 30 is_down plain; ok "our svstat says down" [ $? = 0 ]
ok "the service got TERM from the down" eval 'sed -n "/^start $pid\$/,\$p" plain.sig | grep -qx TERM'
like "$("$VIGIL_BIN/svstat" "$T/plain")" "^$T/plain: down [0-9]+ seconds, normally up, exited 0\$" \
  "our svstat: down, not wanted up (daemontools' d set want down)"

# A service that stays through TERM: each signal letter, seen by the service.
mkservice sig "SIGRECORD_STAY=1 exec sigrecord $T/sig.sig"
supervise sig
wait_until 30 is_up sig; ok "vigil: signal-recording service comes up" [ $? = 0 ]
pid=$(svpid sig)
wait_until 30 file_has sig.sig "start $pid"; ok "sigrecord started ($pid)" [ $? = 0 ]

signalled "daemontools'" sig.sig h HUP "$DT/svc" -h "$T/sig"
signalled "daemontools'" sig.sig t TERM "$DT/svc" -t "$T/sig"
is "$(svpid sig)" "$pid" "the service survived TERM (same pid)"

"$DT/svc" -k "$T/sig"
wait_until 30 dead "$pid"; ok "daemontools' svc -k kills the service" [ $? = 0 ]
wait_until 30 pid_changed sig "$pid"; ok "and vigil restarts it (want up)" [ $? = 0 ]
like "$("$VIGIL_BIN/svstat" "$T/sig")" 'last killed by SIGKILL' "our svstat reports the KILL"
pid=$(svpid sig)
wait_until 30 file_has sig.sig "start $pid"; ok "restarted sigrecord started ($pid)" [ $? = 0 ]

before=$(file_lines sig.sig)
"$DT/svc" -d "$T/sig"
wait_until 30 eval '[ "$(file_lines sig.sig)" -ge $((before + 2)) ]'
is "$(tail -n 2 sig.sig | tr '\n' ' ')" "TERM CONT " "daemontools' svc -d sends TERM then CONT"
like "$("$DT/svstat" "$T/sig")" "^$T/sig: up \\(pid $pid\\) [0-9]+ seconds, want down\$" \
  "daemontools' svstat: want down while the service ignores TERM"
"$DT/svc" -k "$T/sig"
wait_until 30 dead "$pid"; ok "daemontools' svc -k ends it" [ $? = 0 ]
wait_until 30 is_down sig; ok "and it stays down" [ $? = 0 ]

# svok 100 once the vigil supervisor is gone.
"$VIGIL_BIN/svc" -dx "$T/plain"
wait_until 30 dead "$plain_sup"; ok "our svc -dx ends vigil-supervise" [ $? = 0 ]
"$DT/svok" "$T/plain"; is "$?" 100 "daemontools' svok: 100 when the vigil supervisor is gone"
like "$("$DT/svstat" "$T/plain" 2>&1)" "^$T/plain: supervise not running\$" \
  "daemontools' svstat: supervise not running"

# --- our tools on daemontools' supervise ---------------------------------

mkservice dt "SIGRECORD_STAY=1 exec sigrecord $T/dt.sig"
start "$DT/supervise" "$T/dt" > "$T/dt-supervise.log" 2>&1
dt_sup=$(last_started)
wait_until 30 "$VIGIL_BIN/svok" "$T/dt"; ok "our svok: 0 on daemontools' supervise" [ $? = 0 ]
wait_until 30 is_up dt; ok "our svstat: daemontools' service is up" [ $? = 0 ]
pid=$(svpid dt)
track "$pid"
wait_until 30 file_has dt.sig "start $pid"; ok "our svstat's pid is daemontools' service ($pid)" [ $? = 0 ]
is "$(wc -c < dt/supervise/status | tr -d ' ')" 18 "daemontools writes its 18-byte status"
like "$("$VIGIL_BIN/svstat" "$T/dt")" "^$T/dt: up \\(pid $pid\\) [0-9]+ seconds, normally up\$" \
  "our svstat: up with the pid, from the 18 bytes"

signalled our dt.sig h HUP "$VIGIL_BIN/svc" -h "$T/dt"
signalled our dt.sig t TERM "$VIGIL_BIN/svc" -t "$T/dt"
is "$(svpid dt)" "$pid" "the service survived TERM (same pid)"

before=$(file_lines dt.sig)
"$VIGIL_BIN/svc" -d "$T/dt"; is "$?" 0 "our svc -d exits 0 on daemontools' supervise"
wait_until 30 eval '[ "$(file_lines dt.sig)" -ge $((before + 2)) ]'
is "$(tail -n 2 dt.sig | tr '\n' ' ')" "TERM CONT " "our svc -d: daemontools' supervise sends TERM then CONT"
# daemontools' supervise signals first and writes its status after.
wait_until 30 eval '"$VIGIL_BIN/svstat" "$T/dt" | grep -q "want down"'
like "$("$VIGIL_BIN/svstat" "$T/dt")" "^$T/dt: up \\(pid $pid\\) .*, want down" "our svstat: want down"
"$VIGIL_BIN/svc" -k "$T/dt"
wait_until 30 dead "$pid"; ok "our svc -k kills daemontools' service" [ $? = 0 ]
wait_until 30 is_down dt; ok "our svstat: down" [ $? = 0 ]
like "$("$VIGIL_BIN/svstat" "$T/dt")" "^$T/dt: down [0-9]+ seconds, normally up\$" "our svstat: down line"

"$VIGIL_BIN/svc" -u "$T/dt"; is "$?" 0 "our svc -u exits 0 on daemontools' supervise"
wait_until 30 is_up dt; ok "our svc -u starts it again" [ $? = 0 ]
pid=$(svpid dt)
track "$pid"
wait_until 30 file_has dt.sig "start $pid"; ok "a fresh run ($pid)" [ $? = 0 ]

"$VIGIL_BIN/svc" -dx "$T/dt"
"$VIGIL_BIN/svc" -k "$T/dt"
wait_until 30 dead "$pid"; ok "our svc -dx, -k: the service ends" [ $? = 0 ]
wait_until 30 dead "$dt_sup"; ok "and daemontools' supervise exits" [ $? = 0 ]
"$VIGIL_BIN/svok" "$T/dt"; is "$?" 100 "our svok: 100 once daemontools' supervise is gone"
like "$("$VIGIL_BIN/svstat" "$T/dt")" "^$T/dt: supervisor not running\$" "our svstat: supervisor not running"
"$VIGIL_BIN/svc" -u "$T/dt" 2>/dev/null; ok "our svc fails with no supervisor" [ $? != 0 ]

done_testing
