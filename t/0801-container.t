#!/bin/sh
# vigil as PID 1 of a container, as root: vigil-init -- CMD in new PID and
# mount namespaces (unshare), the container role told by the namespace.
# Every behaviour runs in two setups: "rc", an /etc/rc (VIGIL_RCDIR) holding
# services, and "no rc", no /etc/rc at all and no VIGIL_RCDIR (tini's use:
# an image with no services). In both: CMD's exit code passed on (0, 3,
# 128+n when killed, 127); CMD's stdout and stderr untouched and no word
# from vigil on a clean run; orphans reaped; SIGTERM stops the container
# with CMD's code, and a CMD ignoring it is killed at the stop deadline;
# HUP, USR1 and WINCH reach CMD; a read-only root (a read-only bind mount
# of a prepared root, chroot) with the live dir on a tmpfs /run.
# With services only: CMD only once they are up and ready; a service that
# cannot start stops the container with a message; each service's output
# on the container's stdout with its name; SIGTERM stops every service
# (loggers after them) within the deadline, even one ignoring TERM; no
# CMD: the services run until SIGPWR.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (t/0802 runs as a user, in a user namespace)"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

# system NAME: $T/$setup/NAME with conf/ and, in the rc setup, rc/ (services
# web and db). Each service says its first line, then signals readiness:
# CMD runs only after both lines are in the loggers' pipes, so the tests
# below may look for them even when CMD exits at once. (Without
# notification-fd a service counts as up when spawned, before its first
# line.)
system() {
  local k=$T/$setup/$1
  mkdir -p "$k/conf"
  [ "$setup" = rc ] || return 0
  mkdir -p "$k/rc"
  mkservice "$k/rc/web" "trap 'echo web says goodbye; exit 0' TERM
echo web starting
echo >&3
while :; do sleep 1 & wait \$!; done"
  echo 3 > "$k/rc/web/notification-fd"
  mkservice "$k/rc/db" "echo db up; echo >&3; exec sleep 1000"
  echo 3 > "$k/rc/db/notification-fd"
}

# container NAME [VAR=VALUE...] [-- CMD...]: vigil-init [-- CMD] as PID 1 of
# new namespaces, its stdout in $T/$setup/NAME/stdout and its stderr in
# .../stderr; $cpid is unshare's pid. The rc setup points VIGIL_RCDIR at
# NAME/rc; the no-rc setup sets none and hides the host's /etc/rc, if any.
container() {
  local k=$T/$setup/$1; shift
  local vars=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do vars="$vars $1"; shift; done
  [ "$setup" = rc ] && vars="$vars VIGIL_RCDIR=$k/rc"
  # shellcheck disable=SC2086
  start env VIGIL_CONFDIR="$k/conf" VIGIL_LIVEDIR="$k/live" $vars \
    unshare --kill-child -fpm --mount-proc sh -c "$no_etc_rc"'exec "$@"' sh "$VIGIL_BIN/vigil-init" "$@" \
    > "$k/stdout" 2> "$k/stderr"
  cpid=$!
}
# finished SECONDS: waits for the container; $code is its exit code (999: still running).
finished() {
  code=999
  wait_until "$1" dead "$cpid" || return 1
  reap "$cpid"; code=$?
}
# exited_nonzero: the container ended, with a code other than 0.
exited_nonzero() { [ "$code" != 0 ] && [ "$code" != 999 ]; }
# The namespace's PID 1 (vigil-scan), as the host sees it.
nsinit() { { tr -d ' ' < /proc/"$cpid"/task/"$cpid"/children; } 2>/dev/null; }
# to_init SIG: sends SIG to the namespace's PID 1, if there is one.
to_init() {
  local pid
  pid=$(nsinit)
  [ -n "$pid" ] && kill -"$1" "$pid"
}
# while_running SECONDS COMMAND...: waits until COMMAND succeeds, for
# SECONDS at most and no longer than the container runs; COMMAND's verdict.
done_or_dead() { "$@" || dead "$cpid"; }
while_running() {
  local limit=$1; shift
  wait_until "$limit" done_or_dead "$@"
  "$@"
}
# cmd_up FILE: waits until CMD made FILE.
cmd_up() { while_running 60 test -e "$1"; }
# out NAME: the container's stdout and stderr.
out() { cat "$T/$setup/$1/stdout" "$T/$setup/$1/stderr"; }
has_line() { out "$1" | grep -q -- "$2"; }
lacks_line() { ! has_line "$@"; }
# nothing_said NAME: the container's stderr is empty (diag it otherwise).
nothing_said() { empty_file "$T/$setup/$1/stderr"; }
empty_file() {
  [ -z "$(unsanitized "$1")" ] && return 0
  diag "${1##*/}:" "$(cat "$1")"
  return 1
}

# --- exit codes ---
exit_codes() {
  system codes
  for want in 0 3; do
    container codes -- sh -c "exit $want"
    finished 60; is "$code" "$want" "$name: exit code: CMD's $want is the container's"
  done
  container codes -- sh -c 'kill -KILL $$'
  finished 60; is "$code" 137 "$name: exit code: CMD killed by SIGKILL gives 128+9"
  container codes -- sh -c 'kill -SEGV $$'
  finished 60; is "$code" 139 "$name: exit code: CMD killed by SIGSEGV gives 128+11"
  container codes -- /nonexistent/cmd
  finished 60; is "$code" 127 "$name: exit code: a CMD that is not there gives 127"
  like "$(out codes)" "vigil-init: warning: unable to run /nonexistent/cmd" "$name: exit code: and says why"
}

# --- output ---
# CMD's bytes (no final newline, a tab, a CR, a control byte) come out as
# it wrote them; with no services they are all there is, and a clean run
# has nothing on stderr but CMD's own.
output() {
  system output
  container output -- sh -c 'printf "cmd out\tone\r\nlast, no newline"; printf "cmd err \001\n" >&2; exit 0'
  finished 60; is "$code" 0 "$name: output: CMD's run is clean"
  printf 'cmd out\tone\r\nlast, no newline' > "$T/$setup/output/want-stdout"
  printf 'cmd err \001\n' > "$T/$setup/output/want-stderr"
  ok "$name: output: CMD's stderr byte for byte, no word from vigil" same_bytes "$T/$setup/output/want-stderr" "$T/$setup/output/stderr"
  if with_services; then
    ok "$name: output: CMD's lines unprefixed among the services'" grep -qF "$(printf 'cmd out\tone\r')" "$T/$setup/output/stdout"
  else
    ok "$name: output: CMD's stdout byte for byte, nothing else" same_bytes "$T/$setup/output/want-stdout" "$T/$setup/output/stdout"
  fi
  # A silent CMD: the services' lines alone (CMD's last line above has no
  # newline, so the next service's would follow it on the same line).
  container output -- true
  finished 60; is "$code" 0 "$name: output: a silent CMD"
  ok "$name: output: a silent CMD, a silent container (stderr)" nothing_said output
  if with_services; then
    like "$(cat "$T/$setup/output/stdout")" "^web: web starting" "$name: output: a service's lines reach the container's stdout, its name before each"
    like "$(cat "$T/$setup/output/stdout")" "^db: db up" "$name: output: every service's"
    like "$(cat "$T/$setup/output/live/web/log/run")" 'vigil-log -p "web: " -' "$name: output: the default log/run of a container is vigil-log to stdout"
  else
    ok "$name: output: a silent CMD, a silent container (stdout)" empty_file "$T/$setup/output/stdout"
  fi
}

# --- zombies ---
# CMD makes orphans that exit (reparented to PID 1), records their pids
# in the file $1, and waits (bounded) until each has left the namespace's /proc: reaped,
# not only dead. One lives on for 0.2 s, to be reaped while CMD waits.
zombies() {
  system zombies
  cat > "$T/$setup/zombies/cmd" <<'EOF'
#!/bin/sh
for i in 1 2 3 4 5; do sh -c 'sh -c "exit 0" & echo $! >> "$1"; exit 0' sh "$1"; done
sh -c 'sleep 0.2 & echo $! >> "$1"; exit 0' sh "$1"
pids=$(cat "$1")
[ "$(echo $pids | wc -w)" = 6 ] || { echo "orphans: $pids"; exit 2; }
deadline=$(( $(date +%s) + 30 ))
for pid in $pids; do
  while [ -e /proc/$pid ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "orphan $pid not reaped: $(grep State /proc/$pid/status)"; exit 1; }
    sleep 0.01
  done
done
exit 0
EOF
  chmod +x "$T/$setup/zombies/cmd"
  container zombies -- "$T/$setup/zombies/cmd" "$T/$setup/zombies/orphans"
  finished 60; is "$code" 0 "$name: zombies: orphans that exit are reaped by PID 1"
  [ "$code" = 0 ] || diag "$(out zombies)"
}

# --- readiness (services only) ---
readiness() {
  with_services || return 0
  # slow: ready 1 s after it starts (notification-fd), and notes it.
  system ready
  mkservice "$T/$setup/ready/rc/slow" "sleep 1; touch $T/$setup/ready/slow-ready; echo >&3; exec sleep 1000"
  echo 3 > "$T/$setup/ready/rc/slow/notification-fd"
  container ready -- sh -c "test -e $T/$setup/ready/slow-ready"
  finished 60; is "$code" 0 "$name: readiness: CMD starts only once a service signalling readiness is ready"
  system ready2
  mkservice "$T/$setup/ready2/rc/never" "exec sleep 1000"
  echo 3 > "$T/$setup/ready2/rc/never/notification-fd"
  container ready2 VIGIL_CMD_WAIT_MS=500 -- sh -c "echo CMD ran; exit 0"
  finished 60; ok "$name: readiness: VIGIL_CMD_WAIT_MS bounds the wait (exit $code)" exited_nonzero
  like "$(out ready2)" "not ready within 500 ms" "$name: readiness: the timeout is said"
  ok "$name: readiness: and CMD did not run" lacks_line ready2 "CMD ran"
}

# --- a service that cannot start (services only) ---
cannot_start() {
  with_services || return 0
  system stop125
  # broken signals readiness, which it never gives: without notification-fd
  # it would count as up while its run is spawned, and CMD could start in
  # that moment (a race CI lost).
  mkservice "$T/$setup/stop125/rc/broken" "exit 1"
  echo 3 > "$T/$setup/stop125/rc/broken/notification-fd"
  printf '#!/bin/sh\nexit 125\n' > "$T/$setup/stop125/rc/broken/finish"
  chmod +x "$T/$setup/stop125/rc/broken/finish"
  container stop125 -- sh -c "echo CMD ran; exit 0"
  finished 60; ok "$name: cannot start: ./finish exiting 125 makes the container exit nonzero (exit $code)" exited_nonzero
  like "$(out stop125)" "broken cannot start: ./finish exited 125" "$name: cannot start: the message names the service and why"
  ok "$name: cannot start: CMD did not run" lacks_line stop125 "CMD ran"
  system norun
  mkdir -p "$T/$setup/norun/rc/empty"
  container norun -- sh -c "echo CMD ran; exit 0"
  finished 60; ok "$name: cannot start: a service without run: exit nonzero (exit $code)" exited_nonzero
  like "$(out norun)" "cannot start" "$name: cannot start: and says so"
}

# --- SIGTERM: an ordered stop, CMD's code ---
sigterm() {
  system term
  container term -- sh -c "touch $T/$setup/term/cmd-up; exec sleep 1000"
  ok "$name: sigterm: CMD runs" cmd_up "$T/$setup/term/cmd-up"
  t0=$(now_ms)
  to_init TERM
  finished 60; elapsed=$(( $(now_ms) - t0 ))
  is "$code" 143 "$name: sigterm: the container exits with CMD's code (killed by TERM: 143)"
  ok "$name: sigterm: within the deadline, loosely (${elapsed} ms)" [ "$elapsed" -lt 8000 ]
  diag "$name: SIGTERM to exit: ${elapsed} ms"
  ok "$name: sigterm: nothing said on a clean stop" nothing_said term
  if with_services; then
    ok "$name: sigterm: the service's last words went through its logger, stopped after it" has_line term "^web: web says goodbye"
  fi

  # A CMD ignoring TERM: killed at the stop deadline, 128+9.
  system deaf
  container deaf VIGIL_STOP_DEADLINE_MS=2000 -- sh -c "trap '' TERM; touch $T/$setup/deaf/cmd-up; while :; do sleep 1; done"
  cmd_up "$T/$setup/deaf/cmd-up"
  t0=$(now_ms)
  to_init TERM
  finished 60; elapsed=$(( $(now_ms) - t0 ))
  is "$code" 137 "$name: sigterm, CMD ignoring TERM: killed at the deadline (128+9)"
  ok "$name: sigterm, CMD ignoring TERM: not before the deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
  ok "$name: sigterm, CMD ignoring TERM: and exit soon after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]

  with_services || return 0
  system stubborn
  # Ready once TERM is ignored: up alone (spawned) lets CMD run and the
  # test send TERM before the trap is set, and the stop is then prompt.
  mkservice "$T/$setup/stubborn/rc/stubborn" "trap '' TERM; echo stubborn up; echo >&3; exec sleep 1000"
  echo 3 > "$T/$setup/stubborn/rc/stubborn/notification-fd"
  container stubborn VIGIL_STOP_DEADLINE_MS=2000 -- sh -c "touch $T/$setup/stubborn/cmd-up; exec sleep 1000"
  cmd_up "$T/$setup/stubborn/cmd-up"
  t0=$(now_ms)
  to_init TERM
  finished 60; elapsed=$(( $(now_ms) - t0 ))
  is "$code" 143 "$name: sigterm, a service ignoring TERM: CMD's code"
  ok "$name: sigterm, a service ignoring TERM: killed at the deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
  ok "$name: sigterm, a service ignoring TERM: and exit soon after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]
  like "$(out stubborn)" "deadline passed: killing services" "$name: sigterm: the escalation is said"

  system nocmd
  container nocmd
  ok "$name: no CMD: the services run" while_running 60 has_line nocmd "^db: db up"
  to_init PWR
  finished 60; is "$code" 0 "$name: no CMD: SIGPWR (LXC's stop) stops the container, exit 0"
}

# --- signals forwarded to CMD ---
forwarded() {
  system fwd
  cat > "$T/$setup/fwd/cmd" <<EOF
#!/bin/sh
for s in HUP USR1 WINCH; do trap "echo got-\$s >> $T/$setup/fwd/got" \$s; done
touch $T/$setup/fwd/cmd-up
while :; do sleep 1 & wait \$!; done
EOF
  chmod +x "$T/$setup/fwd/cmd"
  container fwd -- "$T/$setup/fwd/cmd"
  cmd_up "$T/$setup/fwd/cmd-up"
  for sig in HUP USR1 WINCH; do
    to_init "$sig"
    ok "$name: forwarded: SIG$sig reaches CMD" while_running 20 file_has "$T/$setup/fwd/got" "got-$sig"
  done
  ok "$name: forwarded: the container still runs" alive "$cpid"
  to_init TERM
  finished 60; is "$code" 143 "$name: forwarded: then SIGTERM stops it, CMD's code (killed by TERM: 143)"
  ok "$name: forwarded: nothing said" nothing_said fwd
}

# --- a signal forwarded while rc.init runs: dropped, never fatal ---
# The runner waits for rc.init; HUP reaches it (forwarded by the scanner,
# and sent to it directly, so the test knows it was handled) and the
# container goes on to CMD.
rcinit_signal() {
  local k=$T/$setup/rcsig runner i
  system rcsig
  mkfifo "$k/gate"
  printf '#!/bin/sh\n: > %s/rcinit-up\nread x < %s/gate\n' "$k" "$k" > "$k/conf/rc.init"
  chmod +x "$k/conf/rc.init"
  container rcsig -- sh -c 'echo cmd ran; exit 5'
  while_running 60 test -e "$k/rcinit-up"
  # The runner: the child of the namespace's PID 1 that is still vigil-init
  # (the others are supervisors), as the host sees it.
  runner=
  for i in $(tr ' ' '\n' < /proc/"$(nsinit)"/task/"$(nsinit)"/children 2>/dev/null); do
    [ "$(cat /proc/"$i"/comm 2>/dev/null)" = vigil-init ] && runner=$i
  done
  ok "$name: rc.init signalled: the runner is found" [ -n "$runner" ]
  for i in 1 2 3; do to_init HUP; [ -z "$runner" ] || kill -HUP "$runner" 2>/dev/null; done
  # Handled once no HUP is pending (bit 0 of SigPnd and ShdPnd).
  ok "$name: rc.init signalled: the HUPs were delivered" while_running 20 no_pending_hup "$runner"
  # Opened read-write, so the write never blocks when rc.init is gone.
  echo go 1<>"$k/gate"
  finished 60; is "$code" 5 "$name: rc.init signalled: CMD still runs, its code passed on"
  ok "$name: rc.init signalled: CMD's output" has_line rcsig "^cmd ran$"
  ok "$name: rc.init signalled: nothing said" nothing_said rcsig
}
no_pending_hup() {
  local p
  p=$(sed -n 's/^\(SigPnd\|ShdPnd\):[[:space:]]*//p' /proc/"$1"/status 2>/dev/null) || return 1
  [ -n "$p" ] || return 1
  for m in $p; do [ $((0x$m & 1)) = 0 ] || return 1; done
}

# --- sd_notify to the runtime (podman --sdnotify=container) ---
# A runtime's socket in NOTIFY_SOCKET: READY=1 once the services are ready
# and CMD is about to run, STOPPING=1 when the stop begins, once each;
# neither a service nor CMD sees the socket. A socket nobody listens on:
# said, and the container runs all the same.
runtime_notify() {
  local k=$T/$setup/sdn listener
  system sdn
  if with_services; then
    mkservice "$k/rc/peek" 'echo "peek sees ${NOTIFY_SOCKET:-nothing}"; echo >&3; exec sleep 1000'
    echo 3 > "$k/rc/peek/notification-fd"
  fi
  start "$VIGIL_HELPERS/sdnotify-listen" "$k/notify.sock" > "$k/heard"
  listener=$(last_started)
  wait_until 30 test -S "$k/notify.sock"
  container sdn NOTIFY_SOCKET="$k/notify.sock" -- sh -c "echo cmd sees \${NOTIFY_SOCKET:-nothing}; touch $k/cmd-up; exec sleep 1000"
  ok "$name: sd_notify: the runtime hears READY=1" while_running 60 file_has "$k/heard" READY=1
  if with_services; then
    ok "$name: sd_notify: the services are ready by then" svwait -R -t 1 "$k/live/web" "$k/live/db" "$k/live/peek"
  fi
  cmd_up "$k/cmd-up"
  to_init TERM
  finished 60; is "$code" 143 "$name: sd_notify: the container stops as ever"
  wait_until 30 file_has "$k/heard" STOPPING=1
  is "$(tr '\n' ' ' < "$k/heard")" "READY=1 STOPPING=1 " "$name: sd_notify: READY=1, then STOPPING=1 at the stop, once each"
  ok "$name: sd_notify: CMD does not see the runtime's socket" has_line sdn "^cmd sees nothing$"
  if with_services; then
    ok "$name: sd_notify: nor does a service" has_line sdn "^peek: peek sees nothing$"
  fi
  ok "$name: sd_notify: nothing said" nothing_said sdn
  kill "$listener"; reap "$listener"

  system sdn-gone
  container sdn-gone NOTIFY_SOCKET="$T/$setup/nobody.sock" -- sh -c 'exit 6'
  finished 60; is "$code" 6 "$name: sd_notify: no one listening: CMD runs all the same"
  like "$(out sdn-gone)" "unable to send READY=1 to NOTIFY_SOCKET" "$name: sd_notify: and that is said"
}

# --- a read-only root ---
# $R: /usr (the host's, bound read-only), vigil's programs in /vigil and,
# in the rc setup, /etc/rc; the whole root bound read-only, then chroot.
# /proc and /run are mounted by vigil-init; the live dir is /run/service.
read_only_root() {
  local R=$T/$setup/root
  mkdir -p "$R/etc/vigil" "$R/usr" "$R/dev" "$R/proc" "$R/run" "$R/vigil" "$R/tmp"
  for l in bin lib lib64 sbin; do ln -s "usr/$l" "$R/$l"; done
  if with_services; then
    # Ready after its line: CMD exits at once, and a web only spawned could be
    # stopped before saying it.
    mkservice "$R/etc/rc/web" "echo web on a read-only root; echo >&3; exec sleep 1000"
    echo 3 > "$R/etc/rc/web/notification-fd"
  fi
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
      echo root-read-only; if [ -d /run/service ]; then ls /run/service; fi; exit 4"' sh "$R" "$VIGIL_BIN" > "$T/$setup/ro.out" 2> "$T/$setup/ro.err"
  cpid=$!
  finished 60; is "$code" 4 "$name: read-only root: the container runs CMD and exits with its code"
  ro=$(cat "$T/$setup/ro.out" "$T/$setup/ro.err")
  like "$ro" "root-read-only" "$name: read-only root: the root is read-only indeed"
  ok "$name: read-only root: nothing said" empty_file "$T/$setup/ro.err"
  if with_services; then
    like "$ro" "^web: web on a read-only root" "$name: read-only root: the service runs, its output on stdout"
    like "$ro" "^web$" "$name: read-only root: the live dir is /run/service (a tmpfs vigil-init mounted)"
  else
    is "$(cat "$T/$setup/ro.out")" "root-read-only" "$name: read-only root: CMD's output alone (an empty live dir)"
  fi
}

for setup in rc norc; do
  case $setup in rc) name="rc" ;; norc) name="no rc" ;; esac
  mkdir -p "$T/$setup"
  exit_codes
  output
  zombies
  readiness
  cannot_start
  sigterm
  forwarded
  rcinit_signal
  runtime_notify
  read_only_root
done

done_testing
