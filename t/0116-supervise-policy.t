#!/bin/sh
# restart (always | on-failure | never) and give-up (N T), under a real
# vigil-supervise: a run that ends by itself is started again or not as
# the dir says; after N deaths within T seconds the supervisor gives up
# (svstat: failed, gave up after N deaths in T s; svstat -a: failed) and
# svc -u tries again. Bad contents are warned and the service runs as
# without the file.
. "$(dirname "$0")/lib.sh"

# runner EXIT: a run that counts its starts in ./starts and exits EXIT.
runner() { echo "echo x >> starts; exit $1"; }
starts() { file_lines "$1/starts"; }
started() { [ "$(starts "$1")" -ge "$2" ]; }
supervise_err() { start vigil-supervise "$1" 2> "$1.err"; wait_until 30 svok "$1"; }

# --- restart never: a failure is not restarted, down with its exit code ---
mkservice never "$(runner 3)"
echo never > never/restart
supervise_err never
wait_until 30 eval 'svstat never | grep -q "not restarted"'
ok "never: svstat says not restarted" [ $? = 0 ]
like "$(svstat never)" ': down [0-9]+ seconds, normally up, exited 3, not restarted$' "never: down, the exit code, not restarted"
is "$(starts never)" 1 "never: ./run started once"
like "$(SVDIR=$T timeout 30 svstat -a | grep '^never ')" '^never +down' "never: svstat -a says down"
svc -u never
wait_until 30 started never 2; ok "never: svc -u starts it again" [ $? = 0 ]

# --- restart on-failure: exit 0 ends it, exit 1 restarts ---
mkservice onfail "$(runner '$(cat code)')"
echo 0 > onfail/code
echo on-failure > onfail/restart
supervise_err onfail
wait_until 30 eval 'svstat onfail | grep -q "exited 0, not restarted"'
ok "on-failure: exit 0 is not restarted" [ $? = 0 ]
echo 1 > onfail/code
svc -u onfail
# The second start exits 1: restarted (after the back-off's 1 s).
wait_until 30 started onfail 3; ok "on-failure: exit 1 is restarted" [ $? = 0 ]
echo 0 > onfail/code
wait_until 30 eval 'svstat onfail | grep -q "exited 0, not restarted"'
ok "on-failure: the next exit 0 ends it again" [ $? = 0 ]

# --- give-up 2 60: the second death within 60 s gives up ---
mkservice giveup "$(runner 1)"
echo "2 60" > giveup/give-up
supervise_err giveup
wait_until 30 eval 'svstat giveup | grep -q "gave up"'
ok "give-up: the supervisor gives up" [ $? = 0 ]
like "$(svstat giveup)" ': down [0-9]+ seconds, normally up, exited 1, failed: gave up after 2 deaths in 60 s: svc -u tries again$' \
  "give-up: svstat says failed, gave up after 2 deaths in 60 s"
is "$(starts giveup)" 2 "give-up: ./run started twice"
like "$(SVDIR=$T timeout 30 svstat -a | grep '^giveup ')" '^giveup +failed' "give-up: svstat -a says failed"
like "$(cat giveup.err)" 'gave up after 2 deaths within 60 seconds: down until svc -u' "give-up: the supervisor says so on stderr"
svc -u giveup
wait_until 30 started giveup 3; ok "give-up: svc -u tries again" [ $? = 0 ]
wait_until 30 eval 'svstat giveup | grep -q "gave up"'
ok "give-up: and gives up again after 2 more deaths" [ $? = 0 ]
is "$(starts giveup)" 4 "give-up: a fresh count after svc -u"

# --- bad contents: warned, the service runs as without the file ---
mkservice badrestart "$(runner 0)"
echo sometimes > badrestart/restart
supervise_err badrestart
wait_until 30 started badrestart 2; ok "bad restart: restarted always" [ $? = 0 ]
like "$(cat badrestart.err)" 'unable to read restart \(must be always, on-failure or never: restarting always\): Invalid argument' \
  "bad restart: a clear warning"
svc -d badrestart
mkservice badgiveup "$(runner 1)"
echo "3" > badgiveup/give-up
supervise_err badgiveup
wait_until 30 started badgiveup 4; ok "bad give-up: never gives up" [ $? = 0 ]
ok "bad give-up: not given up" eval '! svstat badgiveup | grep -q "gave up"'
like "$(cat badgiveup.err)" 'unable to read give-up \(must be N T, both at least 1: never giving up\): Invalid argument' \
  "bad give-up: a clear warning"
svc -d badgiveup
done_testing
