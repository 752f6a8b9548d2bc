#!/bin/sh
# Optional kernel features (issue 19, pitfall 7): a vigil-scan that cannot
# have inotify (fs.inotify.max_user_instances 0 in a user namespace of the
# test's own, t/0110's trick: the machine's limit is untouched) falls back
# to rescans every second, says so once, and nothing else changes: a
# service dir added (by rename or by mkdir) and one removed are picked up,
# svc and svstat work, needs/ still orders the start and the stop.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

if ! unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_inotify_instances' 2>/dev/null; then
  skip_all "no user namespace with its own inotify limit here (unshare -Ur)"
fi

mkdir sv
mkservice sv/first "exec sleep 1000"
# Each records its start and its TERM in one file, in the order they came.
mkservice sv/base "echo base-up >> $T/order; trap 'echo base-down >> $T/order; kill \$!; exit 0' TERM; sleep 1000 & wait"
: > sv/base/down
mkservice sv/top "echo top-up >> $T/order; trap 'echo top-down >> $T/order; kill \$!; exit 0' TERM; sleep 1000 & wait"
mkdir sv/top/needs && : > sv/top/needs/base
start unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$0" -g 300 "$1"' \
  "$VIGIL_BIN/vigil-scan" "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!
wait_until 30 is_up sv/first; ok "no inotify: the scanner starts its services" [ $? = 0 ]
wait_until 30 grep -q 'inotify_init1 (rescanning every second instead)' scan-stderr
ok "no inotify: said" [ $? = 0 ]
ok "the scanner runs on" alive "$scanner"
ok "it holds no inotify fd" eval '! ls -l /proc/$scanner/fd | grep -q inotify'

# --- a dir renamed in, one made in place (the grace applies), one removed ---
mkservice sv/.renamed "exec sleep 1000"
mv sv/.renamed sv/renamed
wait_until 30 is_up sv/renamed; ok "a dir renamed in is picked up by a rescan" [ $? = 0 ]
mkservice sv/made "exec sleep 1000"
wait_until 30 is_up sv/made; ok "a dir made in place is picked up too" [ $? = 0 ]
pid=$(svpid sv/first)
rm -rf sv/first
wait_until 30 dead "$pid"; ok "a dir removed: its service is brought down" [ $? = 0 ]

# --- svc and svstat ---
pid=$(svpid sv/renamed)
svc -d sv/renamed
wait_until 30 is_down sv/renamed; ok "svc -d works" [ $? = 0 ]
ok "svstat says down" eval 'svstat sv/renamed | grep -q ": down "'
svc -u sv/renamed
wait_until 30 pid_changed sv/renamed "$pid"; ok "svc -u works" [ $? = 0 ]

# --- needs/: top waits for base, then starts; the stop runs in reverse ---
wait_until 30 eval 'svstat sv/top | grep -q "waiting for base"'; ok "top waits for base" [ $? = 0 ]
ok "top has not started" [ ! -e order ]
svc -u sv/base
wait_until 30 is_up sv/top; ok "base up: top starts" [ $? = 0 ]
is "$(cat order)" "base-up
top-up" "base started before top"
kill -TERM "$scanner"
wait_until 30 dead "$scanner"; ok "SIGTERM: the scanner stops" [ $? = 0 ]
is "$(cat order)" "base-up
top-up
top-down
base-down" "the stop in reverse: top down before base"

is "$(grep -c 'inotify_init1' scan-stderr)" 1 "the missing inotify is said once, for all the rescans"

done_testing
