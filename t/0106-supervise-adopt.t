#!/bin/sh
# A supervisor killed with -9 leaves its service running; the next
# supervisor on the dir adopts it instead of starting a second copy.
. "$(dirname "$0")/lib.sh"

mkservice svc "echo start \$\$ >> $T/starts; exec sleep 1000"
printf '#!/bin/sh\necho "$@" >> %s/finish-args\n' "$T" > svc/finish; chmod +x svc/finish
start vigil-supervise svc
first=$!
wait_until 5 is_up svc; ok "service up" [ $? = 0 ]
pid=$(svpid svc)
track "$pid"
kill -KILL "$first"
wait_until 5 dead "$first"; ok "first supervisor killed" [ $? = 0 ]
ok "its service keeps running" alive "$pid"

start vigil-supervise svc 2> adopt-stderr
wait_until 5 svok svc; ok "second supervisor running" [ $? = 0 ]
is "$(svpid svc)" "$pid" "it reports the same pid: adopted"
is "$(file_lines starts)" 1 "run was started once, not twice"
like "$(cat adopt-stderr)" 'adopting ./run' "it says it adopted the run"

svc -t svc
wait_until 5 pid_changed svc "$pid"; ok "after svc -t the adopted run is replaced" [ $? = 0 ]
ok "the adopted process is gone" dead "$pid"
wait_until 5 eval '[ "$(file_lines starts)" -ge 2 ]'
is "$(file_lines starts)" 2 "exactly one new start"
is "$(sed -n 1p finish-args)" "-1 0 svc" "finish of an adopted run: exit status unknown (-1 0)"
like "$(svstat svc)" 'up \(pid [0-9]+\) [0-9]+ seconds, normally up$' "restarted at once, not throttled"

# A recycled pid is not adopted: forge the start time in the status.
pid=$(svpid svc)
sup=$(last_started)
kill -KILL "$sup"
wait_until 5 dead "$sup"
# Bytes 44-51 hold the start time; zero them: no longer this process.
printf '\001\000\000\000\000\000\000\000' | dd of=svc/supervise/status bs=1 seek=44 conv=notrunc 2>/dev/null
start vigil-supervise svc
wait_until 5 pid_changed svc "$pid"; ok "a status whose start time does not match: not adopted, a new run starts" [ $? = 0 ]
kill -KILL "$pid"

done_testing
