#!/bin/sh
# vigil as PID 1 of a rootless container: an unprivileged user (nobody)
# in new user, PID and mount namespaces (unshare -Ur -fpm). vigil-init
# mounts its tmpfs /run (the default live dir /run/service) and /proc;
# CMD's exit code (0, 3, killed by SIGKILL), the services' output on
# stdout with their names, SIGTERM with a service ignoring TERM, and a
# signal forwarded to CMD.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to become nobody"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
command -v su >/dev/null || skip_all "no su"
su nobody -s /bin/sh -c 'unshare -Ur -fpm --mount-proc true' 2>/dev/null \
  || skip_all "unprivileged user namespaces do not work here"
# nobody reads the binaries and its dirs under $T.
su nobody -s /bin/sh -c "test -x '$VIGIL_BIN/vigil-init'" || skip_all "nobody cannot run $VIGIL_BIN"
chmod 0755 "$T"

# system NAME: $T/NAME (owned by root, read-only to nobody) with rc/ and conf/,
# and $T/NAME/w for what nobody writes.
system() {
  local k=$T/$1
  mkdir -p "$k/rc" "$k/conf" "$k/w"
  chown nobody "$k/w"
  mkservice "$k/rc/web" "echo web as \$(id -u); exec sleep 1000"
  # Ready once TERM is ignored (CMD waits for it): TERM sent to a stubborn
  # only spawned could kill it before its trap, and the stop be prompt.
  mkservice "$k/rc/stubborn" "trap '' TERM; echo stubborn up; echo >&3; exec sleep 1000"
  echo 3 > "$k/rc/stubborn/notification-fd"
}

# container NAME CMD: vigil-init -- sh -c CMD as nobody, rootless.
container() {
  local k=$T/$1
  start su nobody -s /bin/sh -c 'exec env VIGIL_RCDIR="$1/rc" VIGIL_CONFDIR="$1/conf" VIGIL_STOP_DEADLINE_MS=2000 \
    PATH="$2:$PATH" unshare --kill-child -Ur -fpm --mount-proc "$2/vigil-init" -- sh -c "$3"' \
    sh "$k" "$VIGIL_BIN" "$2" > "$k/out" 2>&1
  cpid=$!
}
finished() {
  code=999
  wait_until "$1" dead "$cpid" || return 1
  wait "$cpid"; code=$?
}
# The namespace's PID 1 as the host sees it: the descendant of $cpid
# whose innermost pid is 1.
nsinit() {
  local pid=$1 child
  [ "$(sed -n 's/^NSpid:.*[[:space:]]//p' /proc/"$pid"/status 2>/dev/null)" = 1 ] && { echo "$pid"; return 0; }
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do nsinit "$child" && return 0; done
  return 1
}

system a
container a "exit 3"
finished 60; is "$code" 3 "rootless: CMD's exit code 3 is the container's"
container a 'kill -KILL $$'
finished 60; is "$code" 137 "rootless: CMD killed by SIGKILL gives 137"
container a "echo ok > $T/a/w/ran; exit 0"
finished 60; is "$code" 0 "rootless: exit 0"
ok "rootless: CMD ran as nobody's root" file_has "$T/a/w/ran" ok

system b
cat > "$T/b/w/cmd" <<EOF
#!/bin/sh
trap "echo got-USR1 >> $T/b/w/got" USR1
touch $T/b/w/up
while :; do sleep 1 & wait \$!; done

EOF
chmod 0755 "$T/b/w/cmd"
container b "exec $T/b/w/cmd"
wait_until 60 eval '[ -e "$T/b/w/up" ]'; ok "rootless: CMD runs" [ $? = 0 ]
wait_until 20 grep -q "^web: web as 0" "$T/b/out"
ok "rootless: the service runs (root of its user namespace), its output on stdout with its name" [ $? = 0 ]
init=$(nsinit "$cpid")
ok "rootless: the namespace's PID 1 is found" [ -n "$init" ]
kill -USR1 "$init"
wait_until 20 file_has "$T/b/w/got" got-USR1; ok "rootless: SIGUSR1 forwarded to CMD" [ $? = 0 ]
t0=$(now_ms)
kill -TERM "$init"
finished 60; elapsed=$(( $(now_ms) - t0 ))
is "$code" 143 "rootless: SIGTERM: CMD's code (killed by TERM)"
ok "rootless: SIGTERM with a service ignoring it: the 2 s deadline (${elapsed} ms)" [ "$elapsed" -ge 1900 ]
ok "rootless: and not much after, loosely (${elapsed} ms)" [ "$elapsed" -lt 15000 ]

done_testing
