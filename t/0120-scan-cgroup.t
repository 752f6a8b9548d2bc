#!/bin/sh
# cgroups (issue 21), under a real vigil-scan given a vigil subtree in
# $VIGIL_CGROUP (a cgroup v2 hierarchy this machine has, or one mounted
# in the test's own mount namespace): each service runs in BASE/NAME/run,
# its logger in BASE/NAME/log, an instance under its own name; the path
# is in supervise/cgroup, the run never sees $VIGIL_CGROUP. svc -d and
# svc -t kill what the run left in its cgroup (a child it backgrounded);
# a run that dies of itself leaves it (as runit). A service removed, or
# the scanner stopped, removes its cgroups. A subtree that cannot be had
# (no cgroup v2, a relative path) is said once, and the services run as
# without; a scanner not PID 1 and not asked uses none, quietly.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

# The first cgroup v2 mount, from mountinfo (field 9 the type, 5 the point).
cgroup2_mount() { awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo; }
base=
mnt=$(cgroup2_mount)
if [ -n "$mnt" ] && mkdir "$mnt/vigil-test-$$" 2>/dev/null; then
  base=$mnt/vigil-test-$$
else
  # Outside $T: cleanup's rm -rf must never walk into a cgroup hierarchy.
  own=$(mktemp -d "${TMPDIR:-/tmp}/vigil-cgroup.XXXXXX")
  if mount -t cgroup2 none "$own" 2>/dev/null && mkdir "$own/vigil-test-$$" 2>/dev/null; then
    mnt=$own; base=$mnt/vigil-test-$$
  fi
fi
# The subtree goes once its services are gone (cleanup kills them first).
remove_base() {
  [ -n "$base" ] && [ -d "$base" ] && find "$base" -depth -type d -exec rmdir {} \; 2>/dev/null
  if [ -n "${own:-}" ]; then umount "$own" 2>/dev/null; rmdir "$own"; fi
}
trap 'cleanup; remove_base' EXIT

in_cgroup() { grep -qx "$2" "$1/cgroup.procs" 2>/dev/null; }
cgroup_empty() { [ -z "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }
no_dir() { [ ! -d "$1" ]; }

if [ -z "$base" ]; then
  diag "no cgroup v2 here, and none can be mounted: only the parts without one run"
else
  mkdir sv
  mkservice sv/left "sleep 1000 & echo \$! > $T/left.child; env > $T/left.env; exec sleep 2000"
  mkservice sv/crash "sleep 1000 & echo \$! > $T/crash.child; exec sleep 2000"
  # A child that says it got the down-signal, and one that ignores it.
  mkservice sv/polite "sh -c 'trap \"echo term > $T/polite.term; exit 0\" TERM; echo \$\$ > $T/polite.child; while :; do sleep 1; done' & exec sleep 2000"
  mkservice sv/deaf "sh -c 'trap \"\" TERM; echo \$\$ > $T/deaf.child; exec sleep 1000' & exec sleep 2000"
  echo 1000 > sv/deaf/timeout-kill
  mkservice sv/keep "sleep 1000 & echo \$! > $T/keep.child; exec sleep 2000"
  echo 0 > sv/keep/kill-cgroup
  mkservice sv/badflag "exec sleep 2000"
  echo maybe > sv/badflag/kill-cgroup
  # An exec that fails in a child born in its cgroup: told all the same.
  mkdir sv/noexec; printf '#!/nonexistent/sh\n' > sv/noexec/run; chmod +x sv/noexec/run
  mkservice sv/logged "echo hello; exec sleep 2000"
  mkservice sv/logged/log "exec cat > $T/logged.out"
  mkservice sv/tty@ 'echo "$1" > '"$T"'/tty.arg; exec sleep 2000'
  ln -s tty@ sv/tty@x
  VIGIL_CGROUP=$base; export VIGIL_CGROUP
  start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
  VIGIL_CGROUP=off
  scan=$(last_started)
  wait_until 30 is_up sv/left && wait_until 30 is_up sv/crash && wait_until 30 is_up sv/logged && wait_until 30 is_up sv/tty@x \
    && wait_until 30 test -s left.child && wait_until 30 test -s crash.child
  ok "four services up under the scanner" [ $? = 0 ]
  wait_until 30 is_up sv/polite && wait_until 30 is_up sv/deaf && wait_until 30 is_up sv/keep \
    && wait_until 30 test -s polite.child && wait_until 30 test -s deaf.child && wait_until 30 test -s keep.child
  ok "and polite, deaf, keep" [ $? = 0 ]
  run=$(svpid sv/left); child=$(cat left.child); track "$child"
  is "$(cat sv/left/supervise/cgroup 2>/dev/null)" "$base/left/run" "supervise/cgroup names BASE/NAME/run"
  ok "the run is in its cgroup" in_cgroup "$base/left/run" "$run"
  ok "the child it backgrounded too" in_cgroup "$base/left/run" "$child"
  ok "the run does not see VIGIL_CGROUP" sh -c "! grep -q '^VIGIL_CGROUP=' $T/left.env"
  logger=$(svpid sv/logged/log)
  ok "a logger is in BASE/NAME/log" in_cgroup "$base/logged/log" "$logger"
  is "$(cat sv/logged/log/supervise/cgroup 2>/dev/null)" "$base/logged/log" "its supervise/cgroup says so"
  ok "its service in BASE/NAME/run" in_cgroup "$base/logged/run" "$(svpid sv/logged)"
  ok "an instance: BASE/NAME@ARG/run" in_cgroup "$base/tty@x/run" "$(svpid sv/tty@x)"
  is "$(cat sv/.instances/tty@x/supervise/cgroup 2>/dev/null)" "$base/tty@x/run" "its supervise/cgroup, in its state dir"
  ok "no cgroup for the template itself" no_dir "$base/tty@"

  # svc -d: the down-signal to the run, then the cgroup killed.
  svc -d sv/left; wait_until 30 is_down sv/left
  ok "svc -d: down" [ $? = 0 ]
  wait_until 10 dead "$child"
  ok "svc -d: the child the run left is killed with it" [ $? = 0 ]
  ok "svc -d: the cgroup is empty" cgroup_empty "$base/left/run"
  ok "svc -d: the cgroup stays while its supervisor does" test -d "$base/left/run"

  # svc -t: the same before the restart.
  rm -f left.child; svc -u sv/left
  wait_until 30 test -s left.child; child=$(cat left.child); track "$child"; run=$(svpid sv/left)
  ok "svc -u: a new child, in the cgroup" in_cgroup "$base/left/run" "$child"
  svc -t sv/left
  wait_until 30 pid_changed sv/left "$run"
  ok "svc -t: restarted" [ $? = 0 ]
  ok "svc -t: the old run's child is gone" dead "$child"

  wait_until 30 eval 'svstat sv/noexec 2>/dev/null | grep -q "run is not executable"'
  ok "a run whose interpreter is missing: svstat says so, as without a cgroup" [ $? = 0 ]
  # Started again and again: each start a child born in the cgroup.
  run=$(svpid sv/badflag)
  for i in 1 2 3; do svc -t sv/badflag; wait_until 30 pid_changed sv/badflag "$run"; run=$(svpid sv/badflag); done
  ok "restarted three times: the run is in its cgroup" in_cgroup "$base/badflag/run" "$run"

  # What is left gets the down-signal first, then SIGKILL at timeout-kill.
  child=$(cat polite.child); track "$child"
  svc -d sv/polite; wait_until 30 is_down sv/polite
  ok "svc -d polite: down, once what it left is gone" dead "$child"
  ok "... which got the down-signal (TERM) first, and said so" test -s polite.term
  child=$(cat deaf.child); track "$child"
  t0=$(now_ms); svc -d sv/deaf; wait_until 30 is_down sv/deaf; t1=$(now_ms)
  ok "svc -d deaf: a child that ignores TERM is gone once the service is down" dead "$child"
  ok "... SIGKILLed at timeout-kill (1000 ms): down in $((t1 - t0)) ms, at least 900" [ $((t1 - t0)) -ge 900 ]
  # kill-cgroup 0 (systemd's KillMode=process): left, as an sshd's sessions.
  child=$(cat keep.child); track "$child"
  svc -d sv/keep; wait_until 30 is_down sv/keep
  ok "kill-cgroup 0: svc -d leaves what the run started" alive "$child"
  ok "... still in the service's cgroup" in_cgroup "$base/keep/run" "$child"
  kill -KILL "$child"
  wait_until 30 grep -q 'unable to read kill-cgroup (must be empty, 0 or 1: stopping the cgroup)' scan-stderr
  ok "a bad kill-cgroup: warned" [ $? = 0 ]

  # A death of the run's own: what it started is left.
  run=$(svpid sv/crash); child=$(cat crash.child); track "$child"
  kill -KILL "$run"
  wait_until 30 pid_changed sv/crash "$run"
  ok "a run killed from outside is restarted" [ $? = 0 ]
  ok "its child is left (as runit): no stop was asked" alive "$child"
  kill -KILL "$child"

  # A service removed: its cgroups go with its supervisors.
  rm -rf sv/logged
  wait_until 30 no_dir "$base/logged"
  ok "a service removed: BASE/NAME goes" [ $? = 0 ]

  kill -TERM "$scan"; wait_until 30 dead "$scan"
  ok "the scanner stops" [ $? = 0 ]
  wait_until 10 sh -c "[ -z \"\$(find '$base' -mindepth 1 -type d)\" ]"
  ok "the scanner stopped: no service cgroup is left under BASE" [ $? = 0 ]
  ok "and no supervise/cgroup file" sh -c "! ls $T/sv/*/supervise/cgroup 2>/dev/null | grep -q ."
  is "$(grep -i cgroup scan-stderr | grep -vc 'read kill-cgroup')" 0 "no warning about cgroups but the bad kill-cgroup's"
fi

# --- a subtree that cannot be had: said once, the services as without ---
mkdir -p bad/one bad/two bad/three
for s in one two three; do mkservice bad/$s "exec sleep 2000"; done
mkdir plain
VIGIL_CGROUP=$T/plain; export VIGIL_CGROUP
start vigil-scan "$T/bad" > bad-stdout 2> bad-stderr
VIGIL_CGROUP=off
wait_until 30 is_up bad/one && wait_until 30 is_up bad/two && wait_until 30 is_up bad/three
ok "no cgroup v2 at the path asked: the services run" [ $? = 0 ]
is "$(grep -c 'running them without' bad-stderr)" 1 "said once, for three services"
ok "... saying why" grep -qF "not using $T/plain as the services' cgroups (running them without): its parent is no cgroup v2 filesystem" bad-stderr
ok "no supervise/cgroup" sh -c "! ls $T/bad/*/supervise/cgroup 2>/dev/null | grep -q ."
kill -TERM "$(last_started)"; wait_until 30 dead "$(last_started)"

mkdir -p rel/one; mkservice rel/one "exec sleep 2000"
VIGIL_CGROUP=some/where; export VIGIL_CGROUP
start vigil-scan "$T/rel" > rel-stdout 2> rel-stderr
VIGIL_CGROUP=off
wait_until 30 is_up rel/one
ok "a relative path: the service runs" [ $? = 0 ]
is "$(grep -c 'must be an absolute path' rel-stderr)" 1 "a relative path: said once"
kill -TERM "$(last_started)"; wait_until 30 dead "$(last_started)"

# A subtree right under / (its parent "/", no cgroup v2): said as such.
mkdir -p top/one; mkservice top/one "exec sleep 2000"
VIGIL_CGROUP=/vigil-test-$$; export VIGIL_CGROUP
start vigil-scan "$T/top" > top-stdout 2> top-stderr
VIGIL_CGROUP=off
wait_until 30 is_up top/one
ok "a subtree under /: the service runs" [ $? = 0 ]
ok "... and the scanner says its parent, /, is no cgroup v2" grep -qF "not using /vigil-test-$$ as the services' cgroups (running them without): its parent is no cgroup v2 filesystem" top-stderr
ok "... and made nothing there" test ! -e /vigil-test-$$
kill -TERM "$(last_started)"; wait_until 30 dead "$(last_started)"

# Not PID 1, not asked: none, and nothing said.
mkdir -p quiet/one; mkservice quiet/one "exec sleep 2000"
unset VIGIL_CGROUP
start vigil-scan "$T/quiet" > quiet-stdout 2> quiet-stderr
wait_until 30 is_up quiet/one
ok "not PID 1, VIGIL_CGROUP unset: the service runs" [ $? = 0 ]
ok "... with no cgroup" test ! -e quiet/one/supervise/cgroup
is "$(grep -ci cgroup quiet-stderr)" 0 "... and nothing said"
kill -TERM "$(last_started)"; wait_until 30 dead "$(last_started)"

done_testing
