#!/bin/sh
# vigil as PID 1 of a container, as root: vigil-init -- CMD in new PID and
# mount namespaces (unshare), the container role told by the namespace.
# CMD's exit code passed on (0, 3, 128+n when killed); orphans reaped;
# CMD only once the services are up and ready; a service that cannot
# start stops the container with a message; SIGTERM stops every service
# (loggers after them) and exits within the deadline, even with a service
# ignoring TERM; HUP, USR1 and WINCH reach CMD; each service's output on
# the container's stdout with its name; a read-only root (a read-only bind
# mount of a prepared root, chroot) with the live dir on a tmpfs /run.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (t/0802 runs as a user, in a user namespace)"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

# system NAME: $T/NAME with rc/ (services web, db) and conf/. Each says
# its first line, then signals readiness: CMD runs only after both lines
# are in the loggers' pipes, so the tests below may look for them even
# when CMD exits at once. (Without notification-fd a service counts as
# up when spawned, before its first line.)
system() {
  local k=$T/$1
  mkdir -p "$k/rc" "$k/conf"
  mkservice "$k/rc/web" "trap 'echo web says goodbye; exit 0' TERM
echo web starting
echo >&3
while :; do sleep 1 & wait \$!; done"
  echo 3 > "$k/rc/web/notification-fd"
  mkservice "$k/rc/db" "echo db up; echo >&3; exec sleep 1000"
  echo 3 > "$k/rc/db/notification-fd"
}

# container NAME [VAR=VALUE...] -- CMD...: vigil-init -- CMD as PID 1 of new
# namespaces, stdout and stderr in $T/NAME/out; $cpid is unshare's pid.
container() {
  local k=$T/$1; shift
  local vars=
  while [ "$1" != -- ]; do vars="$vars $1"; shift; done
  shift
  # shellcheck disable=SC2086
  start env VIGIL_RCDIR="$k/rc" VIGIL_CONFDIR="$k/conf" VIGIL_LIVEDIR="$k/live" $vars \
    unshare --kill-child -fpm --mount-proc "$VIGIL_BIN/vigil-init" -- "$@" > "$k/out" 2>&1
  cpid=$!
}
# finished SECONDS: waits for the container; $code is its exit code (999: still running).
finished() {
  code=999
  wait_until "$1" dead "$cpid" || return 1
  wait "$cpid"; code=$?
}
# exited_nonzero: the container ended, with a code other than 0.
exited_nonzero() { [ "$code" != 0 ] && [ "$code" != 999 ]; }
# The namespace's PID 1 (vigil-scan), as the host sees it.
nsinit() { tr -d ' ' < /proc/"$cpid"/task/"$cpid"/children 2>/dev/null; }
out() { cat "$T/$1/out"; }
has_line() { grep -q -- "$2" "$T/$1/out"; }
lacks_line() { ! has_line "$@"; }

# --- exit codes ---
system codes
for want in 0 3; do
  container codes -- sh -c "exit $want"
  finished 60; is "$code" "$want" "exit code: CMD's $want is the container's"
done
container codes -- sh -c 'kill -KILL $$'
finished 60; is "$code" 137 "exit code: CMD killed by SIGKILL gives 128+9"
container codes -- sh -c 'kill -SEGV $$'
finished 60; is "$code" 139 "exit code: CMD killed by SIGSEGV gives 128+11"
container codes -- /nonexistent/cmd
finished 60; is "$code" 127 "exit code: a CMD that is not there gives 127"
like "$(out codes)" "vigil-init: warning: unable to run /nonexistent/cmd" "exit code: and says why"

# --- output ---
like "$(out codes)" "^web: web starting" "output: a service's lines reach the container's stdout, its name before each"
like "$(out codes)" "^db: db up" "output: every service's"
like "$(cat "$T/codes/live/web/log/run")" "vigil-log -p 'web: ' -" "output: the default log/run of a container is vigil-log to stdout"

# --- zombies ---
# CMD makes orphans that exit (reparented to PID 1), then looks for a
# zombie in the namespace's /proc for a bounded while.
system zombies
cat > "$T/zombies/cmd" <<'EOF'
#!/bin/sh
for i in 1 2 3 4 5; do sh -c 'sh -c "exit 0" & exit 0'; done
sh -c 'sleep 0.2 & exit 0'
tries=0
while [ $tries -lt 1000 ]; do
  z=$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | grep -v "/proc/$$/" | wc -l)
  [ "$z" = 0 ] && [ $tries -gt 50 ] && exit 0
  tries=$((tries + 1)); sleep 0.01
done
echo "zombies left: $z"; exit 1
EOF
chmod +x "$T/zombies/cmd"
container zombies -- "$T/zombies/cmd"
finished 60; is "$code" 0 "zombies: orphans that exit are reaped by PID 1"

# --- readiness ---
# slow: ready 1 s after it starts (notification-fd), and notes it.
system ready
mkdir -p "$T/ready/rc/slow"
mkservice "$T/ready/rc/slow" "sleep 1; touch $T/ready/slow-ready; echo >&3; exec sleep 1000"
echo 3 > "$T/ready/rc/slow/notification-fd"
container ready -- sh -c "test -e $T/ready/slow-ready"
finished 60; is "$code" 0 "readiness: CMD starts only once a service signalling readiness is ready"
mkdir -p "$T/ready2/rc/never"
mkservice "$T/ready2/rc/never" "exec sleep 1000"
echo 3 > "$T/ready2/rc/never/notification-fd"
container ready2 VIGIL_CMD_WAIT_MS=500 -- sh -c "echo CMD ran; exit 0"
finished 60; ok "readiness: VIGIL_CMD_WAIT_MS bounds the wait (exit $code)" exited_nonzero
like "$(out ready2)" "not ready within 500 ms" "readiness: the timeout is said"
ok "readiness: and CMD did not run" lacks_line ready2 "CMD ran"

# --- a service that cannot start ---
system stop125
# broken signals readiness, which it never gives: without notification-fd
# it would count as up while its run is spawned, and CMD could start in
# that moment (a race CI lost).
mkservice "$T/stop125/rc/broken" "exit 1"
echo 3 > "$T/stop125/rc/broken/notification-fd"
printf '#!/bin/sh\nexit 125\n' > "$T/stop125/rc/broken/finish"
chmod +x "$T/stop125/rc/broken/finish"
container stop125 -- sh -c "echo CMD ran; exit 0"
finished 60; ok "cannot start: ./finish exiting 125 makes the container exit nonzero (exit $code)" exited_nonzero
like "$(out stop125)" "broken cannot start: ./finish exited 125" "cannot start: the message names the service and why"
ok "cannot start: CMD did not run" lacks_line stop125 "CMD ran"
system norun
mkdir -p "$T/norun/rc/empty"
container norun -- sh -c "echo CMD ran; exit 0"
finished 60; ok "cannot start: a service without run: exit nonzero (exit $code)" exited_nonzero
like "$(out norun)" "cannot start" "cannot start: and says so"

# --- SIGTERM: an ordered stop, CMD's code ---
system term
container term -- sh -c "touch $T/term/cmd-up; exec sleep 1000"
wait_until 60 eval '[ -e "$T/term/cmd-up" ]'; ok "sigterm: CMD runs" [ $? = 0 ]
t0=$(now_ms)
kill -TERM "$(nsinit)"
finished 60; elapsed=$(( $(now_ms) - t0 ))
is "$code" 143 "sigterm: the container exits with CMD's code (killed by TERM: 143)"
ok "sigterm: within the deadline, loosely (${elapsed} ms)" [ "$elapsed" -lt 8000 ]
ok "sigterm: the service's last words went through its logger, stopped after it" has_line term "^web: web says goodbye"
diag "SIGTERM to exit, every service stopping at once: ${elapsed} ms"

system stubborn
# Ready once TERM is ignored: up alone (spawned) lets CMD run and the
# test send TERM before the trap is set, and the stop is then prompt.
mkservice "$T/stubborn/rc/stubborn" "trap '' TERM; echo stubborn up; echo >&3; exec sleep 1000"
echo 3 > "$T/stubborn/rc/stubborn/notification-fd"
container stubborn VIGIL_STOP_DEADLINE_MS=2000 -- sh -c "touch $T/stubborn/cmd-up; exec sleep 1000"
wait_until 60 eval '[ -e "$T/stubborn/cmd-up" ]'
t0=$(now_ms)
kill -TERM "$(nsinit)"
finished 60; elapsed=$(( $(now_ms) - t0 ))
is "$code" 143 "sigterm, a service ignoring TERM: CMD's code"
ok "sigterm, a service ignoring TERM: killed at the deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
ok "sigterm, a service ignoring TERM: and exit soon after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]
like "$(out stubborn)" "deadline passed: killing services" "sigterm: the escalation is said"

system nocmd
start env VIGIL_RCDIR="$T/nocmd/rc" VIGIL_CONFDIR="$T/nocmd/conf" VIGIL_LIVEDIR="$T/nocmd/live" \
  unshare --kill-child -fpm --mount-proc "$VIGIL_BIN/vigil-init" > "$T/nocmd/out" 2>&1
cpid=$!
wait_until 60 has_line nocmd "^db: db up"; ok "no CMD: the services run" [ $? = 0 ]
kill -PWR "$(nsinit)"
finished 60; is "$code" 0 "no CMD: SIGPWR (LXC's stop) stops the container, exit 0"

# --- signals forwarded to CMD ---
system fwd
cat > "$T/fwd/cmd" <<EOF
#!/bin/sh
for s in HUP USR1 WINCH; do trap "echo got-\$s >> $T/fwd/got" \$s; done
touch $T/fwd/cmd-up
while :; do sleep 1 & wait \$!; done
EOF
chmod +x "$T/fwd/cmd"
container fwd -- "$T/fwd/cmd"
wait_until 60 eval '[ -e "$T/fwd/cmd-up" ]'
for sig in HUP USR1 WINCH; do
  kill -"$sig" "$(nsinit)"
  wait_until 20 file_has "$T/fwd/got" "got-$sig"; ok "forwarded: SIG$sig reaches CMD" [ $? = 0 ]
done
ok "forwarded: the container still runs" alive "$cpid"
kill -TERM "$(nsinit)"
finished 60; ok "forwarded: then SIGTERM stops it (exit $code)" [ "$code" != 999 ]

# --- a read-only root ---
# $T/root: /etc/rc and /usr (the host's, bound read-only) and vigil's
# programs in /vigil; the whole root bound read-only, then chroot. /proc
# and /run are mounted by vigil-init; the live dir is /run/service.
R=$T/root
mkdir -p "$R/etc/vigil" "$R/usr" "$R/dev" "$R/proc" "$R/run" "$R/vigil" "$R/tmp"
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$R/$l"; done
# Ready after its line: CMD exits at once, and a web only spawned could be
# stopped before saying it.
mkservice "$R/etc/rc/web" "echo web on a read-only root; echo >&3; exec sleep 1000"
echo 3 > "$R/etc/rc/web/notification-fd"
start env -i PATH=/vigil:/usr/sbin:/usr/bin:/sbin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
  unshare --kill-child -fpm sh -c '
  set -e
  mount --bind "$1" "$1"
  mount --bind -o ro /usr "$1/usr"
  mount --bind /dev "$1/dev"
  mount --bind -o ro "$2" "$1/vigil"
  mount -o remount,bind,ro "$1"
  exec chroot "$1" /vigil/vigil-init -- sh -c "
    if touch /x 2>/dev/null; then echo root-writable; exit 1; fi
    echo root-read-only; ls /run/service; exit 4"' sh "$R" "$VIGIL_BIN" > "$T/ro.out" 2>&1
cpid=$!
finished 60; is "$code" 4 "read-only root: the container runs CMD and exits with its code"
ro=$(cat "$T/ro.out")
like "$ro" "root-read-only" "read-only root: the root is read-only indeed"
like "$ro" "^web: web on a read-only root" "read-only root: the service runs, its output on stdout"
like "$ro" "^web$" "read-only root: the live dir is /run/service (a tmpfs vigil-init mounted)"

done_testing
