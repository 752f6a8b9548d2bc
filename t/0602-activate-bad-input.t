#!/bin/sh
# svactivate and svdeactivate on bad input: each case one clear message,
# exit 100 or 111, and the live dir exactly as it was (no partial service,
# no dotdir). Bad names, a missing source, no executable run, a bad log,
# a symlink out of the tree, a fifo, a live dir missing or read-only, a
# leftover .NAME, and a disk that fills half-way (a small tmpfs in a
# private mount namespace).

if [ "${VIGIL_TEST_MOUNT_NS:-}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP a mount namespace needs root"; exit 0; fi
  if ! unshare -m --propagation private true 2>/dev/null; then echo "1..0 # SKIP unshare -m fails here"; exit 0; fi
  VIGIL_TEST_MOUNT_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

mkdir rc live conf
VIGIL_RCDIR=$T/rc
VIGIL_CONFDIR=$T/conf
SVDIR=$T/live
export VIGIL_RCDIR VIGIL_CONFDIR SVDIR
unset VIGIL_LOG_TEMPLATE

mkservice rc/good 'exec sleep 1000'
svactivate good
# listing DIR: every entry under DIR, dotdirs included, with inode and size.
listing() { (cd "$1" && find . -mindepth 1 -printf '%p %i %s %m\n' | sort); }
before=$(listing live)

# refused CODE PATTERN DESCRIPTION COMMAND...: COMMAND exits CODE with one
# line matching PATTERN on stderr, and the live dir is as it was.
refused() {
  local code=$1 pattern=$2 desc=$3
  shift 3
  "$@" > out 2> err
  is "$?" "$code" "$desc: exit $code"
  like "$(cat err)" "$pattern" "$desc: message"
  is "$(wc -l < err)" 1 "$desc: one line"
  is "$(listing live)" "$before" "$desc: live dir unchanged"
}

refused 100 '^svactivate: fatal: invalid service name: \.hidden: only letters, digits' \
  "a name starting with a dot" svactivate .hidden
mkservice rc/.dot 'exec sleep 1000'
refused 100 'invalid service name: \.dot' "a path whose last component starts with a dot" svactivate "$T/rc/.dot"
refused 100 '^svdeactivate: fatal: invalid service name: a/b' "svdeactivate of a name with a slash" svdeactivate a/b
refused 100 '^svdeactivate: fatal: invalid service name: \.good' "svdeactivate of a dotted name" svdeactivate .good
refused 100 "^svdeactivate: fatal: $T/live/absent: not active" "svdeactivate of a name not active" svdeactivate absent
refused 100 "^svactivate: fatal: unable to install $T/rc/absent: no such service dir$" "a missing source" svactivate absent
echo file > rc/afile
refused 100 "unable to install $T/rc/afile: not a directory" "a source that is a file" svactivate afile

mkdir rc/norun
echo 'data' > rc/norun/config
refused 100 "unable to install $T/rc/norun/run: missing: a service needs an executable run" "a source without run" svactivate norun
mkservice rc/noexec 'exec sleep 1000'
chmod -x rc/noexec/run
refused 100 "unable to install $T/rc/noexec/run: not an executable file: the service could never start" "a run that is not executable" svactivate noexec
mkdir -p rc/rundir/run
refused 100 "rc/rundir/run: not an executable file" "a run that is a directory" svactivate rundir
mkservice rc/badlog 'exec sleep 1000'
echo junk > rc/badlog/log
refused 100 "rc/badlog/log: a file that is not empty" "a log file that is not empty" svactivate badlog
mkservice rc/lognorun 'exec sleep 1000'
mkdir rc/lognorun/log
refused 100 "rc/lognorun/log/run: missing or not executable" "a log/ without an executable run" svactivate lognorun
mkservice rc/escape 'exec sleep 1000'
mkdir rc/escape/env
ln -s ../../shared/env rc/escape/env/common
refused 100 "unable to install $T/rc/escape/env/common: a relative symlink that leads out of the service dir" \
  "a relative symlink out of the source tree" svactivate escape
mkservice rc/fifo 'exec sleep 1000'
mkfifo rc/fifo/pipe
refused 100 "rc/fifo/pipe: not a regular file, directory or symlink" "a fifo in the source" svactivate fifo

# --- the live dir missing, or read-only ---
SVDIR=$T/nowhere svactivate good 2> err
is "$?" 111 "a missing live dir: exit 111"
like "$(cat err)" "^svactivate: fatal: unable to open live service dir $T/nowhere: No such file or directory$" "a missing live dir: message"
mkdir ro
mount -t tmpfs -o size=1m,ro vigil-ro "$T/ro" 2>/dev/null || skip_all "cannot mount a tmpfs"
mkservice rc/fresh 'exec sleep 1000'
SVDIR=$T/ro svactivate fresh 2> err
is "$?" 111 "a read-only live dir: exit 111"
like "$(cat err)" "^svactivate: fatal: unable to create $T/ro/\.fresh: Read-only file system$" "a read-only live dir: message"
is "$(ls -A ro)" "" "a read-only live dir: nothing in it"
umount "$T/ro"

# --- a leftover .NAME from a crashed run is cleaned up ---
mkdir -p live/.fresh/half
echo partial > live/.fresh/half/file
svactivate fresh
is "$?" 0 "with a leftover .fresh: svactivate fresh succeeds"
ok "the leftover is gone" [ ! -e live/.fresh ]
ok "and fresh is complete" [ ! -e live/fresh/half ]
ok "with its run" [ -x live/fresh/run ]
before=$(listing live)
mkservice rc/deadlog 'exec sleep 1000'
ln -s "$T/nowhere" rc/deadlog/log
refused 100 "unable to install $T/rc/deadlog/log: a symlink to nothing: the service would run unlogged" \
  "a log/ symlink to nothing" svactivate deadlog
mkservice "rc/with space" 'exec sleep 1000'
refused 100 '^svactivate: fatal: invalid service name: with space: only letters, digits' \
  "a name with a space" svactivate "with space"
mkservice 'rc/semi;colon' 'exec sleep 1000'
refused 100 '^svactivate: fatal: invalid service name: semi;colon: only letters, digits' \
  "a name with a shell metacharacter" svactivate 'semi;colon'
before=$(listing live)

# --- a disk that fills half-way: the live dir as it was ---
mkdir disk
mount -t tmpfs -o size=1m vigil-full "$T/disk" 2>/dev/null || skip_all "cannot mount a tmpfs"
trap 'umount -l "$T/disk" 2>/dev/null; cleanup' EXIT
mkservice disk/small 'exec sleep 1000'
SVDIR=$T/disk svactivate "$T/disk/small"
mkservice rc/big 'exec sleep 1000'
mkdir rc/big/data
dd if=/dev/zero of=rc/big/data/a bs=1024 count=400 2>/dev/null
dd if=/dev/zero of=rc/big/data/b bs=1024 count=400 2>/dev/null
dd if=/dev/zero of=rc/big/data/c bs=1024 count=400 2>/dev/null
mkdir disk/live
mkservice disk/live/old 'exec sleep 1000'
disk_before=$(listing disk/live)
SVDIR=$T/disk/live svactivate big 2> err
is "$?" 111 "disk full half-way: exit 111"
like "$(cat err)" "^svactivate: fatal: unable to copy $T/rc/big/data/.: No space left on device$" "disk full: the message names the file and the reason"
is "$(listing disk/live)" "$disk_before" "disk full: the live dir is exactly as it was (no big, no .big)"
is "$(df -k disk | awk 'NR == 2 { print $3 }')" "$(du -sk disk | cut -f1)" "disk full: the space used by the attempt is given back"
# A replacement (-f) that fills the disk leaves the active service as it was.
cp -a disk/live/old disk/live/big
echo changed > disk/live/big/run
disk_before=$(listing disk/live)
SVDIR=$T/disk/live svactivate -f big 2> err
is "$?" 111 "disk full during -f: exit 111"
is "$(listing disk/live)" "$disk_before" "disk full during -f: the active service untouched"

done_testing
