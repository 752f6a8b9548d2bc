#!/bin/sh
# svc, svok, svstat and svwait from the outside: usage, exit codes, several
# dirs, $SVDIR, every field svstat prints, svwait's goals and its timeout.
. "$(dirname "$0")/lib.sh"

# signals FILE: what sigrecord logged, without its start line, on one line.
signals() { grep -v '^start ' "$1" 2>/dev/null | tr '\n' ' '; }
last_signal_is() { [ "$(grep -v '^start ' "$1" 2>/dev/null | tail -n 1)" = "$2" ]; }
# release FIFO: let a service blocked in "read x < FIFO" go on, boundedly.
release() { timeout 30 sh -c 'echo > "$1"' sh "$1"; }
has_inotify() { ls -l /proc/"$1"/fd 2>/dev/null | grep -q inotify; }

# Services that record signals; "stay" ignores TERM (for "want down").
mkservice one "exec sigrecord $T/one-signals"
mkservice two "exec sigrecord $T/two-signals"
mkservice stay "SIGRECORD_STAY=1 exec sigrecord $T/stay-signals"
for s in one two stay; do
  supervise $s
  wait_until 30 eval "grep -q '^start' $s-signals"
done
ok "three recording services are up" eval 'is_up one && is_up two && is_up stay'

# ===================== svc =====================
svc 2> err; is "$?" 100 "svc with no arguments: usage, exit 100"
like "$(cat err)" '^svc: usage: svc ' "svc with no arguments: prints the usage"
svc one 2> /dev/null; is "$?" 100 "svc with no letters: exit 100"
svc - one 2> /dev/null; is "$?" 100 "svc with an empty letter list: exit 100"
svc -h 2> /dev/null; is "$?" 100 "svc with letters but no dir: exit 100"

# An unknown letter refuses the whole command: the valid h before it is not sent.
svc -hz one 2> err; is "$?" 100 "unknown letter z: usage, exit 100"
like "$(cat err)" 'usage' "unknown letter: prints the usage"
svc "$(printf -- '-h\377')" one 2> /dev/null; is "$?" 100 "a byte above 127 as a letter: exit 100"
svc -h -z one 2> /dev/null; is "$?" 100 "unknown letter in a second option: exit 100"
# The fifo keeps order: had an h been sent, it would be logged before this USR1.
svc -1 one
wait_until 30 last_signal_is one-signals USR1
is "$(signals one-signals)" "USR1 " "after the refused commands, only the later USR1 reached the service"

# No supervisor: a warning, nonzero, at once, and nothing created.
mkservice never 'exec sleep 1000'
timeout 30 svc -u never 2> err; rc=$?
ok "no supervisor: svc exits nonzero (got $rc)" [ "$rc" != 0 ]
ok "no supervisor: svc returns at once (not killed by timeout)" [ "$rc" != 124 ]
is "$(cat err)" "svc: warning: unable to control $T/never: supervisor not running" "no supervisor: the warning"
ok "no supervisor: svc creates nothing" [ ! -e never/supervise ]

# A supervisor killed with -9 left its fifos behind, with nobody reading them.
mkservice killed 'exec sleep 1000'
touch killed/down
supervise killed
ksup=$!
kill -KILL "$ksup"
wait_until 30 dead "$ksup"
ok "the killed supervisor left its control fifo" [ -p killed/supervise/control ]
timeout 30 svc -u killed 2> err; rc=$?
is "$rc" 111 "killed supervisor: svc exits 111 at once (124: blocked)"
is "$(cat err)" "svc: warning: unable to control $T/killed: supervisor not running" "killed supervisor: the warning"

# A supervisor that exits between svc's open of the fifo and its write:
# strace holds svc's first write for 5 s, and the only reader goes meanwhile.
# svc must say so (EPIPE), not die of SIGPIPE (exit 141 through strace).
fifo_open_by() { ls -l /proc/"$1"/fd 2>/dev/null | grep -q "$T/gone/supervise/control"; }
mkdir -p gone/supervise && mkfifo gone/supervise/control
start sh -c 'exec sleep 1000 <> "$1"' sh "$T/gone/supervise/control"
reader=$!
if strace -o /dev/null -e trace=write -e inject=write:delay_enter=1:when=1 true 2> /dev/null; then
  strace -o /dev/null -e trace=write -e inject=write:delay_enter=5000000:when=1 svc -u gone 2> err &
  tracer=$!
  wait_until 30 eval 'traced=$(cat /proc/$tracer/task/$tracer/children 2>/dev/null); [ -n "$traced" ] && fifo_open_by $traced'
  ok "reader gone after open: svc has the fifo open" [ $? = 0 ]
  kill -TERM "$reader"
  reap "$tracer"; rc=$?
  is "$rc" 111 "reader gone after open: svc exits 111 (141: killed by SIGPIPE)"
  is "$(cat err)" "svc: warning: unable to control $T/gone: supervisor not running" "reader gone after open: the warning"
else
  pass "# SKIP strace cannot delay a syscall here"; pass "# SKIP"; pass "# SKIP"
fi

# Several dirs in one call, and one bad dir among them.
svc -h one two; is "$?" 0 "svc -h one two: exit 0"
wait_until 30 last_signal_is one-signals HUP; ok "svc -h one two: one got HUP" [ $? = 0 ]
wait_until 30 last_signal_is two-signals HUP; ok "svc -h one two: two got HUP" [ $? = 0 ]
timeout 30 svc -2 one missing two 2> err; rc=$?
is "$rc" 111 "svc -2 one missing two: exits 111 at once (124: blocked)"
like "$(cat err)" "unable to control $T/missing" "svc -2 one missing two: names the missing dir"
wait_until 30 last_signal_is one-signals USR2; ok "svc -2 one missing two: one still got USR2" [ $? = 0 ]
wait_until 30 last_signal_is two-signals USR2; ok "svc -2 one missing two: two still got USR2" [ $? = 0 ]
# Both are sent at once: the kernel may deliver the pending pair in either order.
svc -a -i one
wait_until 30 eval '[ "$(signals one-signals | sed "s/.* USR2 //" | wc -w)" -ge 2 ]'
is "$(signals one-signals | sed 's/.* USR2 //' | tr ' ' '\n' | sort | tr '\n' ' ')" "ALRM INT " "svc -a -i: letters from two options both reach the service"

# A bare name is relative to $SVDIR, not to the cwd; ./x and . are not.
mkdir elsewhere
mkservice elsewhere/away "exec sigrecord $T/away-signals"
supervise elsewhere/away
wait_until 30 eval "grep -q '^start' away-signals"
(cd / && SVDIR=$T/elsewhere svc -h away); is "$?" 0 "SVDIR elsewhere: svc -h away from / exits 0"
wait_until 30 last_signal_is away-signals HUP; ok "SVDIR elsewhere: the bare name reached \$SVDIR/away" [ $? = 0 ]
SVDIR=$T/elsewhere timeout 30 svc -h one 2> err; rc=$?
is "$rc" 111 "SVDIR elsewhere: a bare name is not looked up in the cwd (exit 111)"
like "$(cat err)" "unable to control $T/elsewhere/one" "SVDIR elsewhere: the message names \$SVDIR/one"
SVDIR=$T/elsewhere svc -q ./one; is "$?" 0 "SVDIR elsewhere: ./one is relative to the cwd"
wait_until 30 last_signal_is one-signals QUIT; ok "SVDIR elsewhere: ./one got QUIT" [ $? = 0 ]
(cd one && SVDIR=$T/elsewhere svc -1 .); is "$?" 0 "svc -1 . works from inside the dir"
wait_until 30 last_signal_is one-signals USR1; ok "svc -1 .: the dir got USR1" [ $? = 0 ]
is "$(SVDIR=$T/elsewhere svok away; echo $?)" 0 "SVDIR elsewhere: svok away"
like "$(SVDIR=$T/elsewhere svstat away)" "^$T/elsewhere/away: up " "SVDIR elsewhere: svstat away"
is "$(SVDIR=$T/elsewhere svwait -u -t 30000 away; echo $?)" 0 "SVDIR elsewhere: svwait away"
nosuch=vigil-test-no-such-service-$$
(unset SVDIR; timeout 30 svc -h "$nosuch") 2> err
like "$(cat err)" "unable to control /var/service/$nosuch" "SVDIR unset: bare names are under /var/service"
(SVDIR= timeout 30 svc -h "$nosuch") 2> err
like "$(cat err)" "unable to control /var/service/$nosuch" "SVDIR empty: bare names are under /var/service"

# ===================== svok =====================
svok one; is "$?" 0 "svok: 0 on a supervised dir"
svok never; is "$?" 100 "svok: 100 on a dir never supervised"
timeout 30 svok killed; is "$?" 100 "svok: 100 (at once) after the supervisor was killed with -9"
svok missing 2> err; is "$?" 111 "svok: 111 on a missing dir"
like "$(cat err)" "$T/missing" "svok: the message names the missing dir"
svok 2> /dev/null; is "$?" 100 "svok with no argument: usage, 100"
svok one two 2> /dev/null; is "$?" 100 "svok with two arguments: usage, 100"
svok '' 2> /dev/null; is "$?" 100 "svok with an empty argument: usage, 100"

# ===================== svstat =====================
out=$(svstat one two); rc=$?
is "$rc" 0 "svstat one two: exit 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 2 "svstat one two: one line per dir"
like "$(printf '%s\n' "$out" | sed -n 1p)" "^$T/one: up " "svstat one two: first line is one"
like "$(printf '%s\n' "$out" | sed -n 2p)" "^$T/two: up " "svstat one two: second line is two"
svstat 2> /dev/null; is "$?" 100 "svstat with no argument: usage, 100"
svstat missing 2> err; is "$?" 111 "svstat on a missing dir: 111"
like "$(cat err)" "$T/missing" "svstat on a missing dir: the message names it"
like "$(svstat never)" "^$T/never: supervisor not running$" "svstat on a dir never supervised"

# up, the pid the service really has, and seconds that grow.
mkservice pidsvc "echo \$\$ > $T/pidsvc-pid; exec sleep 1000"
t0=$(now_ms)
supervise pidsvc
# The run may write its pid before its supervisor has written "up".
wait_until 30 eval '[ -s pidsvc-pid ] && is_up pidsvc'
pid=$(cat pidsvc-pid)
out=$(svstat pidsvc)
like "$out" "^$T/pidsvc: up \\(pid $pid\\) [0-9]+ seconds, normally up$" "svstat: up, the service's real pid, seconds, normally up"
# Not "0 or 1": a busy machine takes seconds to get here. No more than
# the seconds since the supervisor was started, rounded up.
secs=$(printf '%s\n' "$out" | sed -n 's/.*) \([0-9]*\) seconds.*/\1/p')
bound=$(( ($(now_ms) - t0 + 999) / 1000 ))
ok "svstat: the seconds count from the start (${secs:-none} <= $bound)" [ "${secs:-99999}" -le "$bound" ]
wait_until 30 eval 'svstat pidsvc | grep -qE "up \\(pid $pid\\) [1-9][0-9]* seconds"'; ok "svstat: the seconds count up" [ $? = 0 ]

# normally down; up and down on request; how it died.
mkservice downsvc 'exec sleep 1000'
touch downsvc/down
supervise downsvc
wait_until 30 eval '[ -f downsvc/supervise/status ]'
like "$(svstat downsvc)" "^$T/downsvc: down [0-9]+ seconds, normally down$" "svstat: a down file gives down, normally down"
svc -u downsvc
wait_until 30 is_up downsvc
like "$(svstat downsvc)" "^$T/downsvc: up \\(pid [0-9]+\\) [0-9]+ seconds, normally down$" "svstat: up on request, still normally down, no want shown"
svc -d downsvc
wait_until 30 is_down downsvc
like "$(svstat downsvc)" "^$T/downsvc: down [0-9]+ seconds, normally down, killed by SIGTERM$" "svstat: after svc -d, down and killed by SIGTERM"

# want down: the service ignores TERM and stays up.
svc -d stay
wait_until 30 last_signal_is stay-signals CONT
like "$(svstat stay)" ": up \\(pid [0-9]+\\) [0-9]+ seconds, normally up, want down" "svstat: want down while it still runs"
svc -u stay
wait_until 30 eval '! svstat stay | grep -q "want down"'; ok "svstat: no want once want and state agree again" [ $? = 0 ]

# paused
svc -p stay
wait_until 30 eval 'svstat stay | grep -q ", paused"'; ok "svstat: paused after svc -p" [ $? = 0 ]
svc -c stay
wait_until 30 eval '! svstat stay | grep -q "paused"'; ok "svstat: not paused after svc -c" [ $? = 0 ]

# want up: a run that dies at once waits for its restart, down but wanted up.
mkservice crash 'exit 3'
supervise crash
wait_until 30 eval 'svstat crash > crash-status; grep -q ": down .*want up" crash-status'; ok "svstat: want up while a crashing service waits" [ $? = 0 ]
like "$(cat crash-status)" ": down [0-9]+ seconds, normally up, want up, exited 3" "svstat: down, want up, exited 3"
svc -d crash
wait_until 30 eval '! svstat crash | grep -q "want up"'; ok "svstat: after svc -d, no want up" [ $? = 0 ]

# Last exit, while up again: "last exited N".
mkfifo exitgo
mkservice exitsvc "read x < $T/exitgo; exit 7"
supervise exitsvc
wait_until 30 is_up exitsvc
pid=$(svpid exitsvc)
release exitgo
wait_until 30 pid_changed exitsvc "$pid"; ok "a run that exited 7 is restarted" [ $? = 0 ]
like "$(svstat exitsvc)" ": up \\(pid [0-9]+\\) [0-9]+ seconds, normally up, last exited 7$" "svstat: up, last exited 7"

# Run once, then killed: "killed by SIGKILL", and it stays down.
mkservice oncesvc 'exec sleep 1000'
touch oncesvc/down
supervise oncesvc
svc -o oncesvc
wait_until 30 is_up oncesvc
like "$(svstat oncesvc)" ": up \\(pid [0-9]+\\) [0-9]+ seconds, normally down, once$" "svstat: svc -o shows once"
svc -k oncesvc
wait_until 30 is_down oncesvc
like "$(svstat oncesvc)" "^$T/oncesvc: down [0-9]+ seconds, normally down, killed by SIGKILL$" "svstat: killed by SIGKILL"

# Unreadable status: the supervisor runs (ok is read) but status is garbage.
# oncesvc is down and idle, so its supervisor does not rewrite status.
cp oncesvc/supervise/status good-status
forge() {
  cp forged oncesvc/supervise/status
  svstat oncesvc > out 2> err; rc=$?
  is "$rc" 111 "svstat on a $1 status: exit 111"
  is "$(cat out)" "$T/oncesvc: unreadable status" "svstat on a $1 status: says unreadable status"
  like "$(cat err)" "$T/oncesvc/supervise/status" "svstat on a $1 status: the warning names the file"
}
head -c 7 good-status > forged; forge "truncated (7 bytes)"
head -c 43 /dev/urandom > forged; forge "foreign (43 random bytes, as s6's)"
head -c 51 good-status > forged; forge "truncated (51 bytes)"
{ cat good-status; printf 'x'; } > forged; forge "too long (53 bytes)"
{ head -c 20 good-status; head -c 32 /dev/zero; } > forged; forge "vigil-sized without the magic"
{ head -c 19 good-status; printf '\007'; } > forged; forge "runit-sized with a bad run state"
svstat one oncesvc > out 2> /dev/null; rc=$?
is "$rc" 111 "svstat one BAD: exit 111"
like "$(sed -n 1p out)" "^$T/one: up " "svstat one BAD: the good dir is still shown"
is "$(sed -n 2p out)" "$T/oncesvc: unreadable status" "svstat one BAD: the bad one says unreadable status"
cp good-status oncesvc/supervise/status
svstat oncesvc > /dev/null; is "$?" 0 "svstat: readable again once the status is restored"

# ===================== svwait =====================
svwait -t 30000 one; is "$?" 0 "svwait (default -u): 0 on an up service"
svwait -u -t 30000 one two; is "$?" 0 "svwait -u one two: 0"
t0=$(now_ms)
svwait -d -t 300 one; rc=$?
elapsed=$(( $(now_ms) - t0 ))
is "$rc" 99 "svwait -d -t 300 on an up service: 99"
ok "svwait -t 300: it waited (${elapsed} ms >= 250)" [ "$elapsed" -ge 250 ]
# Loosely: a busy machine delays the start of svwait and of date.
ok "svwait -t 300: it did not wait much longer (${elapsed} ms < 10000)" [ "$elapsed" -lt 10000 ]
svwait -u -t 300 one oncesvc; is "$?" 99 "svwait -u one DOWN: 99, every dir must be up"

# -d and -D: a finish that blocks keeps the service between the two.
mkfifo fingo
mkservice findsvc 'exec sleep 1000'
printf '#!/bin/sh\nread x < %s/fingo\n' "$T" > findsvc/finish; chmod +x findsvc/finish
supervise findsvc
svwait -u -t 30000 findsvc; is "$?" 0 "svwait -u: 0 once the service is up"
svc -d findsvc
svwait -d -t 30000 findsvc; is "$?" 0 "svwait -d after svc -d: 0"
like "$(svstat findsvc)" ": finishing " "svstat: finishing while ./finish runs"
svwait -D -t 300 findsvc; is "$?" 99 "svwait -D: 99 while ./finish still runs"
release fingo
svwait -D -t 30000 findsvc; is "$?" 0 "svwait -D: 0 once ./finish is done"
like "$(svstat findsvc)" ": down [0-9]+ seconds, normally up, killed by SIGTERM$" "svstat: down after finish"

# -U: up and ready, with notification-fd.
mkfifo readygo
mkdir readysvc
printf '#!/bin/sh\nread x < %s/readygo\necho >&3\nexec sleep 1000\n' "$T" > readysvc/run; chmod +x readysvc/run
echo 3 > readysvc/notification-fd
supervise readysvc
svwait -u -t 30000 readysvc; is "$?" 0 "svwait -u: the notifying service is up"
svwait -U -t 300 readysvc; is "$?" 99 "svwait -U: 99 before it is ready"
ok "svstat: not ready before the newline" eval '! svstat readysvc | grep -q ", ready "'
release readygo
svwait -U -t 30000 readysvc; is "$?" 0 "svwait -U: 0 once the newline came"
like "$(svstat readysvc)" "^$T/readysvc: up \\(pid [0-9]+\\) [0-9]+ seconds, ready [0-9]+ seconds, normally up$" "svstat: ready and since when"

# svwait started before the supervisor: woken when it starts.
mkservice later 'exec sleep 1000'
start svwait -u -t 60000 later
wpid=$!
wait_until 30 has_inotify "$wpid"; ok "svwait set up its watch" [ $? = 0 ]
ok "svwait is waiting while no supervisor runs" eval '! dead $wpid'
supervise later
wait_until 30 dead "$wpid"; ok "svwait returns once the supervisor brings the service up" [ $? = 0 ]
reap "$wpid"; is "$?" 0 "svwait started first: exit 0"

# Usage errors.
svwait 2> /dev/null; is "$?" 100 "svwait with no arguments: 100"
svwait -u 2> /dev/null; is "$?" 100 "svwait with no dir: 100"
svwait -z one 2> /dev/null; is "$?" 100 "svwait with an unknown option: 100"
svwait -t 2> /dev/null; is "$?" 100 "svwait -t without a value: 100"
svwait -t abc one 2> /dev/null; is "$?" 100 "svwait -t abc: 100"
svwait -t 12x one 2> /dev/null; is "$?" 100 "svwait -t 12x: 100"

# stay ignores TERM: let its supervisor exit now rather than at cleanup.
svc -xk stay

# A dir that does not exist cannot be watched: svwait refuses at once.
err=$(timeout 30 svwait -u -t 60000 ./no-such-dir 2>&1); code=$?
is "$code" 111 "svwait on a missing dir: exit 111, not a blind wait"
like "$err" 'no-such-dir' "and the message names the dir"

# Thousands of DIRs: a PATH_MAX each on the stack would overflow it.
mkdir many
(cd many && seq 5000 | sed 's|$|/supervise|' | xargs mkdir -p)
tee $(seq 5000 | sed 's|.*|many/&/supervise/status|') < killed/supervise/status > /dev/null
timeout 60 svwait -d -t 30000 many/*; is "$?" 0 "svwait -d on 5000 down dirs: exit 0"
rm -rf many   # cleanup would read 5000 status files

# A supervisor killed with -9 leaves its "up" behind. svwait -d must not
# believe it once the run is gone.
in_poll() { grep -q poll /proc/"$1"/wchan 2>/dev/null; }
mkservice stale 'exec sleep 1000'
supervise stale
sup=$(last_started)
wait_until 30 is_up stale
run=$(svpid stale)
track "$run"
kill -KILL "$sup"
wait_until 30 dead "$sup"
start svwait -d -t 30000 stale
waiter=$!
wait_until 30 in_poll "$waiter"; ok "stale status, run alive: svwait -d waits" [ $? = 0 ]
kill -KILL "$run"
wait_until 30 dead "$waiter"; ok "stale status: svwait -d wakes when the unsupervised run dies" [ $? = 0 ]
reap "$waiter"; is "$?" 0 "stale status: and exits 0"
timeout 20 svwait -d -t 10000 stale; is "$?" 0 "stale status, run gone: svwait -d exits 0 at once"

done_testing
