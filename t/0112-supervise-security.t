#!/bin/sh
# A user who is not root can neither control nor read the state of a
# service root supervises (supervise/ is 0700): svc, svok, svstat and
# svwait from that user fail, saying so, and the service is untouched.
# The user is a uid of its own (no account), in the test's own PID
# namespace.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

stranger=64998
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || getent passwd "$stranger" >/dev/null; then
  skip_all "needs root, setpriv and a free uid $stranger"
fi
as_stranger() { setpriv --reuid="$stranger" --regid="$stranger" --clear-groups "$@"; }

mkdir sv
chmod 755 "$T" sv
mkservice sv/web "exec sleep 1000"
supervise sv/web
wait_until 30 is_up sv/web
pid=$(svpid sv/web)
ok "the service runs as root's" [ -n "$pid" ]
ok "supervise/ is 0700" [ "$(stat -c %a sv/web/supervise)" = 700 ]

as_stranger "$VIGIL_BIN/svc" -d sv/web 2> svc-err; code=$?
ok "svc -d from the stranger fails (exit $code)" [ "$code" != 0 ]
like "$(cat svc-err)" "Permission denied|unable" "and says why"
as_stranger "$VIGIL_BIN/svc" -k sv/web 2>/dev/null
as_stranger "$VIGIL_BIN/svstat" sv/web > stat-out 2> stat-err; code=$?
ok "svstat from the stranger fails (exit $code)" [ "$code" != 0 ]
ok "and shows no pid" eval '! grep -q "pid $pid" stat-out'
as_stranger "$VIGIL_BIN/svok" sv/web 2>/dev/null; code=$?
ok "svok from the stranger does not say supervised (exit $code)" [ "$code" != 0 ]
as_stranger "$VIGIL_BIN/svwait" -d -t 500 sv/web 2>/dev/null; code=$?
ok "svwait from the stranger fails (exit $code)" [ "$code" != 0 ]
ok "the service is untouched: same pid, up" [ "$(svpid sv/web)" = "$pid" ]
ok "and root's svc still works" eval 'svc -d sv/web && wait_until 30 is_down sv/web'

done_testing
