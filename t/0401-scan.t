#!/bin/sh
# vigil-scan: one supervisor per service dir and per log/, the pipe between
# them, identity by device and inode, pickup, grace, and SIGTERM order.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
mkservice sv/plain "echo plain says hello; echo plain complains >&2; exec sleep 1000"
mkservice sv/logged "echo logged line one; exec sigrecord $T/logged-signals"
mkservice sv/logged/log "exec linelog $T/logged.log"
start vigil-scan -g 300 "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!

wait_until 30 is_up sv/plain; ok "plain service up" [ $? = 0 ]
wait_until 30 is_up sv/logged; ok "logged service up" [ $? = 0 ]
wait_until 30 is_up sv/logged/log; ok "its logger up, under its own supervisor" [ $? = 0 ]
sups=$(ps -o args= --ppid "$scanner" | grep -c '^.*vigil-supervise')
is "$sups" 3 "three supervisors: plain, logged, logged/log"
wait_until 30 file_has logged.log "logged line one"; ok "logged service's stdout reaches its logger" [ $? = 0 ]
wait_until 30 file_has scan-stdout "plain says hello"; ok "unlogged service's stdout is the scanner's stdout" [ $? = 0 ]
wait_until 30 eval 'grep -q "plain complains" scan-stderr'; ok "stderr of services is the scanner's stderr" [ $? = 0 ]
ok "the logged service's line did not go to the scanner's stdout" eval '! grep -q "logged line one" scan-stdout'

# --- restarts on either side never sever the pipe ---
svc -t sv/logged/log
pid=$(svpid sv/logged)
svc -k sv/logged
wait_until 30 pid_changed sv/logged "$pid"
wait_until 30 eval '[ "$(grep -c "logged line one" logged.log)" -ge 2 ]'; ok "after logger and service restarts, output still reaches the log" [ $? = 0 ]

# --- identity: rename keeps the service, dotdir removes it ---
pid=$(svpid sv/plain)
mv sv/plain sv/renamed
wait_until 30 eval '[ "$(svpid sv/renamed)" = "$pid" ]'; ok "renamed dir: same service, same pid" [ $? = 0 ]
mv sv/renamed sv/.hidden
wait_until 30 dead "$pid"; ok "renamed to a .dotdir: the service is brought down" [ $? = 0 ]
wait_until 30 eval 'svstat sv/.hidden | grep -q "supervisor not running"'; ok "and its supervisor exits" [ $? = 0 ]

# --- a new dir under an old name is a new service ---
mkservice sv/.again "exec sleep 1000"
mv sv/.again sv/plain
wait_until 30 is_up sv/plain; pid=$(svpid sv/plain)
rm -rf sv/.hidden
mkservice sv/.fresh "exec sleep 1000"
mv sv/plain sv/.old
mv sv/.fresh sv/plain
wait_until 30 eval 'p=$(svpid sv/plain); [ -n "$p" ] && [ "$p" != "$pid" ]'; ok "new inode under an old name: a new service" [ $? = 0 ]
wait_until 30 dead "$pid"; ok "and the old one, gone from the dir, is down" [ $? = 0 ]
wait_until 30 eval 'svstat sv/.old | grep -q "supervisor not running"'
rm -rf sv/.old

# --- removal ---
mkservice sv/.doomed "exec sleep 1000"
mv sv/.doomed sv/doomed
wait_until 30 is_up sv/doomed; pid=$(svpid sv/doomed)
rm -rf sv/doomed
wait_until 30 dead "$pid"; ok "rm -rf of a service dir brings its service down" [ $? = 0 ]

# --- pickup: rename-in starts at once; mkdir waits for grace ---
mkservice sv/.atomic "exec sleep 1000"
mv sv/.atomic sv/atomic
wait_until 30 is_up sv/atomic; ok "renamed-in dir starts without any trigger" [ $? = 0 ]
mkdir sv/slow
wait_until 1 eval '[ -d sv/slow/supervise ]' && started_early=1 || started_early=0
is "$started_early" 0 "mkdir'd dir without run is not started"
printf '#!/bin/sh\nexec sleep 1000\n' > sv/slow/run
chmod +x sv/slow/run
wait_until 30 is_up sv/slow; ok "once run is executable and the dir is quiet for the grace, it starts" [ $? = 0 ]

# --- a supervisor that dies is restarted; the service never runs twice ---
mkservice sv/.once "echo start \$\$ >> $T/once-starts; exec sleep 1000"
mv sv/.once sv/once
wait_until 30 is_up sv/once
pid=$(svpid sv/once)
sup=$(ps -o pid=,args= --ppid "$scanner" | awk '$3 == "once" {print $1}')
ok "found the supervisor of once" [ -n "$sup" ]
for round in 1 2 3; do
  kill -KILL "$sup"
  wait_until 30 dead "$sup"
  wait_until 30 eval 'sup=$(ps -o pid=,args= --ppid "$scanner" | awk "\$3 == \"once\" {print \$1}"); [ -n "$sup" ]'
  wait_until 30 svok sv/once
done
ok "supervisor restarted after three kill -9" svok sv/once
is "$(svpid sv/once)" "$pid" "the service was adopted, not restarted"
is "$(file_lines once-starts)" 1 "run started exactly once"
svc -t sv/once
wait_until 30 pid_changed sv/once "$pid"; ok "the adopted service still obeys svc -t" [ $? = 0 ]

# --- a log/ that appears later ---
mkservice sv/.late "echo late line; exec sigrecord $T/late-signals"
mv sv/.late sv/late
wait_until 30 is_up sv/late
mkservice sv/late/.log "exec linelog $T/late.log"
mv sv/late/.log sv/late/log
wait_until 30 is_up sv/late/log; ok "late log/: its logger starts at once" [ $? = 0 ]
pid=$(svpid sv/late)
svc -t sv/late
wait_until 30 pid_changed sv/late "$pid"
wait_until 30 file_has late.log "late line"; ok "late log/: output reaches it from the service's next start" [ $? = 0 ]

# --- a dir removed just after its supervisor was killed: the service still goes ---
mkservice sv/.orphan "exec sleep 1000"
mv sv/.orphan sv/orphan
wait_until 30 is_up sv/orphan
pid=$(svpid sv/orphan)
track "$pid"
sup=$(ps -o pid=,args= --ppid "$scanner" | awk '$3 == "orphan" {print $1}')
kill -KILL "$sup"; rm -rf sv/orphan
wait_until 30 dead "$pid"; ok "service of a dir removed while its supervisor was dead is stopped" [ $? = 0 ]

# The same when the status was gone before the scanner could read it: the
# scanner finds the orphan by its cwd (unlogged) or by the pipe (logged).
mkservice sv/.bare "exec sleep 1000"
mkservice sv/.piped "exec sleep 1000"
mkservice sv/.piped/log "exec sleep 1000"
mv sv/.bare sv/bare; mv sv/.piped sv/piped
for name in bare piped piped/log; do
  wait_until 30 is_up "sv/$name"
done
for name in bare piped piped/log; do
  pid=$(svpid "sv/$name"); track "$pid"
  eval "pid_$(echo $name | tr / _)=$pid"
done
for name in bare piped; do
  sup=$(ps -o pid=,args= --ppid "$scanner" | awk -v n="$name" '$3 == n {print $1}')
  rm -f "sv/$name/supervise/status" "sv/$name/log/supervise/status"
  kill -KILL "$sup"
  wait_until 30 dead "$sup"
  rm -rf "sv/$name"
done
wait_until 30 dead "$pid_bare"; ok "status gone too: the unlogged orphan is found by its cwd and stopped" [ $? = 0 ]
wait_until 30 dead "$pid_piped"; ok "status gone too: the logged orphan is found by its stdout pipe and stopped" [ $? = 0 ]

# --- a rename whose two inotify events land in different reads ---
# The scanner reads 256 KiB of events at a time; each event here is 32
# bytes, so 8191 mkdirs put MOVED_FROM last in one read, MOVED_TO first in
# the next. Stopped meanwhile, the scanner finds them all queued.
mkservice sv/.split "exec sleep 1000"
mv sv/.split sv/split
wait_until 30 is_up sv/split
pid=$(svpid sv/split)
sup=$(ps -o pid=,args= --ppid "$scanner" | awk '$3 == "split" {print $1}')
kill -STOP "$scanner"
mkdir sv/.many
seq -f "sv/.d%07g" 1 8190 | xargs mkdir
mv sv/split sv/spl2
kill -CONT "$scanner"
# Events are handled in order: once a service renamed in after them runs,
# the scanner has seen both halves of the rename.
mkservice sv/.after "exec sleep 1000"
mv sv/.after sv/after
wait_until 30 is_up sv/after; ok "the scanner read past the split rename" [ $? = 0 ]
wait_until 2 dead "$sup" && alive=0 || alive=1
is "$alive" 1 "a rename split across two reads keeps the supervisor"
ok "and the service" alive "$pid"
seq -f "sv/.d%07g" 1 8190 | xargs rmdir; rmdir sv/.many

# --- rescan signals change nothing when nothing changed ---
pid=$(svpid sv/atomic)
kill -HUP "$scanner"; kill -ALRM "$scanner"
wait_until 30 svok sv/atomic
is "$(svpid sv/atomic)" "$pid" "SIGHUP and SIGALRM rescans leave running services alone"

# --- SIGTERM: services down first, loggers drain, exit 0 ---
mkservice sv/.last "trap 'echo goodbye from last; exit 0' TERM; echo hi from last; while :; do sleep 1 & wait \$!; done"
mkservice sv/.last/log "exec linelog $T/last.log"
mv sv/.last sv/last
wait_until 30 file_has last.log "hi from last"
kill -TERM "$scanner"
wait_until 15 dead "$scanner"; ok "SIGTERM: the scanner exits" [ $? = 0 ]
reap "$scanner"; is "$?" 0 "with code 0"
ok "a line the service wrote while stopping reached its log" file_has last.log "goodbye from last"
left=$(for d in sv/*/ sv/*/log/; do svstat "$d" 2>/dev/null; done | grep -c ': up ')
is "$left" 0 "no service is left running"

done_testing
