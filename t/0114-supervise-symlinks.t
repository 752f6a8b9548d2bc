#!/bin/sh
# A user who may add entries to a service dir (here group-writable, which
# the kernel's fs.protected_symlinks does not cover; a sticky dir is the
# other case) cannot lead root's supervisor or scanner through what it
# plants: a supervise symlink or dir, a log symlink or dir, needs/
# entries. Each is refused with a warning naming it and its owner, and
# the root-owned dirs they point at stay exactly as they were. A
# supervise symlink of root's (Void's /run/runit/supervise.NAME) is still
# followed and its missing target made.
# The user is a uid of its own (no account), in the test's own PID
# namespace.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

stranger=64997
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || getent passwd "$stranger" >/dev/null; then
  skip_all "needs root, setpriv and a free uid $stranger"
fi
as_stranger() { setpriv --reuid="$stranger" --regid="$stranger" --clear-groups "$@"; }
# A dir the stranger may add entries to, and root owns.
open_to_stranger() { chgrp "$stranger" "$1" && chmod 775 "$1"; }
# listing DIR: every entry under DIR, with inode, size, mode and owner.
listing() { (cd "$1" && find . -printf '%p %i %s %m %u\n' | sort); }

chmod 755 "$T"
# Root's dirs a stranger would have root write into or run from.
mkdir target
echo keep > target/file
mkservice logtarget "touch $T/logtarget-ran; exec cat"
target_before=$(listing target)
logtarget_before=$(listing logtarget)

# --- the supervisor: a stranger's supervise, as a symlink to a dir, a
# symlink to nothing (its target would be made), or a dir ---
mkdir sv
refused_supervise() {
  local dir=$1 what=$2
  timeout 30 vigil-supervise "sv/$dir" > /dev/null 2> "$dir-err"
  is "$?" 111 "$what: vigil-supervise refuses (exit 111)"
  like "$(cat "$dir-err")" "^vigil-supervise sv/$dir: fatal: unable to use sv/$dir/supervise: it belongs to uid $stranger, neither this supervisor's nor the owner of sv/$dir: not followed" \
    "$what: the message names it and its owner"
  ok "$what: ./run never ran" [ ! -e "$dir-ran" ]
}
mkservice sv/a "touch $T/a-ran; exec sleep 1000"
open_to_stranger sv/a
as_stranger ln -s "$T/target" sv/a/supervise
refused_supervise a "a stranger's supervise symlink to a root dir"
is "$(listing target)" "$target_before" "the dir it leads to is untouched (no lock, fifo or status)"
mkservice sv/b "touch $T/b-ran; exec sleep 1000"
open_to_stranger sv/b
as_stranger ln -s "$T/made/supervise.b" sv/b/supervise
refused_supervise b "a stranger's supervise symlink to nothing"
ok "its target is not made" [ ! -e made ]
mkservice sv/c "touch $T/c-ran; exec sleep 1000"
open_to_stranger sv/c
as_stranger mkdir sv/c/supervise
as_stranger ln -s "$T/target/file" sv/c/supervise/lock
refused_supervise c "a stranger's supervise dir"
is "$(listing target)" "$target_before" "a lock symlink in it is not written through"
svstat sv/a > stat-out 2> stat-err
ok "svstat does not read through the stranger's symlink" [ $? != 0 ]
like "$(cat stat-err)" "Operation not permitted" "and says so"

# Root's symlink to nothing, in a dir open to the stranger: followed, made.
mkservice sv/void "exec sleep 1000"
open_to_stranger sv/void
ln -s "$T/runit/supervise.void" sv/void/supervise
supervise sv/void
wait_until 30 is_up sv/void; ok "root's supervise symlink to nothing: the service runs" [ $? = 0 ]
is "$(stat -c '%a %u' runit/supervise.void)" "700 0" "its target is made, 0700, root's"

# --- a stranger's supervise leading to a status of its own: nothing is
# read or opened through it, by svstat or a needs/ gate ---
mkservice x "exec sleep 1000"
supervise x
wait_until 30 is_up x
xpid=$(svpid x)
mkdir evil
cp x/supervise/status evil/status
mkfifo evil/ok
chown -R "$stranger:$stranger" evil
# A reader on its ok, so that it looks supervised if followed.
exec 3<> evil/ok

mkdir scan scan/h
# No run: no supervisor of h ever writes a status of its own.
open_to_stranger scan/h
as_stranger ln -s "$T/evil" scan/h/supervise
svstat scan/h > stat-out 2>&1
ok "svstat through a stranger's supervise shows nothing of the fake status" eval '! grep -q "pid $xpid" stat-out'
svok scan/h 2>/dev/null
ok "svok does not say supervised" [ $? != 0 ]

# --- the scanner: a stranger's log symlink, a stranger's log dir, needs ---
mkservice scan/e "echo e says hello; exec sleep 1000"
open_to_stranger scan/e
as_stranger ln -s "$T/logtarget" scan/e/log
mkservice scan/f "echo f says hello; exec sleep 1000"
open_to_stranger scan/f
as_stranger sh -c "mkdir $T/scan/f/log && printf '#!/bin/sh\ntouch $T/f-log-ran; exec cat\n' > $T/scan/f/log/run && chmod 755 $T/scan/f/log/run"
mkservice scan/n "touch $T/n-ran; exec sleep 1000"
mkdir scan/n/needs
touch scan/n/needs/h
mkservice scan/m "touch $T/m-ran; exec sleep 1000"
mkdir scan/m/needs
open_to_stranger scan/m/needs
as_stranger ln -s "$T/target" scan/m/needs/x
start vigil-scan -g 300 "$T/scan" > scan-stdout 2> scan-stderr

wait_until 30 is_up scan/e; ok "e runs" [ $? = 0 ]
wait_until 30 grep -qF "vigil-scan: warning: $T/scan/e/log belongs to uid $stranger, neither the scanner's nor the owner of e: not followed, e runs unlogged" scan-stderr
ok "a stranger's log symlink: refused, saying whose it is" [ $? = 0 ]
wait_until 30 file_has scan-stdout "e says hello"; ok "e runs unlogged: its output is the scanner's" [ $? = 0 ]
wait_until 30 is_up scan/f; ok "f runs" [ $? = 0 ]
wait_until 30 grep -qF "$T/scan/f/log belongs to uid $stranger" scan-stderr
ok "a stranger's log dir: refused too" [ $? = 0 ]
wait_until 30 file_has scan-stdout "f says hello"; ok "f runs unlogged" [ $? = 0 ]
wait_until 30 eval 'svstat scan/n 2>/dev/null | grep -qF "waiting for h"'
ok "n waits for h, whose supervise is a stranger's symlink to a fake status of up" [ $? = 0 ]
wait_until 30 eval 'svstat scan/m 2>/dev/null | grep -qF "waiting for target"'
ok "m waits for target: the stranger's needs/x is a name, never followed" [ $? = 0 ]
ok "n never ran: the fake status was not believed" [ ! -e n-ran ]
ok "m never ran" [ ! -e m-ran ]
ok "the stranger's log/run never ran" [ ! -e f-log-ran ]
ok "the log symlink's target run never ran" [ ! -e logtarget-ran ]
is "$(listing logtarget)" "$logtarget_before" "the log symlink's target is untouched (no supervise/)"
is "$(listing target)" "$target_before" "the needs/ entry's target is untouched"
ok "the stranger's log dir has no supervise/ of root's" [ ! -e scan/f/log/supervise ]
is "$(svpid x)" "$xpid" "the process the fake status names is untouched"

# --- the supervisor's own dir: a stranger's log/ inside a root service
# dir (as if swapped in after the scanner looked), run directly ---
mkservice sv/own "exec sleep 1000"
open_to_stranger sv/own
as_stranger mkdir sv/own/log
printf '#!/bin/sh\ntouch %s/own-log-ran\nexec cat\n' "$T" > own-log-run
as_stranger cp own-log-run sv/own/log/run
as_stranger chmod 755 sv/own/log/run
timeout 30 vigil-supervise sv/own/log > /dev/null 2> own-log-err
is "$?" 111 "a stranger's dir given to vigil-supervise: refused (exit 111)"
like "$(cat own-log-err)" "refusing sv/own/log: it belongs to uid $stranger, neither this supervisor's nor the owner of the dir that holds it" \
  "a stranger's dir given to vigil-supervise: the message names its owner"
ok "a stranger's dir given to vigil-supervise: its run never ran, no supervise made" eval '[ ! -e own-log-ran ] && [ ! -e sv/own/log/supervise ]'

done_testing
