#!/bin/sh
# A full disk: vigil-log writes into a 2 MiB tmpfs (in a private mount
# namespace) that a filler file leaves almost full. It must say once that it
# keeps the data, stay alive and stop reading, so the writer blocks on the
# pipe; once the filler is gone it catches up, and no line is lost.

# The whole test runs in a new mount namespace: the tmpfs is private to it
# and vanishes with it.
if [ "${VIGIL_TEST_MOUNT_NS:-}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP a mount namespace needs root"; exit 0; fi
  if ! unshare -m --propagation private true 2>/dev/null; then echo "1..0 # SKIP unshare -m fails here"; exit 0; fi
  VIGIL_TEST_MOUNT_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

mkdir disk
mount -t tmpfs -o size=2m vigil-test "$T/disk" 2>/dev/null || skip_all "cannot mount a tmpfs"
# Unmount first (lazily: the logger may still hold files), then the usual
# cleanup can remove $T.
trap 'umount -l "$T/disk" 2>/dev/null; cleanup' EXIT

warnings() { grep -c 'keeping the data' log.err; }
syscw() { sed -n 's/^syscw: //p' /proc/"$1"/io 2>/dev/null; }
has_written() { [ "$(syscw "$1")" -ge "$2" ] 2>/dev/null; }

# 160 kB free: one rotation (-s 100000) succeeds, the second current fills
# the disk. The input, 1.29 MB, is far more than the logger's buffers and
# the pipe hold, and fits (13 archives) once the filler is gone.
dd if=/dev/zero of=disk/filler bs=1024 count=$((2048 - 160)) 2>/dev/null
ok "the tmpfs is nearly full ($(df -k disk | awk 'NR == 2 { print $4 }') kB free)" [ "$(df -k disk | awk 'NR == 2 { print $4 }')" -le 160 ]
seq 1 200000 > input
mkfifo fifo
start_in fifo vigil-log -s 100000 -n 100 "$T/disk/log" 2> log.err
logger=$!
start sh -c 'exec cat input > fifo'
writer=$!

wait_until 30 grep -q 'keeping the data' log.err
ok "vigil-log says it keeps the data" [ $? = 0 ]
like "$(head -n 1 log.err)" "^vigil-log: warning: unable to write to $T/disk/log .*keeping the data.*: No space left on device" \
  "the warning names the dir and the reason"
# It retries with back-off: a few more write(2) calls, still failing.
base=$(syscw "$logger")
wait_until 30 has_written "$logger" $((base + 4))
ok "vigil-log retries ($(( $(syscw "$logger") - base )) more writes)" [ $? = 0 ]
is "$(warnings)" 1 "it warned once, not once per retry"
ok "vigil-log stays alive" alive "$logger"
wait_until 30 blocked_writing "$writer"
ok "the writer is blocked on the pipe: vigil-log stopped reading" [ $? = 0 ]
ok "the writer has not finished" alive "$writer"
ok "one rotation happened before the disk filled" [ "$(archives disk/log | wc -l)" = 1 ]

rm disk/filler
wait_until 30 dead "$logger"
ok "once space returns, vigil-log reads to EOF and exits" [ $? = 0 ]
reap "$logger"
is "$?" 0 "vigil-log exits 0"
reap "$writer"
is "$?" 0 "the writer wrote everything"
(cd disk/log && cat $(archives .) current) > output
ok "archives then current hold every line once, in order" cmp -s input output
diag "$(wc -l < output) lines in $(archives disk/log | wc -l) archives and current; input $(wc -l < input)"
is "$(warnings)" 1 "still one warning for the whole episode"
like "$(tail -n 1 log.err)" "^vigil-log: warning: writing to $T/disk/log again" "it says when it writes again"

# SIGTERM on a full disk: the logger must not exit with data it read and
# could not write. It waits for space, writes, exits 0; what it did not
# read stays in the pipe (held open here, as the scanner does) for the next.
rm -rf disk/log
dd if=/dev/zero of=disk/filler bs=1024 count=$((2048 - 160)) 2>/dev/null
mkfifo fifo2
exec 7<>fifo2
start_in fifo2 vigil-log -s 100000 -n 100 "$T/disk/log" 2> log2.err 7>&-
logger=$!
# One line per write(2): reads end at line ends (cutting a line at a stop
# is 0501's business).
start sh -c 'exec awk "BEGIN { for (i = 1; i <= 200000; i++) { print i; fflush() } }" > fifo2' 7>&-
writer=$!
wait_until 30 grep -q 'keeping the data' log2.err
ok "TERM on a full disk: stuck first" [ $? = 0 ]
kill -TERM "$logger"
base=$(syscw "$logger")
wait_until 30 has_written "$logger" $((base + 3))
ok "TERM on a full disk: vigil-log keeps retrying instead of exiting" alive "$logger"
rm disk/filler
wait_until 30 dead "$logger"
ok "TERM on a full disk: once space returns it writes and exits" [ $? = 0 ]
reap "$logger"
is "$?" 0 "TERM on a full disk: exit 0"
ok "TERM on a full disk: the writer still has lines to write" alive "$writer"
start_in fifo2 vigil-log -s 100000 -n 100 "$T/disk/log2" 2>> log2.err 7>&-
second=$!
wait_until 30 test -f disk/log2/current    # its stdin is open: the pipe survives our end
exec 7>&-
wait_until 30 dead "$second"
reap "$second"
is "$?" 0 "TERM on a full disk: a second logger reads the rest to EOF, exit 0"
reap "$writer"
is "$?" 0 "TERM on a full disk: the writer wrote everything"
(cd disk/log && cat $(archives .) current; cd ../log2 && cat $(archives .) current) > output2
ok "TERM on a full disk: the two logs hold every line once, in order" cmp -s input output2
diag "first logger: $( (cd disk/log && cat $(archives .) current) | wc -l) lines; second: $( (cd disk/log2 && cat $(archives .) current) | wc -l)"

# Its stderr on a console nobody reads (a pipe held open, full): the
# full-disk warning must not stop the logger in write(2) forever, and the
# service behind its pipe; it is dropped, and the logger goes on retrying.
rm -rf disk/log disk/log2 disk/log3
dd if=/dev/zero of=disk/filler bs=1024 count=$((2048 - 160)) 2>/dev/null
mkfifo errpipe fifo3
exec 8<>errpipe
dd if=/dev/zero of=errpipe bs=65536 count=1 oflag=nonblock 2>/dev/null
start_in fifo3 vigil-log -s 100000 -n 100 "$T/disk/log3" 2> errpipe
logger=$!
start sh -c 'exec cat input > fifo3'
writer=$!
wait_until 30 blocked_writing "$writer"
ok "stderr full: the disk fills, the writer blocks" [ $? = 0 ]
base=$(syscw "$logger")
wait_until 30 has_written "$logger" $((base + 4))
ok "stderr full: vigil-log keeps retrying, not stuck on its warning ($(( $(syscw "$logger") - base )) more writes)" [ $? = 0 ]
rm disk/filler
wait_until 30 dead "$logger"
ok "stderr full: once space returns it reads to EOF and exits" [ $? = 0 ]
reap "$logger"
is "$?" 0 "stderr full: exit 0"
(cd disk/log3 && cat $(archives .) current) > output3
ok "stderr full: every line once, in order" cmp -s input output3
exec 8>&-

done_testing
