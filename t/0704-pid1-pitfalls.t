#!/bin/sh
# The PID-1 defects of the wave-2 review, each as it was reproduced, with
# the real programs as PID 1 of PID+mount namespaces: a poweroff held by
# vigil-init during the boot reaches the scanner; the rescue shell's
# poweroff -f works and leaves no force flag; a missing vigil-supervise
# gives the rescue shell, never an exit, and power requests still work
# after the last failed boot; a machine whose main command ends powers
# off; no /etc/rc boots a machine (one warning) and a container (none);
# one bad entry of /etc/rc refuses that entry only; a pending HUP reaches
# a supervisor instead of killing it.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root for PID namespaces"
unshare -fpm --mount-proc true 2>/dev/null || skip_all "unshare -fpm --mount-proc does not work here"

# kit NAME: $T/NAME with conf/, a kernel command line, no rc/.
kit() {
  mkdir -p "$T/$1/conf" "$T/$1/bin"
  echo quiet > "$T/$1/cmdline"
}
# boot NAME [VAR=VALUE...] [-- CMD...]: vigil-init of kit NAME as a machine's
# PID 1 of new namespaces; $unshare is unshare's pid, the console in NAME/console.
boot() {
  local k=$T/$1 init=${INIT:-$VIGIL_BIN/vigil-init}; shift
  local vars=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do vars="$vars $1"; shift; done
  # shellcheck disable=SC2086
  start env VIGIL_ROLE=machine VIGIL_CMDLINE="$k/cmdline" VIGIL_RCDIR="$k/rc" VIGIL_CONFDIR="$k/conf" \
    VIGIL_LIVEDIR="$k/live" VIGIL_RUNDIR="$k/run" $vars \
    unshare --kill-child -fpm --mount-proc "$init" "$@" > "$k/console" 2>&1
  unshare=$!
}
nsinit() { tr -d ' ' < /proc/"$unshare"/task/"$unshare"/children 2>/dev/null; }
console_has() { grep -q -- "$2" "$T/$1/console" 2>/dev/null; }
# ended SECONDS: the namespace is gone; $code is unshare's exit code (999: killed at the deadline).
ended() {
  code=999
  if wait_until "$1" dead "$unshare"; then reap "$unshare"; code=$?; return 0; fi
  kill -KILL "$(nsinit)" 2>/dev/null; reap "$unshare" 10
  return 1
}

# --- 1. a poweroff sent while vigil-init holds it (a slow populate) ---
kit held
mkservice "$T/held/rc/svc" "exec sleep 1000"
: > "$T/held/rc/svc/log"
printf '#!/bin/sh\n: > %s/populating\nsleep 2\nexec %s/vigil-populate "$@"\n' "$T/held" "$VIGIL_BIN" > "$T/held/bin/slowpop"
chmod +x "$T/held/bin/slowpop"
boot held VIGIL_POPULATE="$T/held/bin/slowpop"
wait_until 30 test -e "$T/held/populating"
kill -USR2 "$(nsinit)"
ok "held poweroff: the namespace ends" ended 30
is "$code" 130 "held poweroff: as a poweroff (the kernel's SIGINT), not lost at the scanner's trap"
ok "held poweroff: through the scanner's stop and the final stage" console_has held 'final stage: poweroff'

# --- 2. poweroff -f in the rescue shell ---
kit rescue
echo "vigil.rescue" > "$T/rescue/cmdline"
printf '#!/bin/sh\n%s/vigil-shutdown -f poweroff; echo "poweroff rc=$?" >> %s/log\nexec sleep 1000\n' "$VIGIL_BIN" "$T/rescue" > "$T/rescue/conf/rescue"
chmod +x "$T/rescue/conf/rescue"
boot rescue
ok "rescue poweroff -f: the namespace ends" ended 30
is "$code" 130 "rescue poweroff -f: powered off"
ok "rescue poweroff -f: vigil-init took the request" console_has rescue 'poweroff asked during the rescue' 
ok "rescue poweroff -f: no force flag is left behind" test ! -e "$T/rescue/run/shutdown-force"
ok "rescue: the banner does not advise reboot -f" eval '! console_has rescue "reboot -f"'

# --- 3. no vigil-supervise: rescue shells, PID 1 stays, poweroff still works ---
kit nosup
for p in vigil-init vigil-scan vigil-populate vigil-shutdown; do cp "$VIGIL_BIN/$p" "$T/nosup/bin/"; done
printf '#!/bin/sh\necho "rescue [$VIGIL_RESCUE_REASON]" >> %s/log\n' "$T/nosup" > "$T/nosup/conf/rescue"
chmod +x "$T/nosup/conf/rescue"
INIT=$T/nosup/bin/vigil-init boot nosup PATH=/usr/bin:/bin
ok "no vigil-supervise: three rescue shells, then PID 1 reaps" wait_until 30 console_has nosup 'not retrying'
like "$(head -1 "$T/nosup/log")" 'vigil-supervise' "no vigil-supervise: the rescue shell is told what is missing"
ok "no vigil-supervise: PID 1 has not exited" alive "$unshare"
kill -USR2 "$(nsinit)"
ok "no vigil-supervise: a poweroff after the last boot still ends it" ended 30
is "$code" 130 "no vigil-supervise: as a poweroff"

# --- 4. a machine's main command ends: poweroff, not --final exit ---
kit cmd
boot cmd -- sh -c 'echo CMD ran; exit 7'
ok "machine CMD: the namespace ends" ended 30
is "$code" 130 "machine CMD: its end powers the machine off"
ok "machine CMD: it ran" console_has cmd 'CMD ran'
ok "machine CMD: no usage error from the final stage" eval '! console_has cmd usage'

# --- 5. no /etc/rc: a machine boots (one warning), rc.init runs ---
kit norc
printf '#!/bin/sh\necho "rc.init ran"\n' > "$T/norc/conf/rc.init"
chmod +x "$T/norc/conf/rc.init"
boot norc
ok "no /etc/rc: rc.init runs" wait_until 30 console_has norc 'rc.init ran'
is "$(grep -c 'warning' "$T/norc/console")" 1 "no /etc/rc: one warning line"
ok "no /etc/rc: it names the dir" console_has norc "$T/norc/rc does not exist"
ok "no /etc/rc: no rescue shell" eval '! console_has norc "rescue shell"'
kill -USR2 "$(nsinit)"
ok "no /etc/rc: poweroff" ended 30

# --- 6. /etc/rc that is there but broken fails, naming it ---
for what in file dangling; do
  kit "bad$what"
  case $what in
    file) : > "$T/bad$what/rc" ;;
    dangling) ln -s "$T/nowhere" "$T/bad$what/rc" ;;
  esac
  out=$("$VIGIL_BIN/vigil-populate" "$T/bad$what/rc" "$T/bad$what/conf" 2>&1); c=$?
  is "$c" 111 "/etc/rc a $what: vigil-populate exits 111"
  like "$out" "$T/bad$what/rc" "/etc/rc a $what: the message names it"
done

# --- 7. one bad entry of /etc/rc refuses that entry only ---
kit entries
mkservice "$T/entries/rc/good" "exec sleep 1000"
ln -s "$T/nowhere" "$T/entries/rc/dangling"
mkservice "$T/entries/rc/with space" "exec sleep 1000"
mkservice "$T/entries/rc/$(printf 'x%.0s' $(seq 250))" "exec sleep 1000"
mkservice "$T/entries/rc/badlog" "exec sleep 1000"
ln -s "$T/nowhere" "$T/entries/rc/badlog/log"
mkdir -p "$T/entries/live"
out=$(VIGIL_CONFDIR="$T/entries/conf" "$VIGIL_BIN/vigil-populate" "$T/entries/rc" "$T/entries/live" 2>&1); c=$?
is "$c" 100 "bad entries: refused (100), not a system error"
ok "bad entries: the good service is installed" test -x "$T/entries/live/good/run"
like "$out" "dangling: a symlink to nothing" "bad entries: a dangling symlink is named"
like "$out" "with space: invalid service name" "bad entries: a name with a space is refused"
ok "bad entries: nothing installed under that name" test ! -e "$T/entries/live/with space"
like "$out" "badlog/log: a symlink to nothing" "bad entries: a log symlink to nothing is refused"
ok "bad entries: the long name is refused, not installed" eval '[ "$(ls "$T/entries/live" | tr "\n" " ")" = "good " ]'

# --- 8. a supervisor exec'd with HUP pending and blocked survives it ---
mkservice "$T/pend" "exec sleep 1000"
start perl -e '$SIG{HUP} = "DEFAULT"; use POSIX; my $s = POSIX::SigSet->new(SIGHUP); sigprocmask(SIG_BLOCK, $s); kill "HUP", $$; exec @ARGV' "$VIGIL_BIN/vigil-supervise" "$T/pend"
sup=$!
wait_until 30 is_up "$T/pend"
ok "pending HUP: the supervisor is alive and serving" is_up "$T/pend"
svc -x "$T/pend"; svc -d "$T/pend"
wait_until 30 dead "$sup"

# --- 9. --final with bad arguments as PID 1: a halt, not an exit ---
for args in exit "-g x poweroff" ""; do
  # shellcheck disable=SC2086
  start env VIGIL_FINAL_ROOT="$T/nowhere-root" unshare --kill-child -fpm --mount-proc "$VIGIL_BIN/vigil-shutdown" --final $args > "$T/final.out" 2>&1
  unshare=$!
  ended 30
  # the kernel reports a halt (or poweroff) of a PID namespace's init as SIGINT
  is "$code" 130 "--final $args as PID 1: halts (exit by SIGINT), no usage exit"
  like "$(cat "$T/final.out")" "bad arguments to --final: halting" "--final $args as PID 1: says it halts"
done

done_testing
