#!/bin/sh
# vigil as PID 1 of a rootless container: an unprivileged user (nobody)
# in new user, PID and mount namespaces (unshare -Ur -fpm). vigil-init
# mounts its tmpfs /run (the default live dir /run/service) and /proc.
# Every behaviour runs in two setups: "rc", an rc dir (VIGIL_RCDIR)
# holding services, and "no rc", no /etc/rc at all and no VIGIL_RCDIR
# (tini's use). In both: CMD's exit code (0, 3, killed by SIGKILL), CMD's
# stdout and stderr untouched and nothing said on a clean run, a signal
# forwarded to CMD, SIGTERM giving CMD's code, and a CMD ignoring TERM
# killed at the stop deadline. With services: their output on stdout with
# their names, and SIGTERM with a service ignoring TERM.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to become nobody"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
command -v su >/dev/null || skip_all "no su"
su nobody -s /bin/sh -c 'unshare -Ur -fpm --mount-proc true' 2>/dev/null \
  || skip_all "unprivileged user namespaces do not work here"
# nobody reads the binaries and its dirs under $T.
su nobody -s /bin/sh -c "test -x '$VIGIL_BIN/vigil-init'" || skip_all "nobody cannot run $VIGIL_BIN"
chmod 0755 "$T"

# system NAME [stubborn]: $T/$setup/NAME (owned by root, read-only to
# nobody) with conf/, in the rc setup rc/ (web, and stubborn if asked),
# and $T/$setup/NAME/w for what nobody writes.
system() {
  local k=$T/$setup/$1
  mkdir -p "$k/conf" "$k/w"
  chown nobody "$k/w"
  [ "$setup" = rc ] || return 0
  mkdir -p "$k/rc"
  mkservice "$k/rc/web" "echo web as \$(id -u); exec sleep 1000"
  [ "${2:-}" = stubborn ] || return 0
  # Ready once TERM is ignored (CMD waits for it): TERM sent to a stubborn
  # only spawned could kill it before its trap, and the stop be prompt.
  mkservice "$k/rc/stubborn" "trap '' TERM; echo stubborn up; echo >&3; exec sleep 1000"
  echo 3 > "$k/rc/stubborn/notification-fd"
}

# container NAME CMD: vigil-init -- sh -c CMD as nobody, rootless; its
# stdout in $T/$setup/NAME/stdout, its stderr in .../stderr. The rc setup
# points VIGIL_RCDIR at NAME/rc; the no-rc setup sets none (and hides the
# host's /etc/rc, if any).
container() {
  local k=$T/$setup/$1 rcdir=
  [ "$setup" = rc ] && rcdir="VIGIL_RCDIR=$k/rc"
  # shellcheck disable=SC2016
  start su nobody -s /bin/sh -c 'k=$1 bin=$2 cmd=$3 prelude=$4; shift 4
    exec env "$@" VIGIL_CONFDIR="$k/conf" VIGIL_STOP_DEADLINE_MS=2000 PATH="$bin:$PATH" \
      unshare --kill-child -Ur -fpm --mount-proc sh -c "$prelude"'"'"'exec "$@"'"'"' sh "$bin/vigil-init" -- sh -c "$cmd"' \
    sh "$k" "$VIGIL_BIN" "$2" "$no_etc_rc" $rcdir > "$k/stdout" 2> "$k/stderr"
  cpid=$!
}
finished() {
  code=999
  wait_until "$1" dead "$cpid" || return 1
  reap "$cpid"; code=$?
}
# The namespace's PID 1 as the host sees it: the descendant of $cpid
# whose innermost pid is 1.
nsinit() {
  local pid=$1 child
  [ "$(sed -n 's/^NSpid:.*[[:space:]]//p' /proc/"$pid"/status 2>/dev/null)" = 1 ] && { echo "$pid"; return 0; }
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do nsinit "$child" && return 0; done
  return 1
}
# while_running SECONDS COMMAND...: waits until COMMAND succeeds, for
# SECONDS at most and no longer than the container runs; COMMAND's verdict.
done_or_dead() { "$@" || dead "$cpid"; }
while_running() {
  local limit=$1; shift
  wait_until "$limit" done_or_dead "$@"
  "$@"
}
# nothing_said NAME: the container's stderr is empty (diag it otherwise).
nothing_said() {
  [ -z "$(unsanitized "$T/$setup/$1/stderr")" ] && return 0
  diag "stderr:" "$(cat "$T/$setup/$1/stderr")"
  return 1
}

# CMD's exit codes, its output byte for byte.
codes_and_output() {
  system a
  container a "exit 3"
  finished 60; is "$code" 3 "$name: rootless: CMD's exit code 3 is the container's"
  container a 'kill -KILL $$'
  finished 60; is "$code" 137 "$name: rootless: CMD killed by SIGKILL gives 137"
  container a "echo ok > $T/$setup/a/w/ran; printf 'out\tbytes\r\nno newline'; printf 'err \001\n' >&2; exit 0"
  finished 60; is "$code" 0 "$name: rootless: exit 0"
  ok "$name: rootless: CMD ran as nobody's root" file_has "$T/$setup/a/w/ran" ok
  printf 'err \001\n' > "$T/$setup/a/want-stderr"
  ok "$name: rootless: CMD's stderr byte for byte, nothing said" same_bytes "$T/$setup/a/want-stderr" "$T/$setup/a/stderr"
  if with_services; then
    ok "$name: rootless: CMD's lines unprefixed among the services'" grep -qF "$(printf 'out\tbytes\r')" "$T/$setup/a/stdout"
  else
    printf 'out\tbytes\r\nno newline' > "$T/$setup/a/want-stdout"
    ok "$name: rootless: CMD's stdout byte for byte, nothing else" same_bytes "$T/$setup/a/want-stdout" "$T/$setup/a/stdout"
  fi
}

# A signal forwarded; SIGTERM, with CMD's code; the services' output and
# the deadline of a service ignoring TERM.
signals() {
  system b stubborn
  cat > "$T/$setup/b/w/cmd" <<EOF
#!/bin/sh
trap "echo got-USR1 >> $T/$setup/b/w/got" USR1
touch $T/$setup/b/w/up
while :; do sleep 1 & wait \$!; done

EOF
  chmod 0755 "$T/$setup/b/w/cmd"
  container b "exec $T/$setup/b/w/cmd"
  ok "$name: rootless: CMD runs" while_running 60 test -e "$T/$setup/b/w/up"
  if with_services; then
    ok "$name: rootless: the service runs (root of its user namespace), its output on stdout with its name" \
      while_running 20 grep -q "^web: web as 0" "$T/$setup/b/stdout"
  fi
  init=$(nsinit "$cpid")
  ok "$name: rootless: the namespace's PID 1 is found" [ -n "$init" ]
  [ -n "$init" ] && kill -USR1 "$init"
  ok "$name: rootless: SIGUSR1 forwarded to CMD" while_running 20 file_has "$T/$setup/b/w/got" got-USR1
  t0=$(now_ms)
  [ -n "$init" ] && kill -TERM "$init"
  finished 60; elapsed=$(( $(now_ms) - t0 ))
  is "$code" 143 "$name: rootless: SIGTERM: CMD's code (killed by TERM)"
  if with_services; then
    ok "$name: rootless: SIGTERM with a service ignoring it: the 2 s deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
    ok "$name: rootless: and not much after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]
  else
    ok "$name: rootless: SIGTERM, nothing to wait for: prompt, loosely (${elapsed} ms)" [ "$elapsed" -lt 8000 ]
    ok "$name: rootless: SIGTERM: nothing said" nothing_said b
  fi

  # A CMD ignoring TERM: killed at the 2 s deadline, 128+9.
  system c
  container c "trap '' TERM; touch $T/$setup/c/w/up; while :; do sleep 1; done"
  while_running 60 test -e "$T/$setup/c/w/up"
  init=$(nsinit "$cpid")
  t0=$(now_ms)
  [ -n "$init" ] && kill -TERM "$init"
  finished 60; elapsed=$(( $(now_ms) - t0 ))
  is "$code" 137 "$name: rootless: CMD ignoring TERM: killed at the deadline (128+9)"
  ok "$name: rootless: CMD ignoring TERM: not before the 2 s deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
  ok "$name: rootless: CMD ignoring TERM: and not much after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]
}

for setup in rc norc; do
  case $setup in rc) name="rc" ;; norc) name="no rc" ;; esac
  mkdir -p "$T/$setup"
  codes_and_output
  signals
done

done_testing
