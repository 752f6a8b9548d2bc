#!/bin/sh
# A supervisor killed with -9 leaves its service running; the next
# supervisor on the dir adopts it instead of starting a second copy.
. "$(dirname "$0")/lib.sh"

mkservice svc "echo start \$\$ >> $T/starts; exec sleep 1000"
printf '#!/bin/sh\necho "$@" >> %s/finish-args\n' "$T" > svc/finish; chmod +x svc/finish
start vigil-supervise svc
first=$!
wait_until 30 is_up svc; ok "service up" [ $? = 0 ]
pid=$(svpid svc)
track "$pid"
kill -KILL "$first"
wait_until 30 dead "$first"; ok "first supervisor killed" [ $? = 0 ]
ok "its service keeps running" alive "$pid"

start vigil-supervise svc 2> adopt-stderr
wait_until 30 svok svc; ok "second supervisor running" [ $? = 0 ]
is "$(svpid svc)" "$pid" "it reports the same pid: adopted"
is "$(file_lines starts)" 1 "run was started once, not twice"
like "$(cat adopt-stderr)" 'adopting ./run' "it says it adopted the run"

svc -t svc
wait_until 30 pid_changed svc "$pid"; ok "after svc -t the adopted run is replaced" [ $? = 0 ]
ok "the adopted process is gone" dead "$pid"
wait_until 30 eval '[ "$(file_lines starts)" -ge 2 ]'
is "$(file_lines starts)" 2 "exactly one new start"
is "$(sed -n 1p finish-args)" "-1 0 svc" "finish of an adopted run: exit status unknown (-1 0)"
like "$(svstat svc)" 'up \(pid [0-9]+\) [0-9]+ seconds, normally up$' "restarted at once, not throttled"

# A recycled pid is not adopted: forge the start time in the status.
pid=$(svpid svc)
sup=$(last_started)
kill -KILL "$sup"
wait_until 30 dead "$sup"
# Bytes 44-51 hold the start time; zero them: no longer this process.
printf '\001\000\000\000\000\000\000\000' | dd of=svc/supervise/status bs=1 seek=44 conv=notrunc 2>/dev/null
start vigil-supervise svc
wait_until 30 pid_changed svc "$pid"; ok "a status whose start time does not match: not adopted, a new run starts" [ $? = 0 ]
kill -KILL "$pid"

# --- want and paused survive the supervisor's replacement ---
# Right after svok the first decision is written: started or not.
mkservice keep "exec sleep 1000"
supervise keep
sup=$(last_started)
wait_until 30 is_up keep
track "$(svpid keep)"
svc -d keep
wait_until 30 is_down keep; ok "svc -d: down" [ $? = 0 ]
kill -KILL "$sup"
wait_until 30 dead "$sup"
supervise keep
ok "svc -d, supervisor killed -9, a new one: the service stays down" is_down keep
sup=$(last_started)
kill -USR1 "$sup"
wait_until 30 dead "$sup"; ok "SIGUSR1: the supervisor hands over and exits" [ $? = 0 ]
supervise keep
ok "svc -d, then a hand-over (SIGUSR1) to a new supervisor: stays down" is_down keep
sup=$(last_started)
svc -u keep
wait_until 30 is_up keep
track "$(svpid keep)"
kill -USR1 "$sup"
wait_until 30 dead "$sup"
supervise keep
ok "svc -u, then a hand-over: up again under the successor" is_up keep
sup=$(last_started)
svc -dx keep
wait_until 30 dead "$sup"; ok "svc -dx: the supervisor exits" [ $? = 0 ]
supervise keep
wait_until 30 is_up keep; ok "after an exit asked for (x), ./down decides: none, so up" [ $? = 0 ]
track "$(svpid keep)"

is_stopped() { [ "$(sed 's/.*) \(.\).*/\1/' /proc/"$1"/stat 2>/dev/null)" = T ]; }
mkservice pause "exec sleep 1000"
supervise pause
sup=$(last_started)
wait_until 30 is_up pause
pid=$(svpid pause)
track "$pid"
svc -p pause
wait_until 30 is_stopped "$pid"; ok "svc -p: the run is stopped" [ $? = 0 ]
kill -KILL "$sup"
wait_until 30 dead "$sup"
supervise pause
like "$(svstat pause)" "up \(pid $pid\).*, paused" "svc -p, supervisor killed -9, a new one adopts: svstat shows paused"
svc -c pause
wait_until 30 eval "! is_stopped $pid"; ok "svc -c to the adopted run (through its pidfd): it runs again" [ $? = 0 ]
wait_until 30 eval '! svstat pause | grep -q paused'; ok "and svstat no longer says paused" [ $? = 0 ]

done_testing
