#!/bin/sh
# Oneshots (s6-rc's names): a dir with an executable ./up and no ./run.
# ./up runs once per transition to up; exit 0 is up and ready with no
# process left; a failure is "up failed", retried only by svc -u; ./down
# runs on the way down (svc -d, a stop); svc, svok, svstat, svwait treat
# it as any service, and needs/ can name it.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
mkdir sv/mount sv/broken
# ./up takes a while: a service that needs it must not start meanwhile.
printf '#!/bin/sh\nsleep 0.3\necho up >> %s/mount.log\n' "$T" > sv/mount/up
printf '#!/bin/sh\necho down >> %s/mount.log\n' "$T" > sv/mount/down
printf '#!/bin/sh\necho try >> %s/broken.log\nexit 4\n' "$T" > sv/broken/up
chmod +x sv/mount/up sv/mount/down sv/broken/up
# web needs the oneshot; late needs the broken one.
mkservice sv/web "if [ -s $T/mount.log ]; then echo after > $T/web.start; else echo before > $T/web.start; fi
trap 'echo web >> $T/downs; exit 0' TERM; sleep 1000 & wait"
mkdir sv/web/needs && : > sv/web/needs/mount
mkservice sv/late "echo started >> $T/late.log; exec sleep 1000"
mkdir sv/late/needs && : > sv/late/needs/broken

start vigil-scan -g 200 "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!

# --- up: once, no process ---
wait_until 30 eval 'svstat sv/mount | grep -q "up (oneshot)"'; ok "./up exits 0: svstat says up (oneshot)" [ $? = 0 ]
like "$(svstat sv/mount)" "ready" "and ready"
is "$(cat mount.log)" "up" "./up ran once"
ok "svok: supervised" svok sv/mount
ok "svwait -u: up" svwait -u -t 5000 sv/mount
ok "svwait -R: ready" svwait -R -t 5000 sv/mount
sup=$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "mount" { print $1 }')
ok "its supervisor is found" [ -n "$sup" ]
is "$(ps -o pid= --ppid "$sup" | wc -l)" 0 "no process is left running for it"
wait_until 30 is_up sv/web; ok "a service that needs it starts" [ $? = 0 ]
wait_until 10 test -s web.start
is "$(cat web.start)" after "only once ./up has exited (a oneshot running ./up is not ready)"
svc -u sv/mount
ok "svc -u while up: nothing runs again" svwait -u -t 1000 sv/mount
is "$(cat mount.log)" "up" "still one ./up"

# --- down, and up again ---
svc -d sv/mount
wait_until 30 is_down sv/mount; ok "svc -d: down" [ $? = 0 ]
is "$(tr '\n' ' ' < mount.log)" "up down " "./down ran once"
svc -u sv/mount
wait_until 30 eval 'svstat sv/mount | grep -q "up (oneshot)"'; ok "svc -u: up again" [ $? = 0 ]
is "$(tr '\n' ' ' < mount.log)" "up down up " "./up ran again"

# --- its supervisor killed: the next one takes it as up, ./up not run again ---
sup=$(ps -o pid= -o args= --ppid "$scanner" | awk '$NF == "mount" { print $1 }')
ok "its supervisor is found again" [ -n "$sup" ]
kill -KILL "${sup:-0}"
wait_until 30 eval 'new=$(ps -o pid= -o args= --ppid "$scanner" | awk "\$NF == \"mount\" { print \$1 }"); [ -n "$new" ] && [ "$new" != "$sup" ] && svok sv/mount'
ok "a new supervisor serves it" [ $? = 0 ]
like "$(svstat sv/mount)" "up \(oneshot\)" "it says up (oneshot) at once, not ./up running"
ok "svwait -R: still ready" svwait -R -t 5000 sv/mount
is "$(tr '\n' ' ' < mount.log)" "up down up " "./up did not run again"

# --- a failing ./up ---
wait_until 30 eval 'svstat sv/broken | grep -q "up failed"'; ok "./up exits 4: up failed" [ $? = 0 ]
like "$(svstat sv/broken)" "exited 4" "svstat gives its exit code"
svwait -u -F -t 5000 sv/broken 2> err; code=$?
ok "svwait -u -F: cannot start (exit $code)" [ "$code" != 0 ] && [ "$code" != 99 ]
like "$(cat err)" "up failed" "svwait says why"
svwait -u -t 1500 sv/broken; is "$?" 99 "not retried by itself"
is "$(wc -l < broken.log)" 1 "./up ran once"
ok "a service that needs it waits" wait_until 30 eval 'svstat sv/late | grep -q "waiting for broken"'
ok "and never started" [ ! -e late.log ]
svc -u sv/broken
wait_until 30 eval '[ "$(wc -l < broken.log)" = 2 ]'; ok "svc -u tries again" [ $? = 0 ]

# --- the stop: web first, then the oneshot's ./down ---
kill -TERM "$scanner"
wait_until 60 dead "$scanner"; ok "the scanner stops" [ $? = 0 ]
is "$(tr '\n' ' ' < mount.log)" "up down up down " "the stop runs ./down"
ok "web was down before" [ -s downs ]

done_testing
