#!/bin/sh
# Every svc letter, seen from the service's side: sigrecord logs each signal.
. "$(dirname "$0")/lib.sh"

mkservice svc "SIGRECORD_STAY=1 exec sigrecord $T/signals"
supervise svc
wait_until 30 is_up svc; ok "service comes up" [ $? = 0 ]
pid=$(svpid svc)
wait_until 30 file_has signals "start $pid"; ok "run exec'd sigrecord" [ $? = 0 ]

# sent LETTER SIGNAL: svc -LETTER makes the service record SIGNAL.
sent() {
  before=$(file_lines signals)
  svc -"$1" svc
  wait_until 30 eval '[ "$(file_lines signals)" -gt "$before" ]'
  is "$(tail -n 1 signals)" "$2" "svc -$1 delivers $2"
}
sent h HUP
sent a ALRM
sent i INT
sent q QUIT
sent 1 USR1
sent 2 USR2
sent c CONT
sent t TERM
is "$(svpid svc)" "$pid" "with SIGRECORD_STAY the service survives TERM"

svc -p svc
stopped() { [ "$(sed 's/.*) \(.\).*/\1/' /proc/"$pid"/stat)" = T ]; }
wait_until 30 stopped; ok "svc -p stops the process" [ $? = 0 ]
like "$(svstat svc)" ', paused' "svstat says paused"
svc -c svc
wait_until 30 eval '! stopped'; ok "svc -c continues it" [ $? = 0 ]
wait_until 30 eval '! svstat svc | grep -q paused'; ok "svstat no longer says paused" [ $? = 0 ]

svc -k svc
wait_until 30 pid_changed svc "$pid"; ok "svc -k kills it and it is restarted" [ $? = 0 ]
like "$(svstat svc)" 'last killed by SIGKILL' "svstat reports the KILL"
pid=$(svpid svc)

# d sends TERM then CONT; the service (staying) records both and keeps running.
before=$(file_lines signals)
svc -d svc
wait_until 30 eval '[ "$(file_lines signals)" -ge $((before + 2)) ]'
is "$(tail -n 2 signals | tr '\n' ' ')" "TERM CONT " "svc -d sends TERM then CONT"
like "$(svstat svc)" 'want down' "svstat says want down while it ignores TERM"
svc -k svc
wait_until 30 is_down svc; ok "after KILL the service stays down" [ $? = 0 ]

# u brings it back; o runs once.
svc -u svc
wait_until 30 is_up svc; ok "svc -u starts it" [ $? = 0 ]
pid=$(svpid svc)
svc -o svc
svc -k svc
wait_until 30 is_down svc; ok "after svc -o, a death is not followed by a restart" [ $? = 0 ]
svc -o svc
wait_until 30 is_up svc; ok "svc -o on a down service starts it" [ $? = 0 ]

# x: exit once the service is down.
sup=$(echo $started_pids | awk '{print $1}')
# p after x, in the same write: once it shows, x was handled before it.
svc -xp svc
wait_until 30 eval 'svstat svc | grep -q paused'; ok "svc -xp: handled (paused shows)" [ $? = 0 ]
ok "svc -x alone does not stop a running service" is_up svc
ok "svc -x alone does not make the supervisor exit while the service runs" alive "$sup"
svc -k svc
wait_until 30 dead "$sup"; ok "after x, the supervisor exits when the service dies" [ $? = 0 ]

# Several letters at once, and the unknown ones.
mkservice multi "SIGRECORD_STAY=1 exec sigrecord $T/multi-signals"
supervise multi
wait_until 30 is_up multi
wait_until 30 eval 'grep -q "^start" multi-signals'
svc -h1 multi
wait_until 30 eval '[ "$(file_lines multi-signals)" -ge 3 ]'
is "$(tail -n 2 multi-signals | sort | tr '\n' ' ')" "HUP USR1 " "svc -h1 delivers both signals"
svc -z multi 2>/dev/null; is "$?" 100 "unknown letter: usage, exit 100"
printf 'ZZ\377\000\n?' > multi/supervise/control
svc -2 multi
# The fifo keeps order: USR2 arriving proves the garbage was read first.
wait_until 30 eval 'tail -n 1 multi-signals | grep -qx USR2'; ok "it still obeys commands after garbage" [ $? = 0 ]
ok "garbage on the control fifo leaves the supervisor running" svok multi

done_testing
