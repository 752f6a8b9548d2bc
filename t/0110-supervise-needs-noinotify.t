#!/bin/sh
# needs/ without inotify: a supervisor that cannot have an inotify instance
# (fs.inotify.max_user_instances reached: 128 on Debian, and every waiting
# supervisor takes one) still starts its run once its needs are ready: it
# says so once and looks again every 250 ms while it waits, never for good.
# The limit is set to 0 in a user namespace of the test's own, so the
# machine's is untouched.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

if ! unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_inotify_instances' 2>/dev/null; then
  skip_all "no user namespace with its own inotify limit here (unshare -Ur)"
fi

mkdir sv
mkservice sv/b "exec sleep 1000"
: > sv/b/down
mkservice sv/a "echo started > $T/a.started; exec sleep 1000"
mkdir sv/a/needs && : > sv/a/needs/b

supervise sv/b
start unshare -Ur sh -c 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$0" "$1"' \
  "$VIGIL_BIN/vigil-supervise" sv/a 2> a-stderr
wait_until 30 svok sv/a; ok "the supervisor of a runs without inotify" [ $? = 0 ]
wait_until 30 eval 'svstat sv/a | grep -q "waiting for b"'; ok "a waits for b" [ $? = 0 ]
wait_until 30 grep -q "looking again every 250 ms while waiting" a-stderr
ok "no inotify: said" [ $? = 0 ]
ok "a has not started" [ ! -e a.started ]
svc -u sv/b
wait_until 30 test -e a.started; ok "b up: a starts, found by looking again" [ $? = 0 ]
wait_until 30 is_up sv/a; ok "a is up" [ $? = 0 ]
is "$(grep -c 'watch the needs' a-stderr)" 1 "said once"
ok "once started, supervise/waiting is gone" [ ! -e sv/a/supervise/waiting ]
# A second hold says its wait, and the missing inotify, again.
svc -d sv/b; wait_until 30 is_down sv/b
rm -f a.started; svc -t sv/a
wait_until 30 eval 'svstat sv/a | grep -q "waiting for b"'; ok "held again when restarted with b down" [ $? = 0 ]
wait_until 30 eval '[ "$(grep -c "watch the needs" a-stderr)" = 2 ]'; ok "and that is said again" [ $? = 0 ]
svc -u sv/b
wait_until 30 test -e a.started; ok "b up again: a starts" [ $? = 0 ]

done_testing
