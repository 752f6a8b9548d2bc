#!/bin/sh
# End to end, a real container: images built with `podman build` from
# rootfs/container/Dockerfile (FROM scratch, a rootfs tarball of vigil's
# programs and busybox-static: rootfs/container/mkimage), run by podman
# as root. Every behaviour runs with two images: "rc", mkimage's, whose
# /etc/rc holds two services, and "no rc", the same with no /etc/rc at
# all (tini's use: vigil-init as ENTRYPOINT, no services). In both: CMD's
# exit code (3, 128+n, 127); CMD's stdout and stderr untouched and nothing
# said on a clean run; orphans reaped; `podman kill -s USR1` reaches CMD;
# `podman stop` ends the container at once, with CMD's code; a CMD
# ignoring TERM is killed at vigil's stop deadline; a read-only root as a
# non-root user, the live dir in /tmp. With services: their output on
# stdout and in `podman logs` with their names, and a clear message when
# nothing is writable for the live dir.
# Skipped only without podman (.ci/deps test installs it), or when podman
# cannot run a trivial container of that image here (its error is said).
top=$(cd "${0%/*}/.." && pwd)
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v podman >/dev/null || skip_all "no podman (.ci/deps test installs it: apt-get install podman runc)"
command -v busybox >/dev/null || skip_all "no busybox-static (.ci/deps test installs it)"
# The image's programs must be static: the musl build (ASan's are not).
file "$VIGIL_BIN/vigil-init" | grep -q 'statically linked' || skip_all "$VIGIL_BIN holds dynamic programs: the image needs static ones"

# podman as this machine and CI allow (root, no stdin, no network, no
# systemd, no CAP_SYS_RESOURCE):
# - a store of its own under $T (vfs: no overlayfs or fuse needed, and the
#   image is a few MB), so that nothing is shared with other podman users
#   of the machine and everything goes with $T;
# - cgroupfs, events in a file: no systemd, no journald;
# - runc when there is one: crun refuses hybrid cgroups (v1 controllers
#   beside an empty v2 hierarchy, as here);
# - --network none: no CNI bridge or iptables (nothing here needs a
#   network, and CI has none);
# - RLIMIT_NOFILE and NPROC no higher than ours: podman's defaults are
#   higher, and without CAP_SYS_RESOURCE runc cannot raise them ("error
#   setting rlimits for ready process: operation not permitted").
store=$T/podman
runtime=
command -v runc >/dev/null && runtime="--runtime runc"
limits="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
# pm ARGS: podman, bounded, stdin closed. pmrun ARGS: podman run, configured.
# shellcheck disable=SC2086
pm() {
  timeout 120 podman --root "$store/root" --runroot "$store/run" --tmpdir "$store/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file $runtime "$@" < /dev/null
}
# shellcheck disable=SC2086
pmrun() { pm run --network none $limits "$@"; }
# Containers left by a failed test, then whatever podman left mounted
# under its store (a container's shm), before $T goes.
podman_cleanup() {
  pm rm -a -f -t 0 > /dev/null 2>&1
  grep -o " $store/[^ ]*" /proc/mounts | sort -r | while read -r mnt; do umount -l "$mnt"; done
  cleanup
}
trap podman_cleanup EXIT

# The two images: mkimage's, and the same tarball less /etc/rc.
sh "$top/rootfs/container/mkimage" "$T/image-rc" "$VIGIL_BIN" > /dev/null || skip_all "mkimage failed"
mkdir -p "$T/image-norc"
cp "$T/image-rc/Dockerfile" "$T/image-norc/"
cp "$T/image-rc/vigil-rootfs.tar" "$T/image-norc/vigil-rootfs.tar"
tar --delete -f "$T/image-norc/vigil-rootfs.tar" ./etc/rc || skip_all "unable to drop /etc/rc from the tarball"
tar -tf "$T/image-norc/vigil-rootfs.tar" | grep -q '^\./etc/rc' && skip_all "tar --delete left /etc/rc in the tarball"
for setup in rc norc; do
  pm build -q -t "localhost/vigil-test-$setup" "$T/image-$setup" > "$T/build.out" 2>&1 \
    || { cat "$T/build.out" >&2; skip_all "podman build fails here: $(head -n 3 "$T/build.out" | tr '\n' ' ')"; }
done
# The probe: podman itself, not vigil (busybox's true as the entrypoint).
pmrun --rm --entrypoint /usr/bin/true localhost/vigil-test-rc > "$T/probe.out" 2>&1 \
  || { cat "$T/probe.out" >&2; skip_all "podman cannot run a container here: $(head -n 3 "$T/probe.out" | tr '\n' ' ')"; }

# logs_have NAME PATTERN: podman logs of container NAME has a line matching PATTERN.
logs_have() { pm logs "$1" 2>&1 | grep -q -- "$2"; }
# exited NAME: the container NAME is no longer running.
exited() { [ "$(pm inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = false ]; }
# logs_or_exited NAME PATTERN: waits (bounded) for PATTERN in its logs, or its end.
logs_or_exited() { logs_have "$1" "$2" || exited "$1"; }
waited_logs() {
  wait_until 60 logs_or_exited "$1" "$2"
  logs_have "$1" "$2"
}

exit_codes() {
  pmrun --rm "$image" sh -c 'exit 3' > /dev/null 2>&1
  is "$?" 3 "$name: podman: CMD's exit code is the container's"
  pmrun --rm "$image" sh -c 'kill -KILL $$' > /dev/null 2>&1
  is "$?" 137 "$name: podman: CMD killed by SIGKILL gives 137"
  pmrun --rm "$image" sh -c 'kill -SEGV $$' > /dev/null 2>&1
  is "$?" 139 "$name: podman: CMD killed by SIGSEGV gives 139"
  out=$(pmrun --rm "$image" /nonexistent/cmd 2>&1)
  is "$?" 127 "$name: podman: a CMD that is not there gives 127"
  like "$out" "vigil-init: warning: unable to run /nonexistent/cmd" "$name: podman: and says why"
}

output() {
  local k=$T/$setup
  pmrun --rm "$image" sh -c 'printf "cmd out\tone\r\nlast, no newline"; printf "cmd err \001\n" >&2; exit 0' \
    > "$k/stdout" 2> "$k/stderr"
  is "$?" 0 "$name: podman: a clean run"
  printf 'cmd out\tone\r\nlast, no newline' > "$k/want-stdout"
  printf 'cmd err \001\n' > "$k/want-stderr"
  ok "$name: podman: CMD's stderr byte for byte, nothing said" same_bytes "$k/want-stderr" "$k/stderr"
  if with_services; then
    ok "$name: podman: CMD's lines unprefixed among the services'" grep -qF "$(printf 'cmd out\tone\r')" "$k/stdout"
    out=$(pmrun --rm "$image" sh -c 'echo main ran after $(ls /run/service | tr "\n" " ")' 2>&1)
    like "$out" "^ticker: ticker ready" "$name: podman: a service's output on the container's stdout, its name first"
    like "$out" "main ran after hello ticker" "$name: podman: CMD ran, the live dir in /run/service"
  else
    ok "$name: podman: CMD's stdout byte for byte, nothing else" same_bytes "$k/want-stdout" "$k/stdout"
  fi
}

# CMD makes orphans that exit (reparented to PID 1) and waits, bounded,
# until each has left /proc: reaped, not only dead.
zombies() {
  out=$(pmrun --rm "$image" sh -c '
    for i in 1 2 3 4 5; do sh -c "sh -c \"exit 0\" & echo \$! >> /tmp/orphans; exit 0"; done
    sh -c "sleep 0.2 & echo \$! >> /tmp/orphans; exit 0"
    [ "$(wc -l < /tmp/orphans)" = 6 ] || { echo "orphans: $(cat /tmp/orphans)"; exit 2; }
    deadline=$(( $(date +%s) + 30 ))
    for pid in $(cat /tmp/orphans); do
      while [ -e /proc/$pid ]; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "orphan $pid not reaped: $(grep State /proc/$pid/status)"; exit 1; }
        sleep 0.01
      done
    done' 2>&1)
  code=$?
  is "$code" 0 "$name: podman: orphans that exit are reaped by PID 1"
  [ "$code" = 0 ] || diag "$out"
}

# podman run -d, podman kill -s USR1, podman stop.
stop_and_signals() {
  local c=vigil-test-$setup
  pmrun -d --name "$c" "$image" sh -c 'trap "echo got-USR1" USR1; echo cmd up; while :; do sleep 1 & wait $!; done' > /dev/null
  ok "$name: podman run -d: CMD runs" waited_logs "$c" "^cmd up"
  if with_services; then
    ok "$name: podman logs: every service's lines, with its name" waited_logs "$c" "^hello: hello from a service"
  fi
  pm kill -s USR1 "$c" > /dev/null
  ok "$name: podman kill -s USR1: reaches CMD" waited_logs "$c" "^got-USR1"
  t0=$(now_ms)
  pm stop -t 10 "$c" > /dev/null
  elapsed=$(( $(now_ms) - t0 ))
  # Within the grace is told by the code below (143: TERM; the grace ending
  # in SIGKILL gives 137); the wall time also counts podman's own work, slow
  # on a busy machine: only a loose bound.
  ok "$name: podman stop: not stuck, loosely (${elapsed} ms)" [ "$elapsed" -lt 20000 ]
  diag "$name: podman stop: ${elapsed} ms"
  is "$(pm inspect -f '{{.State.ExitCode}}' "$c")" 143 "$name: podman stop: the container's code is CMD's (killed by TERM)"
  pm logs "$c" > "$T/$setup/logs.out" 2> "$T/$setup/logs.err"
  is "$(cat "$T/$setup/logs.err")" "" "$name: podman logs: nothing said (stderr)"
  pm rm -f -t 0 "$c" > /dev/null 2>&1

  # A CMD ignoring TERM: vigil kills it at its deadline (2 s here), well
  # before podman's grace (30 s) would.
  pmrun -d --name "$c" -e VIGIL_STOP_DEADLINE_MS=2000 "$image" \
    sh -c "trap '' TERM; echo cmd up; while :; do sleep 1; done" > /dev/null
  waited_logs "$c" "^cmd up"
  t0=$(now_ms)
  pm stop -t 30 "$c" > /dev/null
  elapsed=$(( $(now_ms) - t0 ))
  is "$(pm inspect -f '{{.State.ExitCode}}' "$c")" 137 "$name: podman stop, CMD ignoring TERM: killed (128+9)"
  ok "$name: podman stop, CMD ignoring TERM: not before vigil's deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
  ok "$name: podman stop, CMD ignoring TERM: by vigil, not podman's 30 s grace (${elapsed} ms)" [ "$elapsed" -lt 25000 ]
  pm rm -f -t 0 "$c" > /dev/null 2>&1
}

# podman --sdnotify=container: the container's READY=1 is vigil-init's,
# and podman passes it on to its own NOTIFY_SOCKET (here, a listener).
sdnotify() {
  local c=vigil-test-sdn-$setup k=$T/$setup listener
  start "$VIGIL_HELPERS/sdnotify-listen" "$k/notify.sock" > "$k/heard"
  listener=$(last_started)
  wait_until 30 test -S "$k/notify.sock"
  NOTIFY_SOCKET=$k/notify.sock pmrun -d --sdnotify=container --name "$c" "$image" sh -c 'echo cmd sees ${NOTIFY_SOCKET:-nothing}; exec sleep 1000' > /dev/null 2> "$k/sdn.err"
  is "$?" 0 "$name: podman --sdnotify=container: podman run -d returns" || diag "$(cat "$k/sdn.err")"
  ok "$name: podman --sdnotify=container: READY=1 reaches podman's own socket" wait_until 60 grep -q READY=1 "$k/heard"
  ok "$name: podman --sdnotify=container: CMD does not see the socket" waited_logs "$c" "^cmd sees nothing"
  diag "$name: podman passed on: $(tr '\n' ' ' < "$k/heard")"
  pm rm -f -t 10 "$c" > /dev/null 2>&1
  kill "$listener"; reap "$listener"
}

read_only() {
  out=$(pmrun --rm --read-only --user 1000:1000 -e VIGIL_LIVEDIR=/tmp/service "$image" \
    sh -c 'touch /x 2>/dev/null && echo writable; id -u; exit 5' 2> "$T/$setup/ro.err")
  code=$?
  is "$code" 5 "$name: podman --read-only --user 1000: CMD's code"
  if with_services; then
    like "$out" "^1000$" "$name: podman --read-only --user 1000: CMD runs as that user"
    like "$out" "^hello: hello from a service" "$name: podman --read-only --user 1000: the services run"
    out=$(pmrun --rm --read-only --user 1000:1000 "$image" true 2>&1)
    like "$out" "nothing writable for the live dir" "$name: podman --read-only --user 1000, no writable /run: said clearly"
  else
    is "$out" 1000 "$name: podman --read-only --user 1000: CMD runs as that user, its output alone"
  fi
  is "$(cat "$T/$setup/ro.err")" "" "$name: podman --read-only --user 1000: nothing said"
}

for setup in rc norc; do
  case $setup in rc) name="rc" ;; norc) name="no rc" ;; esac
  image=localhost/vigil-test-$setup
  mkdir -p "$T/$setup"
  exit_codes
  output
  zombies
  stop_and_signals
  sdnotify
  read_only
done

done_testing
