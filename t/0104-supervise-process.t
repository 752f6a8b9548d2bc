#!/bin/sh
# The supervisor as a process: lock, SIGTERM, supervise/ as a symlink, a
# clean environment for the service, and surviving fork failures.
. "$(dirname "$0")/lib.sh"

# --- the service starts clean, whatever the supervisor inherited ---
mkservice clean "exec fdreport $T/clean-report"
(
  trap '' INT QUIT   # as a shell's background job would have
  exec 7> "$T/leaked-fd"
  exec vigil-supervise clean
) &
sup=$!; track "$sup"
wait_until 30 eval '[ -f clean-report ]'; ok "service reports its environment" [ $? = 0 ]
is "$(sed -n 1p clean-report)" "fds 0 1 2" "only fds 0, 1, 2 (no leaked fd 7, no supervisor fds)"
is "$(sed -n 's/^ignored //p' clean-report)" "0000000000000000" "no ignored signals (SIGINT, SIGQUIT reset)"
is "$(sed -n 's/^blocked //p' clean-report)" "0000000000000000" "empty signal mask"
is "$(sed -n 's/^sid-is-pid //p' clean-report)" 1 "service runs in its own session"

# --- SIGTERM: down, then exit; finish runs first ---
printf '#!/bin/sh\necho finished >> %s/clean-finish\n' "$T" > clean/finish; chmod +x clean/finish
wait_until 30 is_up clean   # the report may come before the status says up
pid=$(svpid clean)
kill -TERM "$sup"
wait_until 30 dead "$sup"; ok "SIGTERM: the supervisor exits" [ $? = 0 ]
reap "$sup"; is "$?" 0 "SIGTERM: exit code 0"
ok "SIGTERM: the service was brought down" dead "$pid"
is "$(cat clean-finish 2>/dev/null)" finished "SIGTERM: finish ran before the supervisor exited"
like "$(svstat clean)" 'supervisor not running' "svstat: supervisor not running"

# --- SIGTERM with a service that ignores TERM: timeout-kill ends it ---
mkservice stubborn "SIGRECORD_STAY=1 exec sigrecord $T/stubborn-signals"
echo 200 > stubborn/timeout-kill
supervise stubborn
sup=$(last_started)
wait_until 30 is_up stubborn
pid=$(svpid stubborn)
kill -TERM "$sup"
wait_until 30 dead "$sup"; ok "SIGTERM + timeout-kill: supervisor exits" [ $? = 0 ]
ok "SIGTERM + timeout-kill: the service is gone" dead "$pid"

# --- SIGHUP: exit once the service is down, without bringing it down ---
mkservice hup 'exec sleep 1000'
supervise hup
sup=$(last_started)
wait_until 30 is_up hup
pid=$(svpid hup)
kill -HUP "$sup"
# Proof the signal was handled: vigil's status flags (byte 40, see
# lib/svstatus.c) lose "live" (bit 2) once the supervisor is asked to exit.
not_live() { [ $(( $(od -An -tu1 -j40 -N1 "$1"/supervise/status) & 4 )) = 0 ]; }
wait_until 30 not_live hup; ok "SIGHUP: handled (the status is no longer live)" [ $? = 0 ]
is "$(svpid hup)" "$pid" "SIGHUP: the service keeps running"
ok "SIGHUP: its process is still there" alive "$pid"
svc -d hup
wait_until 30 dead "$sup"; ok "SIGHUP: the supervisor exits once the service is down" [ $? = 0 ]

# --- the lock ---
mkservice locked 'exec sleep 1000'
supervise locked
wait_until 30 is_up locked
pid=$(svpid locked)
err=$(vigil-supervise locked 2>&1); code=$?
is "$code" 111 "a second supervisor exits 111"
like "$err" 'already supervised' "and says: already supervised"
is "$(svpid locked)" "$pid" "the first supervisor and its service are untouched"

# --- supervise/ as a symlink: dangling (Void style), or to an existing dir ---
mkservice void 'exec sleep 1000'
ln -s "$T/run/runit/supervise.void" void/supervise
supervise void
wait_until 30 is_up void; ok "dangling supervise symlink: target created, service up" [ $? = 0 ]
ok "status lives in the symlink's target" [ -f "$T/run/runit/supervise.void/status" ]
mkservice linked 'exec sleep 1000'
mkdir "$T/elsewhere"
ln -s ../elsewhere linked/supervise
supervise linked
wait_until 30 is_up linked; ok "relative supervise symlink to an existing dir works" [ $? = 0 ]
ok "status lives in the target" [ -f "$T/elsewhere/status" ]

# --- fork failure is transient: the supervisor backs off and goes on ---
# A uid of its own, not nobody: RLIMIT_NPROC counts every process of the
# uid, and another test (or a daemon) may run as nobody meanwhile.
nproc_uid=64999
if command -v setpriv >/dev/null && command -v prlimit >/dev/null && [ "$(id -u)" = 0 ] && ! getent passwd "$nproc_uid" >/dev/null; then
  mkdir -p "$T/nproc"
  chmod 755 "$T"
  mkservice nproc/svc 'exec sleep 1000'
  chown -R "$nproc_uid:$nproc_uid" "$T/nproc"
  # A blocker process plus the supervisor fill the limit, so the
  # supervisor's fork fails until the blocker is gone.
  others=$(ps -u "$nproc_uid" -o pid= | wc -l)
  limit=$((others + 2))
  start setpriv --reuid="$nproc_uid" --regid="$nproc_uid" --clear-groups sleep 1000
  blocker=$(last_started)
  wait_until 30 eval '[ "$(ps -u "$nproc_uid" -o pid= | wc -l)" -ge $((others + 1)) ]'
  start prlimit --nproc=$limit setpriv --reuid="$nproc_uid" --regid="$nproc_uid" --clear-groups vigil-supervise "$T/nproc/svc" 2> nproc-stderr
  wait_until 30 eval 'svstat "$T/nproc/svc" 2>/dev/null | grep -q "fork failed"'; ok "fork EAGAIN: status says fork failed" [ $? = 0 ]
  like "$(cat nproc-stderr)" 'unable to spawn ./run \(backing off\)' "fork EAGAIN: the supervisor says so on stderr"
  ok "fork EAGAIN: the supervisor is still running" svok "$T/nproc/svc"
  kill -KILL "$blocker"
  wait_until 30 dead "$blocker"
  svc -u "$T/nproc/svc"
  wait_until 30 is_up "$T/nproc/svc"; ok "once forks work again the service comes up" [ $? = 0 ]
else
  pass "# SKIP fork-failure test needs root, setpriv, prlimit and a free uid 64999"
  pass "# SKIP"
  pass "# SKIP"
  pass "# SKIP"
fi

done_testing
