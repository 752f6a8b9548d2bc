#!/bin/sh
# Readiness, s6's way: notification-fd N, a newline on fd N marks ready.
. "$(dirname "$0")/lib.sh"

mkdir ready
mkfifo go
printf '#!/bin/sh\nread x < %s/go\necho >&4\nexec fdreport %s/ready-fds\n' "$T" "$T" > ready/run
chmod +x ready/run
echo 4 > ready/notification-fd
supervise ready
wait_until 30 is_up ready; ok "service comes up" [ $? = 0 ]
unlike_ready() { ! svstat ready | grep -q ', ready '; }
ok "not ready before the newline" unlike_ready
svwait -U -t 200 ready; is "$?" 99 "svwait -U times out (99) before readiness"
echo > go
svwait -U -t 30000 ready; is "$?" 0 "svwait -U returns 0 once ready"
like "$(svstat ready)" ', ready [0-9]+ seconds' "svstat shows ready and since when"
wait_until 30 eval '[ -f ready-fds ]'
is "$(sed -n 1p ready-fds)" "fds 0 1 2 4" "the service has fds 0, 1, 2 and its notification fd"

# Restart: readiness is reset, and must be signalled again.
pid=$(svpid ready)
rm -f ready-fds
kill -KILL "$pid"
wait_until 30 pid_changed ready "$pid"; ok "restarted" [ $? = 0 ]
ok "readiness is cleared on restart" unlike_ready
echo > go
wait_until 30 eval 'svstat ready | grep -q ", ready "'; ok "ready again after the new newline" [ $? = 0 ]

# A service that closes the fd without a newline never becomes ready.
mkdir silent
printf '#!/bin/sh\nexec 5>&-\nexec sleep 1000\n' > silent/run; chmod +x silent/run
echo 5 > silent/notification-fd
supervise silent
wait_until 30 is_up silent
svwait -U -t 300 silent; is "$?" 99 "closing the fd without a newline: never ready"
svwait -u -t 300 silent; is "$?" 0 "but it is up"

# A bad notification-fd is ignored with a warning, the service still runs.
mkservice badfd "exec fdreport $T/badfd-fds"
echo 1 > badfd/notification-fd
start vigil-supervise badfd 2> badfd-stderr
wait_until 30 eval '[ -f badfd-fds ]'; ok "notification-fd 1 (invalid): service still starts" [ $? = 0 ]
is "$(sed -n 1p badfd-fds)" "fds 0 1 2" "and gets only fds 0, 1, 2"
like "$(cat badfd-stderr)" 'notification-fd must be between 3 and 1023' "and the supervisor says why"

done_testing
