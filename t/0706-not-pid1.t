#!/bin/sh
# Started by mistake (issue 19, pitfall 8): every entry point that could
# touch mounts or processes, run as root but not as PID 1, refuses and
# touches nothing. vigil-init, vigil-shutdown --final (any arguments),
# vigil-scan -r machine (PID 1's duties: rc.shutdown, then --final), and
# the requests halt, poweroff, reboot, shutdown (with and without -f, now
# or +MIN) when PID 1 is not vigil.
#
# Each entry runs in fresh namespaces (unshare -fpm --mount-proc), as a
# child of a stand-in init, so that an entry that wrongly called reboot(2)
# or kill(-1) would end that namespace only, never this host: the init
# traps the requests' signals, starts a sentinel, mounts a tmpfs test root
# with a tmpfs in it (VIGIL_FINAL_ROOT, so even a --final gone wrong would
# unmount only there), and records its mount table before and after.
# Asserted per entry: the refusal message, exit 100, the sentinel alive,
# the init alive and signalled by nobody, the same mountinfo, no force flag.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

mkdir "$T/bin" "$T/scan"
for name in halt poweroff reboot shutdown; do ln -s "$VIGIL_BIN/vigil-shutdown" "$T/bin/$name"; done

# The stand-in init: $1 the dir for its records, then the entry to run.
# The entry is its child's child (timeout's): never PID 1, and bounded.
cat > "$T/stand-in" <<'EOF'
#!/bin/sh
out=$1; shift
for sig in HUP INT QUIT USR1 USR2 TERM PWR; do trap "echo $sig >> $out/signals" $sig; done
mkdir -p "$out/root" && mount -t tmpfs tmpfs "$out/root" && mkdir "$out/root/data" &&
  mount -t tmpfs tmpfs "$out/root/data" || exit 7
sleep 1000 &
sentinel=$!
cat /proc/self/mountinfo > "$out/before"
VIGIL_FINAL_ROOT=$out/root VIGIL_RUNDIR=$out/run timeout -s KILL 30 "$@" > "$out/output" 2>&1
echo $? > "$out/code"
cat /proc/self/mountinfo > "$out/after"
kill -0 "$sentinel" 2>/dev/null && echo alive > "$out/sentinel"
kill -KILL "$sentinel"
echo alive > "$out/init"
EOF
chmod +x "$T/stand-in"
# PID 1 named as one of vigil's own (its comm): the entries that must refuse
# whatever PID 1 is are run under it too.
mkdir "$T/vigil"
cp "$T/stand-in" "$T/vigil/vigil-scan"

# entry INIT NAME REFUSAL ENTRY...: run ENTRY under the stand-in INIT
# (stand-in or vigil/vigil-scan); REFUSAL an ERE of its message.
n=0
entry() {
  local init=$1 name=$2 refusal=$3 out code
  shift 3
  n=$((n + 1))
  out=$T/run.$n
  mkdir "$out"
  timeout -s KILL 60 unshare --kill-child -fpm --mount-proc "$T/$init" "$out" "$@" > "$out/unshare" 2>&1
  code=$?
  is "$code" 0 "$name: the namespace's init lived to the end (not killed by a reboot(2))"
  like "$(cat "$out/output" 2>/dev/null)" "$refusal" "$name: refused, saying why"
  is "$(cat "$out/code" 2>/dev/null)" 100 "$name: exit 100"
  ok "$name: the sentinel is alive (no kill(-1))" [ "$(cat "$out/sentinel" 2>/dev/null)" = alive ]
  ok "$name: the init got no signal" [ ! -e "$out/signals" ]
  ok "$name: the same mount table" cmp -s "$out/before" "$out/after"
  ok "$name: no force flag written" [ ! -e "$out/run/shutdown-force" ]
  [ "$code" = 0 ] || diag "$name: unshare: $(cat "$out/unshare")"
}

for init in stand-in vigil/vigil-scan; do
  entry $init "vigil-init ($init)" "vigil-init: fatal: not PID 1" "$VIGIL_BIN/vigil-init"
  entry $init "vigil-init -- true ($init)" "vigil-init: fatal: not PID 1" env VIGIL_ROLE=container "$VIGIL_BIN/vigil-init" -- true
  for mode in poweroff halt reboot; do
    entry $init "vigil-shutdown --final $mode ($init)" "vigil-shutdown: fatal: --final runs only as PID 1" \
      "$VIGIL_BIN/vigil-shutdown" --final -g 0 $mode
  done
  entry $init "vigil-shutdown --final with bad arguments ($init)" "vigil-shutdown: fatal: --final runs only as PID 1" \
    "$VIGIL_BIN/vigil-shutdown" --final sideways
  entry $init "vigil-scan -r machine ($init)" "vigil-scan: fatal: not PID 1: -r machine" \
    "$VIGIL_BIN/vigil-scan" -r machine "$T/scan"
done

# The requests, on a system whose PID 1 is not vigil.
refusal="vigil-shutdown: fatal: PID 1 is not vigil \(it is stand-in\)"
for request in halt poweroff reboot "halt -f" "poweroff -f" "reboot -f"; do
  entry stand-in "$request" "$refusal" "$T/bin/${request%% *}" ${request#"${request%% *}"}
done
for request in "vigil-shutdown poweroff" "vigil-shutdown -f reboot"; do
  entry stand-in "$request" "$refusal" "$VIGIL_BIN/vigil-shutdown" ${request#vigil-shutdown }
done
for args in "-h now" "-p now" "-r now" "-f -r now" "-p +5"; do
  entry stand-in "shutdown $args" "$refusal" "$T/bin/shutdown" $args
done
# shutdown +5 refused at once, not after five minutes: each entry is bounded
# by 30 s above (timeout), and a wait would have ended in SIGKILL (exit 137).

done_testing
