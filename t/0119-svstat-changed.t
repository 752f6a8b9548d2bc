#!/bin/sh
# "changed since start" (issue 21): svstat, plain, -a and --json, flags a
# running service whose run, env/ (the dir or an entry) or user file was
# edited after its supervisor started it; svc -t starts it anew and the
# flag goes; nothing restarts by itself. A service edited while down, or
# a dir without env/ and user, is not flagged.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
mkservice sv/a "exec sleep 1000"
supervise sv/a
wait_until 30 is_up sv/a; ok "a is up" [ $? = 0 ]
pid=$(svpid sv/a)

flagged() { svstat "$1" 2>/dev/null | grep -q ', changed since start$'; }
not_flagged() { ! flagged "$1"; }
ok "fresh: svstat does not flag it" not_flagged sv/a
ok "fresh: nor svstat -a" sh -c "! SVDIR=$T/sv svstat -a | grep -q 'changed since start'"
like "$(svstat --json sv/a)" '"changed_since_start":false' "fresh: --json says false"

# A file's ctime comes from the kernel's coarse clock (a tick behind the
# supervisor's stamp at most): touch until it lands after the start.
edit_until_flagged() { wait_until 30 sh -c "$1; svstat $2 2>/dev/null | grep -q ', changed since start\$'"; }

edit_until_flagged "touch sv/a/run" sv/a; ok "run touched: svstat flags it" [ $? = 0 ]
like "$(SVDIR=$T/sv svstat -a)" 'changed since start' "svstat -a shows it in the STATUS column"
like "$(svstat --json sv/a)" '"changed_since_start":true' "--json says true"
is "$(svpid sv/a)" "$pid" "nothing restarted by itself"

svc -t sv/a
wait_until 30 pid_changed sv/a "$pid"; ok "svc -t restarts it" [ $? = 0 ]
ok "after svc -t: no flag" not_flagged sv/a
pid=$(svpid sv/a)

edit_until_flagged "mkdir -p sv/a/env" sv/a; ok "env/ made: flagged" [ $? = 0 ]
svc -t sv/a; wait_until 30 pid_changed sv/a "$pid"; pid=$(svpid sv/a)
ok "restarted: no flag" not_flagged sv/a
edit_until_flagged "echo x > sv/a/env/FOO" sv/a; ok "an env/ entry written: flagged" [ $? = 0 ]
svc -t sv/a; wait_until 30 pid_changed sv/a "$pid"; pid=$(svpid sv/a)
edit_until_flagged "echo y > sv/a/env/FOO" sv/a; ok "an env/ entry rewritten in place: flagged" [ $? = 0 ]
svc -t sv/a; wait_until 30 pid_changed sv/a "$pid"; pid=$(svpid sv/a)
edit_until_flagged "touch sv/a/user" sv/a; ok "user touched: flagged" [ $? = 0 ]

# Down: there is no start to compare with.
svc -d sv/a
wait_until 30 is_down sv/a; ok "a is down" [ $? = 0 ]
touch sv/a/run
ok "edited while down: not flagged" not_flagged sv/a
like "$(svstat --json sv/a)" '"changed_since_start":null' "--json says null when not running"
svc -u sv/a
wait_until 30 is_up sv/a
ok "started after the edit: not flagged" not_flagged sv/a

done_testing
