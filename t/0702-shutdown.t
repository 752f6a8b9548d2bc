#!/bin/sh
# vigil-shutdown: requests to PID 1 (busybox's signals), their refusals,
# and --final as PID 1 of a PID+mount namespace, in a tmpfs test root
# (VIGIL_FINAL_ROOT): stragglers killed before anything is unmounted, and
# the namespace's init ending the way the kernel reports each mode.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

mkdir "$T/bin"
for name in halt poweroff reboot shutdown; do ln -s "$VIGIL_BIN/vigil-shutdown" "$T/bin/$name"; done

out=$(vigil-shutdown --final poweroff 2>&1); code=$?
is "$code" 100 "--final not as PID 1: exit 100"
like "$out" "vigil-shutdown: fatal: --final runs only as PID 1" "--final not as PID 1: a clear message"
out=$(vigil-shutdown sideways 2>&1); code=$?
is "$code" 100 "an unknown mode: exit 100"
out=$("$T/bin/shutdown" -h -r now 2>&1); code=$?
is "$code" 100 "shutdown with two modes: exit 100"
out=$("$T/bin/shutdown" -r soon 2>&1); code=$?
is "$code" 100 "shutdown at a time that is not now or +MIN: exit 100"

# Refusals, each in a namespace of its own so no request can reach the host's init.
out=$(unshare -fpm --mount-proc sh -c '"$0"; echo "exit $?"' "$T/bin/poweroff" 2>&1)
like "$out" "PID 1 is not vigil \(it is sh\)" "PID 1 not vigil: a clear error"
like "$out" "exit 100$" "PID 1 not vigil: exit 100"
chmod 755 "$T" "$T/bin"
out=$(unshare -fpm --mount-proc setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/bin/poweroff" 2>&1; echo "exit $?")
like "$out" "vigil-shutdown: fatal: unable to poweroff: permission denied: only root" "poweroff as nobody: a clear error"
like "$out" "exit 100$" "poweroff as nobody: exit 100"

# A stand-in PID 1 named vigil-scan records the signal a request sends.
# $1: the request to run inside, once the traps are set.
cat > "$T/bin/vigil-scan" <<EOF2
#!/bin/sh
for sig in USR1 USR2 TERM; do trap "echo \$sig >> $T/got; exit 0" \$sig; done
"\$@" &
i=0; while [ \$i -lt 2000 ]; do sleep 0.01; i=\$((i+1)); done
echo none >> $T/got
EOF2
chmod +x "$T/bin/vigil-scan"
request() {
  rm -f "$T/got"
  env VIGIL_RUNDIR="$T/run" timeout -s KILL 60 unshare --kill-child -fpm --mount-proc "$T/bin/vigil-scan" "$@" > "$T/request.out" 2>&1
  cat "$T/got"
}
is "$(request "$T/bin/poweroff")" USR2 "poweroff sends SIGUSR2 to PID 1"
is "$(request "$T/bin/halt")" USR1 "halt sends SIGUSR1 to PID 1"
is "$(request "$T/bin/reboot")" TERM "reboot sends SIGTERM to PID 1"
is "$(request "$T/bin/shutdown" -p now)" USR2 "shutdown -p now sends SIGUSR2"
is "$(request "$T/bin/shutdown" -r +0)" TERM "shutdown -r +0 sends SIGTERM"
is "$(request "$VIGIL_BIN/vigil-shutdown" halt)" USR1 "vigil-shutdown halt sends SIGUSR1"
ok "no -f: no force flag" [ ! -e "$T/run/shutdown-force" ]
is "$(request "$T/bin/poweroff" -f)" USR2 "poweroff -f sends SIGUSR2"
is "$(cat "$T/run/shutdown-force" 2>/dev/null)" poweroff "poweroff -f writes the force flag first"
if command -v busybox >/dev/null; then
  is "$(request busybox poweroff)" USR2 "busybox's poweroff works the same way"
  is "$(request busybox reboot)" TERM "busybox's reboot works the same way"
else
  diag "no busybox: its poweroff not checked"
fi

# --final MODE as PID 1 of a namespace. Inside: a tmpfs test root with a
# tmpfs under it, a process that ignores SIGTERM holding a file open there
# (its parent gone: an orphan, as a run script's child), and one that dies
# on SIGTERM. VIGIL_FINAL_ROOT keeps the unmounting inside the test root.
cat > "$T/final.sh" <<EOF2
#!/bin/sh
R=$T/root
export R
mkdir -p \$R && mount -t tmpfs tmpfs \$R && mkdir \$R/data && mount -t tmpfs tmpfs \$R/data || exit 7
sh -c 'sh -c "trap \"\" TERM; exec 3>\$R/data/held; exec sleep 1000" & ' 
sleep 1000 &
i=0; while [ ! -e \$R/data/held ] && [ \$i -lt 1000 ]; do sleep 0.01; i=\$((i+1)); done
VIGIL_FINAL_ROOT=\$R exec "$VIGIL_BIN/vigil-shutdown" --final -g \$2 \$1
EOF2
chmod +x "$T/final.sh"
final() {
  timeout -s KILL 60 unshare --kill-child -fpm --mount-proc "$T/final.sh" "$1" "$2" > "$T/final.out" 2>&1
}
final poweroff 500; code=$?
is "$code" 130 "--final poweroff: the namespace's init dies of SIGINT (128+2)"
out=$(cat "$T/final.out")
like "$out" "SIGTERM: 1 processes left after the grace time: SIGKILL" "--final: the process ignoring SIGTERM is left after the grace"
like "$out" "left after SIGTERM: [0-9]+ \\(sleep\\) state [RS]" "--final: the process ignoring SIGTERM is named, pid and name"
like "$out" "SIGKILL: every process is gone" "--final: SIGKILL ends it"
like "$out" "unmount: 1 unmounted, 0 busy and remounted read-only, 0 failed" "--final: the file it held is closed before the unmount"
like "$out" "remounted $T/root read-only" "--final: the root is remounted read-only"
ok "--final: one line per step, each with its time" [ "$(grep -cE '^vigil-shutdown: [0-9]+\.[0-9]{3}s: ' "$T/final.out")" -ge 6 ]
before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }
ok "--final: the kill comes before the unmount" \
  before "$(grep -n 'SIGKILL: every' "$T/final.out" | cut -d: -f1)" "$(grep -n 'unmount:' "$T/final.out" | cut -d: -f1)"
final halt 500; code=$?
is "$code" 130 "--final halt: the namespace's init dies of SIGINT"
final reboot 500; code=$?
is "$code" 129 "--final reboot: the namespace's init dies of SIGHUP (128+1)"
ok "the test root is not mounted on the host" [ -z "$(grep " $T/root" /proc/self/mountinfo)" ]

# Nothing left: every process that obeys SIGTERM gone at once, no wait for the grace.
cat > "$T/prompt.sh" <<EOF2
#!/bin/sh
for i in 1 2 3 4 5; do sleep 1000 & done
exec "$VIGIL_BIN/vigil-shutdown" --final -g 60000 poweroff
EOF2
chmod +x "$T/prompt.sh"
timeout -s KILL 60 unshare --kill-child -fpm --mount-proc "$T/prompt.sh" > "$T/prompt.out" 2>&1
like "$(cat "$T/prompt.out")" "SIGTERM: every process is gone" "--final: processes that obey SIGTERM do not wait for a 60 s grace"
like "$(cat "$T/prompt.out")" "in a child PID namespace: the mounts are left to the host" "--final: without a test root, a namespace leaves the mounts alone"

# A survivor: a process stuck in D state, alive after SIGKILL (it closes a
# file of a FUSE filesystem that never answers the FLUSH: t/helpers/fusestuck),
# its cwd in the test root's data mount. The final stage still unmounts what
# it can, remounts the busy mount and the root read-only, and reboots; the
# namespace ends once the FUSE server dies and frees the survivor.
if [ -c /dev/fuse ] && grep -qw fuse /proc/filesystems; then
  mkdir "$T/fuse" "$T/marks"
  start "$VIGIL_HELPERS/fusestuck" "$T/fuse" "$T/marks" 2> "$T/fuse.err"
  fuse=$!
  trap 'kill -TERM "$fuse" 2>/dev/null; wait_until 10 dead "$fuse"; umount -l "$T/fuse" 2>/dev/null; cleanup' EXIT
  if wait_until 10 test -e "$T/marks/mounted"; then
    cat > "$T/stuck.sh" <<EOF2
#!/bin/sh
R=$T/sroot; export R
mkdir -p \$R && mount -t tmpfs tmpfs \$R && mkdir \$R/data && mount -t tmpfs tmpfs \$R/data || exit 7
sh -c 'echo \$\$ > "$T/survivor.pid" && cd \$R/data && exec 3< "$T/fuse/f" && exec sleep 1000' &
i=0; while [ ! -e "$T/marks/opened" ] && [ \$i -lt 1000 ]; do sleep 0.01; i=\$((i+1)); done
VIGIL_FINAL_ROOT=\$R exec "$VIGIL_BIN/vigil-shutdown" --final -g 200 poweroff
EOF2
    chmod +x "$T/stuck.sh"
    start unshare --kill-child -fpm --mount-proc "$T/stuck.sh" > "$T/stuck.out" 2>&1
    stuck=$!
    # The last line before reboot(2) is the mode's name alone.
    wait_until 60 grep -qE '^vigil-shutdown: [0-9.]+s: poweroff$' "$T/stuck.out"
    ok "survivor: the final stage reaches reboot(2)" [ $? = 0 ]
    out=$(cat "$T/stuck.out")
    ok "survivor: it was stuck in the kernel (its FLUSH unanswered)" test -e "$T/marks/flushing"
    like "$out" "SIGKILL: 1 processes still left" "survivor: SIGKILL leaves it, and that is said"
    like "$out" "sync done" "survivor: the sync still ends"
    like "$out" "unmounting all the same" "survivor: the unmount goes on all the same"
    like "$out" "unmount: 0 unmounted, 1 busy and remounted read-only, 0 failed" "survivor: its busy mount is remounted read-only"
    like "$out" "remounted $T/sroot read-only" "survivor: the root is remounted read-only"
    # What was still busy, named: the survivor by its pid (in the
    # namespace) and name, and the mount it holds by its path.
    spid=$(cat "$T/survivor.pid" 2>/dev/null)
    like "$out" "vigil-shutdown: [0-9.]+s: left after SIGKILL: ${spid:-none} \\(sleep\\) state D" "survivor: named after SIGKILL, pid and name, in D state"
    like "$out" "left after SIGTERM: ${spid:-none} \\(sleep\\) state" "survivor: named after the grace time too"
    like "$out" "not unmounted \\([^)]*\\), remounted read-only: $T/sroot/data\$" "survivor: the busy mount named by its path"
    is "$(grep -c 'left after SIGKILL: ' "$T/stuck.out")" 1 "survivor: nothing else named (no kernel thread, not PID 1)"
    # The hard deadline, from the stage's own stamps: reboot(2) at most the
    # grace (200 ms) + the wait after SIGKILL (5 s) + the bounded sync (15 s)
    # after it began, with 2 s for the unmounts and a loaded machine.
    # stamp ERE: the milliseconds of the first step line matching ERE.
    stamp() { grep -E "^vigil-shutdown: [0-9.]+s: $1" "$T/stuck.out" | head -n 1 | awk '{ sub(/s:$/, "", $2); printf "%d\n", $2 * 1000 + 0.5 }'; }
    within() { [ -n "$1" ] && [ "$1" -le "$2" ]; }
    ok "survivor: SIGKILL's wait ended at its deadline ($(stamp 'SIGKILL: 1 processes') ms <= 200 + 5000 + 2000)" within "$(stamp 'SIGKILL: 1 processes')" 7200
    ok "survivor: reboot(2) within the hard deadline ($(stamp 'poweroff$') ms <= 200 + 5000 + 15000 + 2000)" within "$(stamp 'poweroff$')" 22200
    kill -TERM "$fuse"
    reap "$stuck" 30; is "$?" 130 "survivor: freed, the namespace's init dies of SIGINT"
  else
    fail "survivor: the FUSE helper could not mount: $(cat "$T/fuse.err")"
  fi

  # A walk that hangs: a mount on a dir of a FUSE filesystem that stops
  # answering LOOKUPs (fusestuck stall-lookups), bound into the test root.
  # umount2 of that mount hangs in the path walk, forever; the unmounts
  # run in a child, killed FINAL_UNMOUNT_MS (10 s) later, and a second
  # round passes over the mount it hung on: the rest read-only, reboot(2).
  mkdir "$T/fuse2" "$T/marks2"
  start "$VIGIL_HELPERS/fusestuck" "$T/fuse2" "$T/marks2" stall-lookups 2> "$T/fuse2.err"
  fuse2=$!
  trap 'kill -TERM "$fuse" "$fuse2" 2>/dev/null; wait_until 10 dead "$fuse"; wait_until 10 dead "$fuse2"; umount -l "$T/fuse" "$T/fuse2" 2>/dev/null; cleanup' EXIT
  if wait_until 10 test -e "$T/marks2/mounted"; then
    cat > "$T/hang.sh" <<EOF2
#!/bin/sh
R=$T/hroot
mkdir -p \$R && mount -t tmpfs tmpfs \$R && mkdir \$R/fuse && mount --bind "$T/fuse2" \$R/fuse && mount -t tmpfs tmpfs \$R/fuse/d || exit 7
: > "$T/marks2/stall"
VIGIL_FINAL_ROOT=\$R exec "$VIGIL_BIN/vigil-shutdown" --final -g 200 poweroff
EOF2
    chmod +x "$T/hang.sh"
    start unshare --kill-child -fpm --mount-proc "$T/hang.sh" > "$T/hang.out" 2>&1
    hang=$!
    wait_until 60 grep -qE '^vigil-shutdown: [0-9.]+s: poweroff$' "$T/hang.out"
    ok "a hanging unmount: the final stage still reaches reboot(2)" [ $? = 0 ]
    ok "the unmount did hang (a LOOKUP left unanswered)" test -e "$T/marks2/stalled"
    like "$(cat "$T/hang.out")" "unmounting did not end in time, stuck on $T/hroot/fuse/d: going on without it \\(a filesystem is not answering\\?\\)" "a hanging unmount: said, and where"
    like "$(cat "$T/hang.out")" "not unmounted \\([^)]*\\), remounted read-only: $T/hroot/fuse\$" "the rest unmounted without it: the mount above it, busy, remounted read-only"
    like "$(cat "$T/hang.out")" "remounted $T/hroot read-only" "... and the root remounted read-only"
    ok "the second round did not hang" sh -c "! grep -q 'without it did not end in time' '$T/hang.out'"
    hstamp() { grep -E "^vigil-shutdown: [0-9.]+s: $1" "$T/hang.out" | head -n 1 | awk '{ sub(/s:$/, "", $2); printf "%d\n", $2 * 1000 + 0.5 }'; }
    ok "a hanging unmount: reboot(2) within its bound ($(hstamp 'poweroff$') ms <= 200 + 15000 + 10000 + 2000)" within "$(hstamp 'poweroff$')" 27200
    kill -TERM "$fuse2"
    reap "$hang" 30; is "$?" 130 "a hanging unmount: the namespace's init dies of SIGINT"
  else
    fail "a hanging unmount: the FUSE helper could not mount: $(cat "$T/fuse2.err")"
  fi
else
  diag "no FUSE here (/dev/fuse, /proc/filesystems): the final stage's survivor not checked"
fi

done_testing
