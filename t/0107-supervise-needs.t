#!/bin/sh
# needs/: a service's run waits until every service it needs is ready
# (readiness when the need declares notification-fd, else up), under a
# real scanner. A need missing, wanted down, or not ready yet holds it,
# svstat says "waiting for NAME", and one line says so; the wait ends on
# the change itself (inotify), a restart of the need later does not stop
# it, a cycle is said and broken, bad entries are warned about and
# ignored, and a need removed from needs/ while waiting lets it go.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
# a: ready once $T/a-go exists (it says so on fd 3); b needs it.
mkservice sv/a "while [ ! -e $T/a-go ]; do sleep 0.05; done; echo >&3; exec sleep 1000"
echo 3 > sv/a/notification-fd
mkservice sv/b "exec sleep 1000"
mkdir sv/b/needs && : > sv/b/needs/a
# c needs zzz, which is not there yet.
mkservice sv/c "exec sleep 1000"
mkdir sv/c/needs && : > sv/c/needs/zzz
# d needs e, wanted down (a down file); e needs nothing.
mkservice sv/d "exec sleep 1000"
mkdir sv/d/needs && ln -s ../../e sv/d/needs/the-e
mkservice sv/e "exec sleep 1000"
: > sv/e/down
# x and y need each other: a cycle.
mkservice sv/x "exec sleep 1000"
mkservice sv/y "exec sleep 1000"
mkdir sv/x/needs sv/y/needs && : > sv/x/needs/y && : > sv/y/needs/x
# bad entries: a dot name, itself, a logger, a target naming nothing; and
# a needs that is a file.
mkservice sv/bad "exec sleep 1000"
mkdir sv/bad/needs && : > sv/bad/needs/.hidden && : > sv/bad/needs/bad
ln -s ../../a/log sv/bad/needs/alog && ln -s / sv/bad/needs/root
mkservice sv/filed "exec sleep 1000"
: > sv/filed/needs
# f needs g, missing; its entry will be removed.
mkservice sv/f "exec sleep 1000"
mkdir sv/f/needs && : > sv/f/needs/g
# r needs q needs p: stopped in reverse. Each says it is down after a
# slow stop, so a service TERMed before its dependents are down says so first.
for n in p q r; do
  mkservice sv/$n "trap 'sleep 0.3; echo $n >> $T/downs; exit 0' TERM; sleep 1000 & wait"
done
mkdir sv/q/needs sv/r/needs && : > sv/q/needs/p && : > sv/r/needs/q
# many: 10,000 needs, none there.
mkservice sv/many "exec sleep 1000"
mkdir sv/many/needs && (cd sv/many/needs && seq -f 'n%05g' 1 10000 | xargs touch)

start vigil-scan -g 200 "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!

said() { grep -cF -- "$1" scan-stderr; }
waiting_for() { svstat "sv/$1" 2>/dev/null | grep -qF "waiting for $2"; }

# --- b waits for a's readiness, not its start ---
wait_until 30 is_up sv/a; ok "a need with notification-fd starts" [ $? = 0 ]
wait_until 30 waiting_for b a; ok "b waits: svstat says waiting for a" [ $? = 0 ]
ok "b is not started while a is up but not ready" eval '! is_up sv/b'
ok "b's wait is said once" [ "$(said "vigil-supervise b: warning: waiting for a")" = 1 ]
touch a-go
wait_until 30 is_up sv/b; ok "a ready: b starts" [ $? = 0 ]
ok "b's status no longer says waiting" eval '! svstat sv/b | grep -q waiting'
ok "supervise/waiting is gone" wait_until 10 test ! -e sv/b/supervise/waiting
b_pid=$(svpid sv/b)
a_pid=$(svpid sv/a)
svc -t sv/a
wait_until 30 pid_changed sv/a "$a_pid"; ok "a restarts" [ $? = 0 ]
is "$(svpid sv/b)" "$b_pid" "a need restarting later does not stop b"

# --- a missing need: waits, starts when it appears ---
wait_until 30 waiting_for c zzz; ok "a missing need: svstat says waiting for zzz" [ $? = 0 ]
ok "c not started" eval '! is_up sv/c'
mkservice sv/.zzz "exec sleep 1000"
mv sv/.zzz sv/zzz
wait_until 30 is_up sv/c; ok "the need appears and comes up: c starts" [ $? = 0 ]

# --- a need wanted down (a symlink names it) ---
wait_until 30 waiting_for d e; ok "a need wanted down: d waits for e (named by a symlink)" [ $? = 0 ]
svc -u sv/e
wait_until 30 is_up sv/d; ok "svc -u e: d starts" [ $? = 0 ]
svc -d sv/e
wait_until 30 is_down sv/e
ok "e taken down later: d keeps running" is_up sv/d

# --- a cycle: said, broken, both start ---
wait_until 30 is_up sv/x; ok "a cycle: x starts" [ $? = 0 ]
wait_until 30 is_up sv/y; ok "a cycle: y starts" [ $? = 0 ]
wait_until 30 eval 'grep -q "needs cycle: x -> y -> x" scan-stderr'
ok "the cycle is named, every member" [ $? = 0 ]
# Whichever member waited (one did: a cycle always waits at first) shows it.
wait_until 30 eval 'svstat sv/x sv/y | grep -q "needs cycle: x -> y -> x (ignored)"'
ok "svstat shows the cycle" [ $? = 0 ]
# Mended: y no longer needs x. Restarted, each looks again and shows nothing.
rm sv/y/needs/x
for s in x y; do
  old=$(svpid sv/$s)
  svc -t sv/$s
  wait_until 30 pid_changed sv/$s "$old"
done
wait_until 30 eval '! svstat sv/x sv/y | grep -q "needs cycle"'
ok "a mended cycle is no longer shown" [ $? = 0 ]
ok "and both run" eval 'is_up sv/x && is_up sv/y'

# --- bad entries ---
wait_until 30 is_up sv/bad; ok "bad entries are ignored: the service starts" [ $? = 0 ]
for entry in .hidden bad alog root; do
  ok "needs/$entry is warned about" [ "$(said "ignoring ./needs/$entry:")" = 1 ]
done
like "$(grep -F 'needs/bad:' scan-stderr)" "cannot need itself" "the warning says why (itself)"
like "$(grep -F 'needs/alog:' scan-stderr)" "a logger .* is not a need" "the warning says why (a logger)"
wait_until 30 is_up sv/filed; ok "a needs that is a file: the service starts" [ $? = 0 ]
ok "and that is said" [ "$(said "vigil-supervise filed: warning: ignoring ./needs: not a directory")" = 1 ]

# --- a need removed while waiting ---
wait_until 30 waiting_for f g; ok "f waits for g" [ $? = 0 ]
rm sv/f/needs/g
wait_until 30 is_up sv/f; ok "its entry removed: f starts" [ $? = 0 ]

# --- 10,000 needs ---
wait_until 30 waiting_for many n00001; ok "10,000 needs: waiting, the first named" [ $? = 0 ]
like "$(svstat sv/many)" "waiting for n00001, .*, \.\.\.$" "the list is cut, and says so"
rm -r sv/many/needs
wait_until 30 is_up sv/many; ok "needs/ removed: it starts" [ $? = 0 ]
ok "the scanner lived through it all" alive "$scanner"

# --- the stop, in reverse order ---
wait_until 30 is_up sv/r; ok "r, needing q needing p, is up" [ $? = 0 ]
kill -TERM "$scanner"
wait_until 60 dead "$scanner"; ok "the scanner stops" [ $? = 0 ]
is "$(tr '\n' ' ' < downs)" "r q p " "stopped in reverse order of needs: r, then q, then p"

# --- no needs/: nothing changes (every other test says so too) ---
ok "a service without needs/ never says waiting" eval '! grep -q "sv/e: warning: waiting" scan-stderr'

done_testing
