#!/bin/sh
# The health check under a real vigil-supervise: ./check runs every
# check-interval ms while the service is up; check-failures failures in a
# row restart the run (its down-signal, as svc -t), and svstat says
# unhealthy (svstat -a too) until a check passes. A check that outlives its
# interval is killed, with what it started, and counts as a failure. A
# bad check-interval is warned and no check runs; a bad check-failures is
# warned and 3 used. runit's ./check (sv's, in Debian's dirs) with no
# check-interval is never run by the supervisor.
. "$(dirname "$0")/lib.sh"

checks() { file_lines "$1/checks"; }
checked() { [ "$(checks "$1")" -ge "$2" ]; }
unhealthy() { svstat "$1" | grep -q 'unhealthy'; }
table_state() { SVDIR=$T timeout 30 svstat -a | awk -v n="$1" '$1 == n { print $2 }'; }

# --- a check that passes while ./healthy exists ---
mkservice web 'exec sleep 1000'
printf '#!/bin/sh\necho x >> checks\nexec test -e healthy\n' > web/check; chmod +x web/check
echo 200 > web/check-interval
echo 2 > web/check-failures
: > web/healthy
start vigil-supervise web 2> web.err; wait_until 30 svok web
wait_until 30 is_up web; first=$(svpid web)
wait_until 30 checked web 3; ok "checks run every interval while up" [ $? = 0 ]
is "$(svpid web)" "$first" "passing checks: the run is left alone"
is "$(table_state web)" up "passing checks: svstat -a says up"

rm web/healthy
wait_until 30 pid_changed web "$first"; ok "two failed checks in a row: the run is restarted" [ $? = 0 ]
wait_until 30 unhealthy web; ok "svstat says unhealthy" [ $? = 0 ]
like "$(svstat web)" ': up \(pid [0-9]+\) .*unhealthy: check failed, restarted' "svstat: up, unhealthy"
is "$(table_state web)" unhealthy "svstat -a says unhealthy"
like "$(cat web.err)" 'check failed too many times in a row: restarting the service' "the supervisor says so on stderr"
: > web/healthy
wait_until 30 eval '! unhealthy web'; ok "a check passes: no longer unhealthy" [ $? = 0 ]
is "$(table_state web)" up "healthy again: svstat -a says up"
svc -d web; wait_until 30 is_down web
n=$(checks web)
svc -u web; wait_until 30 is_up web
wait_until 30 checked web $((n + 1)); ok "after svc -d and -u the checks go on" [ $? = 0 ]
svc -d web; wait_until 30 is_down web

# --- a check that hangs: killed at its interval, with its child ---
mkservice hang 'exec sleep 1000'
printf '#!/bin/sh\necho $$ >> checks\nsleep 1000 &\necho $! >> children\nwait\n' > hang/check; chmod +x hang/check
echo 300 > hang/check-interval
echo 2 > hang/check-failures
start vigil-supervise hang 2> hang.err; wait_until 30 svok hang
wait_until 30 is_up hang; first=$(svpid hang)
wait_until 30 checked hang 1
check1=$(head -n 1 hang/checks); child1=$(head -n 1 hang/children 2>/dev/null)
wait_until 30 dead "$check1"; ok "a check alive past its interval is killed" [ $? = 0 ]
[ -n "$child1" ] && wait_until 30 dead "$child1"; ok "... with what it started" [ $? = 0 ]
wait_until 30 pid_changed hang "$first"; ok "two hung checks: the run is restarted" [ $? = 0 ]
svc -d hang; wait_until 30 is_down hang
for p in $(cat hang/checks hang/children 2>/dev/null); do wait_until 30 dead "$p" || break; done
ok "svc -d: no check nor child of one left" [ $? = 0 ]

# --- bad values: a bad check-interval is warned and no check runs (the
#     service runs as without the file); a bad check-failures is warned
#     and 3 used ---
mkservice bad 'exec sleep 1000'
printf '#!/bin/sh\necho x >> %s/bad.ran\nexit 0\n' "$T" > bad/check; chmod +x bad/check
echo soon > bad/check-interval
start vigil-supervise bad 2> bad.err; wait_until 30 svok bad
wait_until 30 is_up bad; ok "bad check-interval: the service runs" [ $? = 0 ]
like "$(cat bad.err)" 'unable to read check-interval \(must be milliseconds, at least 1: no health check\): Invalid argument' "bad check-interval: warned"
mkservice badf 'exec sleep 1000'
printf '#!/bin/sh\necho x >> %s/badf/checks\nexit 0\n' "$T" > badf/check; chmod +x badf/check
echo 100 > badf/check-interval
echo 0 > badf/check-failures
start vigil-supervise badf 2> badf.err; wait_until 30 svok badf
like "$(cat badf.err)" 'unable to read check-failures \(must be a number, at least 1: using 3\): Invalid argument' "check-failures 0: warned"

# --- runit's ./check (Debian's dirs have one: sv runs it) with no
#     check-interval: never run by the supervisor, nothing restarts ---
mkservice runitstyle 'exec sleep 1000'
printf '#!/bin/sh\necho x >> %s/runitstyle.ran\nexit 1\n' "$T" > runitstyle/check; chmod +x runitstyle/check
start vigil-supervise runitstyle 2> runitstyle.err; wait_until 30 svok runitstyle
wait_until 30 is_up runitstyle
pid=$(svpid runitstyle)
# Time enough for several checks, as badf's 100 ms checks show.
wait_until 30 checked badf 5; ok "a check with an interval ran meanwhile" [ $? = 0 ]
ok "runit's check with no check-interval: never run by the supervisor" [ ! -e runitstyle.ran ]
ok "bad check-interval: its check never ran" [ ! -e bad.ran ]
is "$(svpid runitstyle)" "$pid" "runit's check with no check-interval: the run was not restarted"
for d in bad badf runitstyle; do svc -d $d; wait_until 30 is_down $d; done

done_testing
