#!/bin/sh
# Starting, restarting, the throttle and back-off, ./finish, ./down,
# down-signal, timeout-kill and timeout-finish.
. "$(dirname "$0")/lib.sh"


# --- a long-lived service restarts at once after kill -9 ---
mkservice long 'exec sleep 1000'
supervise long
wait_until 30 is_up long; ok "service comes up" [ $? = 0 ]
like "$(svstat long)" 'normally up' "no down file: normally up"
pid=$(svpid long)
kill -KILL "$pid"
wait_until 30 pid_changed long "$pid"; ok "restarted after kill -9" [ $? = 0 ]
like "$(svstat long)" 'last killed by SIGKILL' "svstat reports how the last run died"

# --- a run that dies at once is throttled to one start a second ---
mkservice crash "echo \$(( \$(date +%s%N) / 1000000 )) >> $T/crash-starts; exit 3"
supervise crash
wait_until 30 eval '[ "$(file_lines crash-starts)" -ge 3 ]'; ok "crashing service is restarted" [ $? = 0 ]
like "$(svstat crash)" 'exited 3' "svstat reports exit code 3"
gaps_ok=1
prev=
for t in $(head -n 3 crash-starts); do
  # Each stamp includes that run's own start-up, but the restart is timed
  # from the spawn: a slow start-up shortens the gap that follows. Leave
  # room for one (no throttle at all would give gaps of a few ms).
  [ -n "$prev" ] && [ $((t - prev)) -lt 500 ] && gaps_ok=0
  prev=$t
done
is "$gaps_ok" 1 "starts of a crashing run are at least ~1 s apart"
# After RESTART_FREE_CRASHES (3) quick deaths the delay doubles: the gap
# between the 4th and 5th start is about 2 s (1 s without the doubling;
# a slow start-up of the 4th shortens it: room for 700 ms of it).
wait_until 15 eval '[ "$(file_lines crash-starts)" -ge 5 ]'; ok "still restarted after several crashes" [ $? = 0 ]
gap=$(( $(sed -n 5p crash-starts) - $(sed -n 4p crash-starts) ))
ok "back-off: 5th start waits about 2 s after the 4th (gap ${gap} ms)" [ "$gap" -ge 1300 ]
wait_until 30 eval 'svstat crash | grep -q "dying too fast"'; ok "svstat says the restart is delayed" [ $? = 0 ]
n=$(file_lines crash-starts)
svc -u crash
wait_until 30 eval '[ "$(file_lines crash-starts)" -gt $n ]'; ok "svc -u starts a throttled service at once" [ $? = 0 ]
svc -d crash

# --- ./finish gets s6's arguments: exit code (256 if killed), signal, dir ---
mkdir fin
printf '#!/bin/sh\nread x < %s/go\nexit 7\n' "$T" > fin/run; chmod +x fin/run
printf '#!/bin/sh\necho "$@" >> %s/finish-args\n' "$T" > fin/finish; chmod +x fin/finish
mkfifo go
supervise fin
wait_until 30 is_up fin
echo > go
wait_until 30 eval '[ "$(file_lines finish-args)" -ge 1 ]'
is "$(sed -n 1p finish-args)" "7 0 fin" "finish after exit 7: '7 0 fin'"
wait_until 30 is_up fin
kill -KILL "$(svpid fin)"
wait_until 30 eval '[ "$(file_lines finish-args)" -ge 2 ]'
is "$(sed -n 2p finish-args)" "256 9 fin" "finish after SIGKILL: '256 9 fin'"
svc -d fin
wait_until 30 eval 'svstat fin | grep -q ": down "'

# --- ./finish exiting 125 means: do not restart ---
mkservice stop125 "echo run >> $T/stop125-runs; exit 0"
printf '#!/bin/sh\nexit 125\n' > stop125/finish; chmod +x stop125/finish
supervise stop125
wait_until 30 eval 'svstat stop125 | grep -q "finish exited 125"'; ok "finish 125: svstat says not restarting" [ $? = 0 ]
like "$(svstat stop125)" ': down .*normally up' "finish 125: the service stays down"
is "$(file_lines stop125-runs)" 1 "finish 125: run ran once"

# --- timeout-finish: a finish that hangs is killed ---
mkservice hangfin "echo run >> $T/hangfin-runs; exit 0"
printf '#!/bin/sh\nexec sleep 1000\n' > hangfin/finish; chmod +x hangfin/finish
echo 200 > hangfin/timeout-finish
supervise hangfin
wait_until 30 eval '[ "$(file_lines hangfin-runs)" -ge 2 ]'; ok "a hanging finish is killed after timeout-finish and run restarts" [ $? = 0 ]
svc -d hangfin

# --- ./down: starts down; svc -u starts it ---
mkservice downsvc 'exec sleep 1000'
touch downsvc/down
supervise downsvc
wait_until 30 eval '[ -f downsvc/supervise/status ]'
like "$(svstat downsvc)" ': down .*normally down' "with ./down the service starts down"
svc -u downsvc
wait_until 30 is_up downsvc; ok "svc -u starts a normally-down service" [ $? = 0 ]
like "$(svstat downsvc)" 'normally down' "svstat still says normally down"

# --- down-signal and timeout-kill ---
mkservice sig "SIGRECORD_STAY=1 exec sigrecord $T/sig-signals"
echo USR1 > sig/down-signal
supervise sig
wait_until 30 is_up sig
wait_until 30 eval 'grep -q start sig-signals'
svc -d sig
wait_until 30 eval 'grep -q CONT sig-signals'
is "$(grep -v start sig-signals | tr '\n' ' ')" "USR1 CONT " "down-signal USR1: svc -d sends USR1 then CONT"
svc -k sig

mkservice stubborn "SIGRECORD_STAY=1 exec sigrecord $T/stubborn-signals"
echo 300 > stubborn/timeout-kill
supervise stubborn
wait_until 30 is_up stubborn
wait_until 30 eval 'grep -q "^start" stubborn-signals'
t0=$(now_ms)
svc -d stubborn
wait_until 30 is_down stubborn; ok "timeout-kill: a service ignoring TERM is killed" [ $? = 0 ]
like "$(svstat stubborn)" 'killed by SIGKILL' "timeout-kill: it died of SIGKILL"
ok "timeout-kill: not killed before the timeout" [ $(( $(now_ms) - t0 )) -ge 250 ]

done_testing
