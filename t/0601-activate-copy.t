#!/bin/sh
# svactivate and vigil-populate, without a scanner: what a copy keeps
# (modes, symlinks, nested dirs), what it leaves out (supervise/), the
# log/ rule (template, its overrides, a log/ of the source, an empty log
# file), an unchanged source (nothing done), a changed one (refused without
# -f, replaced with it), and vigil-populate's skipping rules.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

mkdir rc live conf
VIGIL_RCDIR=$T/rc
VIGIL_CONFDIR=$T/conf
SVDIR=$T/live
export VIGIL_RCDIR VIGIL_CONFDIR SVDIR
unset VIGIL_LOG_TEMPLATE

# tree DIR: one line per entry, sorted: path, type, mode, link target or content.
tree() {
  (cd "$1" && find . -mindepth 1 | sort | while read -r f; do
    if [ -L "$f" ]; then echo "$f l $(readlink "$f")"
    elif [ -d "$f" ]; then echo "$f d $(stat -c %a "$f")"
    else echo "$f f $(stat -c %a "$f") $(md5sum < "$f" | cut -c1-8)"; fi
  done)
}

# --- a copy keeps modes, symlinks, nested dirs; never supervise/ ---
mkservice rc/web 'exec sleep 1000'
mkdir -p rc/web/env rc/web/data/deep rc/web/supervise
echo 8080 > rc/web/env/PORT; chmod 600 rc/web/env/PORT
echo secret > rc/web/data/deep/key; chmod 4750 rc/web/data/deep/key
chmod 750 rc/web/data
ln -s /usr/bin/env rc/web/absolute
ln -s data/deep/key rc/web/relative
ln -s ../deep rc/web/data/deep/up-inside
echo 'stale' > rc/web/supervise/status
svactivate web 2> err
is "$?" 0 "svactivate web exits 0"
is "$(cat err)" "" "and says nothing"
ok "live/web is there" [ -x live/web/run ]
ok "no .web dotdir is left" [ ! -e live/.web ]
is "$(tree rc/web | grep -v supervise)" "$(tree live/web | grep -v '^./log')" "modes, contents, nested dirs and symlink targets are kept"
ok "the source's supervise/ is not copied" [ ! -e live/web/supervise ]
is "$(stat -c %a live/web)" "$(stat -c %a rc/web)" "the service dir's own mode is kept"

# --- the log/ rule: the built-in default ---
like "$(cat live/web/log/run)" 'exec vigil-log /var/log/web$' "no template: the built-in log/run logs with vigil-log into /var/log/web"
ok "log/run is executable" [ -x live/web/log/run ]
is "$(ls live/web/log)" "run" "the generated log/ holds run alone"

# --- the template, NAME substituted everywhere ---
printf '#!/bin/sh\n# log for @NAME@\nexec linelog %s/logs/@NAME@.log\n' "$T" > conf/log-run
mkservice rc/db 'exec sleep 1000'
svactivate db
is "$(sed -n 2p live/db/log/run)" "# log for db" "\$VIGIL_CONFDIR/log-run is the template; every @NAME@ becomes the name"
is "$(sed -n 3p live/db/log/run)" "exec linelog $T/logs/db.log" "(twice on a line or once)"
printf '#!/bin/sh\nexec envlog @NAME@ @NAME@\n' > other-template
mkservice rc/cache 'exec sleep 1000'
VIGIL_LOG_TEMPLATE=$T/other-template svactivate cache
is "$(sed -n 2p live/cache/log/run)" "exec envlog cache cache" "\$VIGIL_LOG_TEMPLATE overrides it"
printf '#!/bin/sh\nexec dashl @NAME@\n' > l-template
mkservice rc/queue 'exec sleep 1000'
VIGIL_LOG_TEMPLATE=$T/other-template svactivate -l "$T/l-template" queue
is "$(sed -n 2p live/queue/log/run)" "exec dashl queue" "-l FILE overrides both"
mkservice rc/missing-template 'exec sleep 1000'
VIGIL_LOG_TEMPLATE=$T/nowhere svactivate missing-template 2> err
is "$?" 111 "a \$VIGIL_LOG_TEMPLATE that is missing: exit 111"
like "$(cat err)" "^svactivate: fatal: unable to read log template $T/nowhere: No such file" "with a message naming it"
ok "and nothing installed" [ ! -e live/missing-template ]

# --- a log of the source's own ---
mkservice rc/ownlog 'exec sleep 1000'
mkservice rc/ownlog/log 'exec mylogger'
mkdir rc/ownlog/log/supervise
svactivate ownlog
is "$(cat live/ownlog/log/run)" "$(cat rc/ownlog/log/run)" "a log/ dir of the source is copied as is"
ok "without its supervise/" [ ! -e live/ownlog/log/supervise ]
mkservice rc/nolog 'exec sleep 1000'
: > rc/nolog/log
svactivate nolog
ok "an empty log file is copied: no logger" [ -f live/nolog/log ]
is "$(wc -c < live/nolog/log)" 0 "and stays empty"

# --- active already: same source, nothing done; changed, refused unless -f ---
ino=$(stat -c %i live/web)
svactivate web 2> err
is "$?" 0 "svactivate of an unchanged active service exits 0"
is "$(stat -c %i live/web)" "$ino" "and leaves the live dir alone (same inode)"
mkdir live/web/supervise
echo runtime > live/web/supervise/status
svactivate web
is "$?" 0 "a supervise/ in the live dir is no change"
echo 9090 > rc/web/env/PORT
svactivate web 2> err
is "$?" 100 "a changed source: refused, exit 100"
like "$(cat err)" "^svactivate: fatal: web is active and differs from $T/rc/web: svactivate -f replaces it" "with a message saying -f replaces it"
is "$(cat live/web/env/PORT)" 8080 "the live service is untouched"
chmod 640 rc/web/env/PORT
echo 8080 > rc/web/env/PORT
svactivate web 2> /dev/null
is "$?" 100 "a changed mode is a change"
chmod 600 rc/web/env/PORT
rm rc/web/relative; ln -s data/deep rc/web/relative
svactivate web 2> /dev/null
is "$?" 100 "a changed symlink target is a change"
rm rc/web/relative; ln -s data/deep/key rc/web/relative
svactivate web
is "$?" 0 "back as it was: no change"
echo 9090 > rc/web/env/PORT
svactivate -f web
is "$?" 0 "svactivate -f replaces it"
is "$(cat live/web/env/PORT)" 9090 "with the new files"
ok "under a new inode (a new service to the scanner)" [ "$(stat -c %i live/web)" != "$ino" ]
is "$(ls -A live | grep '^\.' | tr '\n' ' ')" "" "no dotdir left in the live dir"

# --- a path instead of a name ---
mkdir elsewhere
mkservice elsewhere/tool 'exec sleep 1000'
svactivate "$T/elsewhere/tool/"
ok "svactivate DIR installs DIR under its last component" [ -x live/tool/run ]

# --- svdeactivate without a scanner: nothing to stop, the dir goes ---
svdeactivate nolog ownlog 2> err
is "$?" 0 "svdeactivate of services no supervisor runs (an empty log file, a log/): exit 0"
is "$(cat err)" "" "silently"
ok "both dirs are gone" eval '[ ! -e live/nolog ] && [ ! -e live/ownlog ]'
is "$(ls -A live | grep -c '^\.')" 0 "no dotdir left"

# --- vigil-populate ---
mkdir boot
mkservice rc/.hidden 'exec sleep 1000'
echo "not a service" > rc/README
mkservice rc/broken-none ''
chmod -x rc/broken-none/run
ln -s "$T/elsewhere/tool" rc/linked
vigil-populate rc boot 2> err
is "$?" 100 "vigil-populate: a source without an executable run makes it exit 100"
like "$(cat err)" "unable to install rc/broken-none/run: not an executable file" "with a message for that one"
is "$(ls boot | tr '\n' ' ')" "cache db linked missing-template nolog ownlog queue web " "every other service is copied; dotdirs and files skipped"
is "$(tree rc/web | grep -v supervise)" "$(tree boot/web | grep -v '^./log')" "with the same rules as svactivate"
ok "a symlink to a service dir in SRC is followed" [ -x boot/linked/run ]
ok "the template gives each its log/" file_has boot/db/log/run "exec linelog $T/logs/db.log"
is "$(ls -A boot | grep -c '^\.')" 0 "no dotdir in DST"
rm -r rc/broken-none
vigil-populate rc boot 2> err
is "$?" 0 "run again on the same SRC: exit 0 (each is unchanged)"
is "$(cat err)" "" "silently"
vigil-populate 2> err
is "$?" 100 "vigil-populate without arguments: exit 100"
like "$(cat err)" "^vigil-populate: usage: vigil-populate SRC DST" "with the usage"
vigil-populate rc "$T/nodir" 2> err
is "$?" 111 "a missing DST: exit 111"

# At boot its stderr is the console: one nobody reads (a pipe held open,
# full) must not hold it, and the boot behind it, on a warning.
mkfifo errpipe
exec 8<>errpipe
dd if=/dev/zero of=errpipe bs=65536 count=1 oflag=nonblock 2>/dev/null
mkservice rc/broken-again ''
chmod -x rc/broken-again/run
rm -rf boot2; mkdir boot2
start sh -c 'exec vigil-populate rc boot2 2> errpipe'
pop=$!
wait_until 30 dead "$pop"
ok "stderr on a full pipe nobody reads: vigil-populate still ends" [ $? = 0 ]
reap "$pop"
is "$?" 100 "... with its exit code (100: the broken one), its warning dropped"
ok "... having installed the others" [ -x boot2/web/run ]
exec 8>&-

done_testing
