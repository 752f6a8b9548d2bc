#!/bin/sh
# vigil-log, one behaviour at a time: exact rotation (sizes, counts, names),
# TAI64N and ISO 8601 stamps, prefix, long lines, binary data, a last line
# without newline, LOGDIR creation, the lock, flush on EOF, SIGTERM and
# SIGALRM, and usage errors.
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

archive_count() { archives "$1" | wc -l | tr -d ' '; }
# sizes DIR: "archive BYTES" per archive, oldest first, then "current BYTES".
sizes() {
  local name
  for name in $(archives "$1"); do echo "archive $(stat -c %s "$1/$name")"; done
  echo "current $(stat -c %s "$1/current")"
}
# predict HEADER MAX_SIZE FILE: the sizes vigil-log must produce for the
# lines of FILE (none longer than -l) framed with a HEADER-byte header: a
# line goes to current unless it would make current exceed MAX_SIZE, in
# which case current is archived first.
predict() {
  awk -v header="$1" -v max="$2" '
    { framed = header + length($0) + 1
      if (current + framed > max) { print "archive " current; current = 0 }
      current += framed }
    END { print "current " current + 0 }' "$3"
}
# tai_seconds LABEL: Unix seconds of a TAI64N label "@" + 24 hex.
tai_seconds() { echo $(( 0x$(printf %s "$1" | cut -c2-17) - 0x400000000000000a )); }
tai_nanoseconds() { echo $(( 0x$(printf %s "$1" | cut -c18-25) )); }
# within_run SECONDS: between $before and $after, the clock read just before
# a logger started and just after it ended (not "now": on a busy machine
# the checks in between can take long).
within_run() { [ "$1" -ge "$before" ] && [ "$1" -le "$after" ]; }
# decreases FILE: how many times column 1 (a stamp) decreases, as a string, line to line.
decreases() { awk '{ if (NR > 1 && $1 < previous) bad++; previous = $1 } END { print bad + 0 }' "$1"; }
distinct_stamps() { awk '{ print $1 }' "$1" | sort -u | wc -l | tr -d ' '; }
rchar() { sed -n 's/^rchar: //p' /proc/"$1"/io 2>/dev/null; }
has_read() { [ "$(rchar "$1")" -ge "$2" ] 2>/dev/null; }

# --- rotation ---------------------------------------------------------------

# 300 lines of 1 to 99 bytes in a fixed pattern (about 15 kB): with -s 1000
# and -l 100 every line fits, and the rotation points are known exactly.
awk 'BEGIN {
  letters = "abcdefghijklmnopqrstuvwxyz"
  for (i = 0; i < 300; i++) {
    n = 1 + (i * 37) % 99; line = ""
    for (j = 0; j < n; j++) line = line substr(letters, (i + j) % 26 + 1, 1)
    print line
  } }' > rot.in
before=$(date +%s)
timeout 20 vigil-log -s 1000 -n 100 -l 100 rot-all < rot.in
rc=$?
after=$(date +%s)
is "$rc" 0 "rotation: exit 0 at EOF"
predicted=$(predict 0 1000 rot.in)
is "$(sizes rot-all)" "$predicted" "rotation: every archive and current have exactly the predicted sizes"
is "$(archive_count rot-all)" "$(echo "$predicted" | grep -c archive)" "rotation: one archive per predicted rotation ($(echo "$predicted" | grep -c archive))"
ok "rotation: more than 10 archives were made" [ "$(archive_count rot-all)" -gt 10 ]
over=$(sizes rot-all | awk '$2 > 1000' | wc -l | tr -d ' ')
is "$over" 0 "rotation: no archive and no current over -s 1000 bytes"
log_cat rot-all > rot-all.out
ok "rotation: archives (by name) then current are exactly the input" cmp -s rot.in rot-all.out
first=$(archives rot-all | head -n 1)
last=$(archives rot-all | tail -n 1)
ok "rotation: archive names are TAI64N labels of the run's time ($first .. $last, run $before .. $after)" \
  eval 'within_run "$(tai_seconds "$first")" && within_run "$(tai_seconds "$last")"'
ok "rotation: the TAI64N nanoseconds of the names are below 10^9" eval '[ "$(tai_nanoseconds "$first")" -lt 1000000000 ] && [ "$(tai_nanoseconds "$last")" -lt 1000000000 ]'

# With -n 4 only the 4 newest archives stay: the oldest went first.
timeout 20 vigil-log -s 1000 -n 4 -l 100 rot-keep < rot.in
is "$?" 0 "rotation -n 4: exit 0 at EOF"
is "$(archive_count rot-keep)" 4 "rotation -n 4: exactly 4 archives kept"
is "$(sizes rot-keep)" "$(predict 0 1000 rot.in | tail -n 5)" "rotation -n 4: the kept archives are the 4 newest, with their predicted sizes"
log_cat rot-keep > rot-keep.out
ok "rotation -n 4: archives then current are exactly the end of the input" \
  eval 'tail -c "$(stat -c %s rot-keep.out)" rot.in | cmp -s - rot-keep.out'

# A second run on the same dir continues current where the first stopped.
timeout 20 vigil-log -s 1000 -n 100 -l 100 rot-twice < rot.in &&
  timeout 20 vigil-log -s 1000 -n 100 -l 100 rot-twice < rot.in
is "$?" 0 "rotation, two runs: exit 0"
cat rot.in rot.in > rot-twice.in
is "$(sizes rot-twice)" "$(predict 0 1000 rot-twice.in)" "rotation, two runs: the second run counts the current it found"
ok "rotation, two runs: archives then current are the input twice" eval 'log_cat rot-twice | cmp -s - rot-twice.in'

# The stamp and prefix count in the size: "@" 24 hex, space, "svc: " = 31 bytes.
timeout 20 vigil-log -t -p 'svc: ' -s 1000 -n 100 -l 100 rot-stamped < rot.in
is "$?" 0 "rotation -t -p: exit 0"
is "$(sizes rot-stamped)" "$(predict 31 1000 rot.in)" "rotation -t -p: sizes exact, stamp and prefix counted"
log_cat rot-stamped > rot-stamped.out
is "$(grep -cvE '^@[0-9a-f]{24} svc: ' rot-stamped.out)" 0 "rotation -t -p: every line is stamp, space, prefix"
ok "rotation -t -p: without stamp and prefix, the lines are the input" eval 'cut -c32- rot-stamped.out | cmp -s - rot.in'

# --- timestamps -------------------------------------------------------------

# stamped_run OPTION DIR: vigil-log OPTION DIR reads stamp.in from a fifo
# in 3 batches, each read before the next is written: the stamps of the
# batches must differ. Sets $?: the logger's exit code.
awk 'BEGIN { for (i = 0; i < 3000; i++) print "line " i }' > stamp.in
sed -n '1,1000p' stamp.in > stamp.1
sed -n '1001,2000p' stamp.in > stamp.2
sed -n '2001,3000p' stamp.in > stamp.3
stamped_run() {
  local logger batch base rc
  before=$(date +%s)
  mkfifo "$2.fifo"
  exec 7<>"$2.fifo"
  start_in "$2.fifo" vigil-log "$1" "$2" 7>&-
  logger=$!
  wait_until 30 test -f "$2/current"
  base=$(rchar "$logger")
  for batch in stamp.1 stamp.2 stamp.3; do
    cat "$batch" >&7
    base=$((base + $(wc -c < "$batch")))
    wait_until 30 has_read "$logger" "$base" || diag "$1: batch $batch not read"
  done
  exec 7>&-
  wait_until 30 dead "$logger"
  reap "$logger"
  rc=$?
  after=$(date +%s)
  return "$rc"
}
stamped_run -t tai
is "$?" 0 "-t: exit 0"
is "$(grep -cvE '^@[0-9a-f]{24} line [0-9]+$' tai/current)" 0 "-t: every line is @ + 24 hex, a space, the line"
ok "-t: after the stamp, the lines are the input" eval 'cut -c27- tai/current | cmp -s - stamp.in'
label_first=$(head -n 1 tai/current | cut -c1-25)
label_last=$(tail -n 1 tai/current | cut -c1-25)
ok "-t: the stamps decode to the run's time ($(tai_seconds "$label_first"), run $before .. $after)" eval 'within_run "$(tai_seconds "$label_first")" && within_run "$(tai_seconds "$label_last")"'
ok "-t: nanoseconds below 10^9" eval '[ "$(tai_nanoseconds "$label_first")" -lt 1000000000 ] && [ "$(tai_nanoseconds "$label_last")" -lt 1000000000 ]'
is "$(decreases tai/current)" 0 "-t: stamps never decrease line to line"
ok "-t: the lines came in several reads: $(distinct_stamps tai/current) distinct stamps" [ "$(distinct_stamps tai/current)" -gt 1 ]
tai64nlocal=${VIGIL_PEERS:-/nonexistent}/usr/bin/tai64nlocal
if [ -x "$tai64nlocal" ]; then
  local_line=$(head -n 1 tai/current | TZ=UTC "$tai64nlocal")
  is "$(date -u -d "$(printf %s "$local_line" | cut -c1-19)" +%s).$(printf %s "$local_line" | cut -c21-29)" \
    "$(tai_seconds "$label_first").$(printf %09d "$(tai_nanoseconds "$label_first")")" \
    "-t: daemontools' tai64nlocal reads the stamp as the same instant ($local_line)"
else
  pass "# SKIP no tai64nlocal in \$VIGIL_PEERS"
fi

stamped_run -T iso
is "$?" 0 "-T: exit 0"
is "$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z line [0-9]+$' iso/current)" 0 \
  "-T: every line is YYYY-MM-DDTHH:MM:SS.uuuuuuZ, a space, the line"
ok "-T: after the stamp, the lines are the input" eval 'cut -c29- iso/current | cmp -s - stamp.in'
iso_first=$(head -n 1 iso/current | cut -c1-27)
iso_last=$(tail -n 1 iso/current | cut -c1-27)
ok "-T: date parses the stamps back to the run's time ($iso_first, run $before .. $after)" \
  eval 'within_run "$(date -u -d "$iso_first" +%s)" && within_run "$(date -u -d "$iso_last" +%s)"'
is "$(decreases iso/current)" 0 "-T: stamps never decrease line to line"
ok "-T: the lines came in several reads: $(distinct_stamps iso/current) distinct stamps" [ "$(distinct_stamps iso/current)" -gt 1 ]

# --- prefix -----------------------------------------------------------------

timeout 10 vigil-log -p 'web[1]: ' prefix < stamp.in
is "$?" 0 "-p: exit 0"
ok "-p: each line is exactly the prefix then the line" eval 'awk '\''{ print "web[1]: " $0 }'\'' stamp.in | cmp -s - prefix/current'
timeout 10 vigil-log -T -p '* ' prefix-iso < stamp.in
is "$(grep -cvE '^[0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z \* line [0-9]+$' prefix-iso/current)" 0 "-T -p: stamp, a space, the prefix, the line"
awk '{ print "* " $0 }' stamp.in > prefix-iso.expected
ok "-T -p: after the stamp and its space, prefix and line exactly" eval 'cut -c29- prefix-iso/current | cmp -s - prefix-iso.expected'

# --- long lines -------------------------------------------------------------

# split_lines MAX FILE: the lines of FILE cut into pieces of MAX bytes.
split_lines() {
  awk -v max="$1" '{ n = length($0); if (!n) print ""; for (i = 1; i <= n; i += max) print substr($0, i, max) }' "$2"
}
awk 'BEGIN { split("0 1 9 10 11 19 20 21 25 30", lengths, " ")
  for (k = 1; k <= 10; k++) { line = ""; for (j = 0; j < lengths[k]; j++) line = line sprintf("%c", 65 + (k + j) % 26); print line } }' > long.in
timeout 10 vigil-log -l 10 long < long.in
is "$?" 0 "-l 10: exit 0"
split_lines 10 long.in > long.expected
ok "-l 10: lines over 10 bytes are split into pieces of 10, the rest untouched (no empty piece)" cmp -s long.expected long/current
[ -f long/current ] && diff long.expected long/current | sed 's/^/# /' >&2
is "$(awk 'length($0) > 10' long/current | wc -l | tr -d ' ')" 0 "-l 10: no line over 10 bytes"
tr -d '\n' < long.in > long.flat
ok "-l 10: no byte dropped: the pieces concatenated are the input" eval 'tr -d "\n" < long/current | cmp -s - long.flat'
is "$(wc -l < long/current | tr -d ' ')" "$(wc -l < long.expected | tr -d ' ')" "-l 10: as many lines as pieces"

# The default limit, 8192: a 20000-byte line and one of exactly 8192.
awk 'BEGIN { line = ""; for (j = 0; j < 20000; j++) line = line sprintf("%c", 97 + j % 26); print line; print substr(line, 1, 8192); print "after" }' > long-default.in
timeout 10 vigil-log long-default < long-default.in
is "$?" 0 "default -l: exit 0"
split_lines 8192 long-default.in > long-default.expected
ok "default -l: a 20000-byte line is 8192 + 8192 + 3616, an 8192-byte line stays whole" cmp -s long-default.expected long-default/current
is "$(awk '{ printf "%d ", length($0) }' long-default/current)" "8192 8192 3616 8192 5 " "default -l: line lengths in the log"

# --- binary data, last line -------------------------------------------------

printf 'a\000b\n\377\376\375\n\300\200 \355\240\200 \364\220\200\200 \303\n\000\n\n\r\t\033[0m\n' > binary.in
timeout 10 vigil-log binary < binary.in
is "$?" 0 "binary: exit 0"
ok "binary: NUL bytes and invalid UTF-8 pass through byte for byte" cmp -s binary.in binary/current
printf 'x a\000b\nx \377\376\375\nx \300\200 \355\240\200 \364\220\200\200 \303\nx \000\nx \nx \r\t\033[0m\n' > binary-prefix.expected
timeout 10 vigil-log -p 'x ' binary-prefix < binary.in
ok "binary -p: prefix, then the bytes untouched" cmp -s binary-prefix.expected binary-prefix/current
printf 'ab\000cdef\n' | timeout 10 vigil-log -l 4 binary-split
printf 'ab\000c\ndef\n' > binary-split.expected
ok "binary -l 4: a NUL byte counts as one byte of the line" cmp -s binary-split.expected binary-split/current

printf 'one\ntwo' | timeout 10 vigil-log noeol
is "$?" 0 "no final newline: exit 0"
ok "no final newline: the last line is written, with a newline" eval 'printf "one\ntwo\n" | cmp -s - noeol/current'
printf 'one\ntwo' | timeout 10 vigil-log -p 'p ' noeol-prefix
ok "no final newline -p: the last line is framed like the others" eval 'printf "p one\np two\n" | cmp -s - noeol-prefix/current'

# A line arriving in two writes, the logger reading between them, is one line.
mkfifo partial.fifo
exec 7<>partial.fifo
start_in partial.fifo vigil-log partial 7>&-
logger=$!
wait_until 30 test -f partial/current
base=$(rchar "$logger")
printf 'abc' >&7
wait_until 30 has_read "$logger" $((base + 3))
ok "partial line: the logger read the first half" [ $? = 0 ]
printf 'def\nghi\n' >&7
exec 7>&-
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "partial line: exit 0 at EOF"
ok "partial line: the halves make one line" eval 'printf "abcdef\nghi\n" | cmp -s - partial/current'

# --- LOGDIR -----------------------------------------------------------------

timeout 10 vigil-log "$T/not/yet/there/log" < /dev/null
is "$?" 0 "missing LOGDIR: exit 0"
ok "missing LOGDIR: created with its parents, with an empty current" eval '[ -d "$T/not/yet/there/log" ] && [ -f "$T/not/yet/there/log/current" ] && [ ! -s "$T/not/yet/there/log/current" ]'

# The lock: a second logger on the same dir exits 111 while the first runs.
mkfifo lock.fifo
exec 7<>lock.fifo
start_in lock.fifo vigil-log locked 7>&-
first=$!
wait_until 30 test -f locked/current
printf 'first\n' >&7
wait_until 30 file_has locked/current first
ok "lock: the first logger runs" [ $? = 0 ]
echo second | timeout 10 vigil-log locked 2> lock.err
is "$?" 111 "lock: a second logger on the same LOGDIR exits 111"
like "$(cat lock.err)" '^vigil-log: fatal: unable to lock locked: another logger' "lock: with a clear message"
ok "lock: the second logger wrote nothing" eval '! grep -q second locked/current'
ok "lock: the first logger still runs" alive "$first"
printf 'more\n' >&7
exec 7>&-
wait_until 30 dead "$first"
reap "$first"
is "$?" 0 "lock: the first logger exits 0 at EOF"
ok "lock: and logged all its lines" eval 'printf "first\nmore\n" | cmp -s - locked/current'
echo third | timeout 10 vigil-log locked
is "$?" 0 "lock: once the first is gone, a new logger takes the dir"

# --- flush on EOF -----------------------------------------------------------

mkfifo eof.fifo
seq 1 200000 > eof.in
start_in eof.fifo vigil-log eof
logger=$!
start sh -c 'exec cat eof.in > eof.fifo'
writer=$!
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "EOF: the logger exits 0"
reap "$writer"
is "$?" 0 "EOF: the writer finished"
log_cat eof > eof.out
ok "EOF: all 200000 lines are in the log (archives then current), in order" cmp -s eof.in eof.out

# --- flush on SIGTERM -------------------------------------------------------

# seqwriter writes one number per write(2), as fast as it can. The test holds
# both ends of the fifo, as the scanner does: when the first logger stops,
# the writer fills the pipe and blocks; a second logger gets what is left.
mkfifo term.fifo
exec 7<>term.fifo
start_in term.fifo vigil-log term1 7>&-
logger=$!
start sh -c 'exec seqwriter "$1" > "$2"' sh "$T/term.state" term.fifo 7>&-
writer=$!
wait_until 30 eval '[ "$(file_lines term1/current)" -ge 20000 ]'
kill -TERM "$logger"
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "SIGTERM: the logger exits 0"
wait_until 30 blocked_writing "$writer"
ok "SIGTERM: the writer goes on until the pipe is full" [ $? = 0 ]
kill -TERM "$writer"
wait_until 30 dead "$writer"
start_in term.fifo vigil-log term2 7>&-
second=$!
wait_until 30 test -f term2/current    # its stdin is open: the pipe survives our end
exec 7>&-
wait_until 30 dead "$second"
reap "$second"
is "$?" 0 "SIGTERM: a second logger drains the rest and exits 0 at EOF"
next=$(od -An -t u8 -N 8 term.state | tr -d ' ')
writing=$(od -An -t u8 -j 8 -N 8 term.state | tr -d ' ')
ok "SIGTERM: the first logger wrote lines ($(file_lines term1/current))" [ "$(file_lines term1/current)" -ge 20000 ]
ok "SIGTERM: what it did not read stayed in the pipe ($(file_lines term2/current) lines for the second)" [ "$(file_lines term2/current)" -gt 0 ]
# Together: 0, 1, 2, ... with nothing missing, repeated or broken, up to the
# writer's next; next itself too if the writer was killed with its write in
# flight (writing = 1: it may or may not have reached the pipe).
verdict=$(cat term1/current term2/current | awk '
  $0 !~ /^[0-9]+$/ { bad++ }
  $0 + 0 != NR - 1 { wrong++ }
  END { printf "lines=%d out-of-sequence=%d malformed=%d", NR, wrong, bad }')
diag "SIGTERM: writer reached $next (writing=$writing): $verdict"
like "$verdict" 'out-of-sequence=0 malformed=0' "SIGTERM: the two logs hold 0, 1, 2, ... each once, in order"
lines=$(cat term1/current term2/current | wc -l | tr -d ' ')
ok "SIGTERM: and every line the writer wrote ($lines lines, writer's next $next)" \
  eval '[ "$lines" = "$next" ] || { [ "$writing" = 1 ] && [ "$lines" = $((next + 1)) ]; }'

# SIGTERM with half a line read, then EOF: that half is written too, with
# a newline.
mkfifo half.fifo
exec 7<>half.fifo
start_in half.fifo vigil-log half 7>&-
logger=$!
wait_until 30 test -f half/current
base=$(rchar "$logger")
printf 'whole\nhalf' >&7
wait_until 30 has_read "$logger" $((base + 10))
kill -TERM "$logger"
exec 7>&-
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "SIGTERM, half a line read: exit 0"
ok "SIGTERM, half a line read: every byte read is written" eval 'printf "whole\nhalf\n" | cmp -s - half/current'

# SIGTERM with half a line read, the rest of the line coming after: a
# restart must not cut the line in two (s6-log: "stop reading stdin after
# the next newline"). A service whose stdio writes blocks, not lines, has
# half a line in its logger's hands most of the time.
mkfifo cut.fifo
exec 7<>cut.fifo
start_in cut.fifo vigil-log cut1 7>&-
logger=$!
wait_until 30 test -f cut1/current
base=$(rchar "$logger")
printf 'one\ntw' >&7
wait_until 30 has_read "$logger" $((base + 6))
kill -TERM "$logger"
printf 'o\nthree\n' >&7
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "SIGTERM mid-line: exit 0"
start_in cut.fifo vigil-log cut2 7>&-
second=$!
wait_until 30 test -f cut2/current
exec 7>&-
wait_until 30 dead "$second"
reap "$second"
cat cut1/current cut2/current > cut.out
ok "SIGTERM mid-line: the two logs hold one, two, three: no line cut in two" eval 'printf "one\ntwo\nthree\n" | cmp -s - cut.out'
[ -f cut.out ] && diag "first logger: $(tr '\n' '|' < cut1/current) second: $(tr '\n' '|' < cut2/current)"

# --- SIGALRM ----------------------------------------------------------------

mkfifo alrm.fifo
exec 7<>alrm.fifo
start_in alrm.fifo vigil-log alrm 7>&-
logger=$!
printf 'a\nb\n' >&7
wait_until 30 eval '[ "$(file_lines alrm/current)" = 2 ]'
kill -ALRM "$logger"
wait_until 30 eval '[ "$(archive_count alrm)" = 1 ] && [ ! -s alrm/current ]'
ok "SIGALRM: current becomes an archive, a new current is empty" [ $? = 0 ]
ok "SIGALRM: the archive holds the lines" eval 'printf "a\nb\n" | cmp -s - "alrm/$(archives alrm)"'
ok "SIGALRM: the logger goes on" alive "$logger"
# An empty current is not archived: SIGALRM now, then a line (read after
# the signal is handled: signals come first in the loop).
kill -ALRM "$logger"
printf 'c\n' >&7
wait_until 30 file_has alrm/current c
ok "SIGALRM: lines after it go to the new current" [ $? = 0 ]
exec 7>&-
wait_until 30 dead "$logger"
reap "$logger"
is "$?" 0 "SIGALRM: exit 0 at EOF"
is "$(archive_count alrm)" 1 "SIGALRM on an empty current makes no empty archive"

# --- usage ------------------------------------------------------------------

# --- selection: -i / -x, in order, the last match decides --------------------
printf 'info: a\nerror: b\ninfo: c error\ndebug: d\n\nerror: e debug\n' > select.in
timeout 10 vigil-log -x '^debug' select-x < select.in
is "$(cat select-x/current)" "$(printf 'info: a\nerror: b\ninfo: c error\n\nerror: e debug')" "-x: lines matching are dropped, others kept (empty lines too)"
timeout 10 vigil-log -i error select-i < select.in
is "$(cat select-i/current)" "$(printf 'error: b\ninfo: c error\nerror: e debug')" "-i first: only lines some -i matches are kept"
timeout 10 vigil-log -i error -x debug select-ix < select.in
is "$(cat select-ix/current)" "$(printf 'error: b\ninfo: c error')" "-i then -x: the later match wins"
timeout 10 vigil-log -x . -i 'c|d' -x '^debug' select-xix < select.in
is "$(cat select-xix/current)" "$(printf 'info: c error\n\nerror: e debug')" "-x -i -x: each pattern in order (-x . leaves the empty line)"
timeout 10 vigil-log -t -p 'app: ' -i 'b$' select-stamped < select.in
like "$(cat select-stamped/current)" '^@[0-9a-f]{24} app: error: b$' "patterns match the line itself, not its stamp or prefix"
seq 1 20000 | sed 's/^/line /' > select-big.in
grep -v '5$' select-big.in > select-big.want
timeout 10 vigil-log -s 4096 -n 1000 -l 100 -x '5$' select-big < select-big.in
is "$(log_cat select-big | wc -l)" 18000 "-x with rotation: every line not matching is kept"
ok "-x with rotation: they are the input without the matching lines, in order" eval 'log_cat select-big | cmp -s - select-big.want'

usage() {
  timeout 30 vigil-log "$@" < /dev/null > /dev/null 2> usage.err
  echo $?
}
is "$(usage -x '(' "$T/u1")" 100 "usage: a bad pattern exits 100"
like "$(cat usage.err)" '^vigil-log: fatal: bad pattern \(' "usage: and names it"
is "$(usage -l 0 "$T/u1")" 100 "usage: -l 0 exits 100"
like "$(cat usage.err)" '^vigil-log: fatal: .*-l' "usage: -l 0 says what is wrong"
is "$(usage -l 65537 "$T/u1")" 100 "usage: -l over the limit exits 100"
is "$(usage -s 1000 "$T/u1")" 100 "usage: -s too small for one line of -l (default 8192) exits 100"
like "$(cat usage.err)" '^vigil-log: fatal: .*-s' "usage: -s says what is wrong"
ok "usage: nothing was created" [ ! -e "$T/u1" ]
is "$(usage -s 1000 -l 100 "$T/u2")" 0 "usage: -s 1000 holds a line of -l 100"
is "$(usage)" 100 "usage: no LOGDIR exits 100"
like "$(cat usage.err)" '^vigil-log: usage: ' "usage: no LOGDIR prints the usage"
is "$(usage "$T/u3" extra)" 100 "usage: two LOGDIRs exit 100"
is "$(usage -n x "$T/u3")" 100 "usage: -n not a number exits 100"
is "$(usage -p "$(printf '%0257d' 0)" "$T/u3")" 100 "usage: a prefix over 256 bytes exits 100"
ok "usage: nothing was created" [ ! -e "$T/u3" ]

done_testing
