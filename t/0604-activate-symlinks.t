#!/bin/sh
# svactivate and vigil-populate never follow a symlink out of the rc dir
# or the live dir when copying, and never leave a half-copied service
# live: a source dir that is root's symlink (followed) or a stranger's
# symlink or dir (refused, naming its owner), a file that is a symlink to /etc/shadow
# (copied as a link, never its content), a symlinked subdir (a link, not
# a copy of what it leads to), a supervise symlink (never copied), a
# symlink planted at the temp names .NAME and .NAME.old (removed, never
# followed), and a copy that fails half-way under vigil-populate (nothing
# of it live; the full disk is t/0602's). The stranger is a uid of its
# own (no account) who may add entries to rc/ (group-writable).
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

stranger=64996
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || getent passwd "$stranger" >/dev/null; then
  skip_all "needs root, setpriv and a free uid $stranger"
fi
as_stranger() { setpriv --reuid="$stranger" --regid="$stranger" --clear-groups "$@"; }
# listing DIR: every entry under DIR, dotdirs included, with inode, size, mode and owner.
listing() { (cd "$1" && find . -printf '%p %i %s %m %u\n' | sort); }

chmod 755 "$T"
mkdir rc live conf elsewhere victim
echo precious > victim/file
victim_before=$(listing victim)
VIGIL_RCDIR=$T/rc
VIGIL_CONFDIR=$T/conf
SVDIR=$T/live
export VIGIL_RCDIR VIGIL_CONFDIR SVDIR
unset VIGIL_LOG_TEMPLATE

# --- the source dir itself a symlink out of rc/: root's is followed ---
mkservice elsewhere/tool 'exec sleep 1000'
ln -s "$T/elsewhere/tool" rc/tool
svactivate tool 2> err
is "$?" 0 "root's symlink rc/tool to a dir outside rc/: installed"
ok "as a copy (a dir, not a link)" eval '[ -d live/tool ] && [ ! -L live/tool ] && [ -x live/tool/run ]'

# --- a stranger's: refused, by svactivate and vigil-populate ---
chgrp "$stranger" rc && chmod 775 rc
mkservice victim/svc 'exec sleep 1000'
victim_before=$(listing victim)
as_stranger ln -s "$T/victim/svc" rc/planted
live_before=$(listing live)
svactivate planted 2> err
is "$?" 100 "a stranger's symlink in rc/: svactivate exits 100"
like "$(cat err)" "^svactivate: fatal: unable to install $T/rc/planted: it belongs to uid $stranger, neither ours nor its dir's owner: not followed$" \
  "saying whose it is"
is "$(listing live)" "$live_before" "the live dir is unchanged"
mkdir boot
vigil-populate rc boot 2> err
is "$?" 100 "vigil-populate: exit 100 for the stranger's symlink"
like "$(cat err)" "unable to install rc/planted: it belongs to uid $stranger, neither ours nor its dir's owner: not followed" "with the same message"
is "$(ls boot)" "tool" "the others installed, not the stranger's"
as_stranger mkdir rc/theirs
as_stranger sh -c "printf '#!/bin/sh\nexec sleep 1000\n' > $T/rc/theirs/run && chmod 755 $T/rc/theirs/run"
svactivate theirs 2> err
is "$?" 100 "a stranger's dir in rc/: svactivate exits 100 (root would run its run)"
like "$(cat err)" "^svactivate: fatal: unable to install $T/rc/theirs: it belongs to uid $stranger, neither ours nor its dir's owner: not followed$" \
  "saying whose it is"
is "$(listing live)" "$live_before" "the live dir is unchanged"
chgrp 0 rc && chmod 755 rc
rm -r rc/planted rc/theirs

# --- what is in the source: links copied as links, supervise never ---
mkservice rc/web 'exec sleep 1000'
ln -s /etc/shadow rc/web/secret
ln -s /etc rc/web/conf
mkdir rc/web/data
echo x > rc/web/data/item
ln -s data rc/web/data-link
ln -s "$T/victim" rc/web/supervise
mkservice rc/web/log 'exec cat'
ln -s "$T/victim" rc/web/log/supervise
svactivate web 2> err
is "$?" 0 "svactivate web (links to /etc/shadow, /etc, a subdir, supervise links)"
ok "a file symlink to /etc/shadow is copied as a link" eval '[ -L live/web/secret ] && [ "$(readlink live/web/secret)" = /etc/shadow ]'
ok "never its content" eval '! grep -rqs root: live/web'
ok "a symlink to a dir outside is copied as a link" eval '[ -L live/web/conf ] && [ "$(readlink live/web/conf)" = /etc ]'
ok "a symlink to a subdir is copied as a link" eval '[ -L live/web/data-link ] && [ "$(readlink live/web/data-link)" = data ]'
is "$(cd live/web && find . | sort | tr '\n' ' ')" ". ./conf ./data ./data-link ./data/item ./log ./log/run ./run ./secret " \
  "nothing of /etc or the victim is copied in"
ok "a supervise symlink at the top is not copied" eval '[ ! -e live/web/supervise ] && [ ! -L live/web/supervise ]'
ok "nor one in log/" eval '[ ! -e live/web/log/supervise ] && [ ! -L live/web/log/supervise ]'
is "$(listing victim)" "$victim_before" "the dirs the links lead to are untouched"

# --- symlinks planted at the temp names: removed, never followed ---
mkservice rc/db 'exec sleep 1000'
ln -s "$T/victim" live/.db
svactivate db 2> err
is "$?" 0 "a symlink planted at live/.db: svactivate db still installs"
ok "db is a real copy" eval '[ -d live/db ] && [ ! -L live/db ] && [ -x live/db/run ]'
ok "the planted .db is gone" eval '[ ! -e live/.db ] && [ ! -L live/.db ]'
is "$(listing victim)" "$victim_before" "what it led to is untouched"
mkdir live/.db
ln -s "$T/victim/file" live/.db/run
ln -s "$T/victim" live/.db/log
echo changed > rc/db/config
ln -s "$T/victim" live/.db.old
svactivate -f db 2> err
is "$?" 0 "a .db dir of symlinks and a .db.old symlink planted: svactivate -f db replaces db"
is "$(cat live/db/config)" "changed" "with the new files"
ok "no dotdir is left" eval '[ -z "$(ls -A live | grep "^\.")" ]'
is "$(listing victim)" "$victim_before" "the planted links were removed, not followed"

# --- a copy that fails half-way at boot: nothing of it live ---
mkservice rc/half 'exec sleep 1000'
mkdir rc/half/a rc/half/z
echo one > rc/half/a/file
mkfifo rc/half/z/pipe
echo two > rc/half/z/later
vigil-populate rc boot 2> err
is "$?" 100 "vigil-populate with a fifo deep in rc/half: exit 100"
like "$(cat err)" "rc/half/z/pipe: not a regular file, directory or symlink" "naming the fifo"
ok "no half, no .half in the live dir" eval '[ ! -e boot/half ] && [ ! -e boot/.half ]'
ok "the other services are installed" eval '[ -x boot/web/run ] && [ -x boot/db/run ]'

done_testing
