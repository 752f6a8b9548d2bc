#!/bin/sh
# vigil-analyze under a real vigil-scan: a needs b needs c (c reports
# readiness 1.5 s after its start) and o (a oneshot, 0.5 s), a/log, d wanted
# down. blame's order, critical-chain a b c, plot's SVG (a bar per dir in
# spawn order, the same bytes twice, rsvg-convert renders it). Then a
# service dir of status files in every other format and from other boots:
# listed, left out, and said so. Bad usage, a missing dir.
. "$(dirname "$0")/lib.sh"

SV=$T/sv
mkdir "$SV"
mkservice "$SV/c" 'sleep 1.5; echo >&3; exec sleep 1000'
echo 3 > "$SV/c/notification-fd"
mkdir -p "$SV/o"
printf '#!/bin/sh\nexec sleep 0.5\n' > "$SV/o/up"
chmod +x "$SV/o/up"
mkservice "$SV/b" 'exec sleep 1000'
mkdir "$SV/b/needs" && : > "$SV/b/needs/c" && : > "$SV/b/needs/o"
mkservice "$SV/a" 'exec sleep 1000'
mkdir "$SV/a/needs" && : > "$SV/a/needs/b"
mkservice "$SV/a/log" 'exec cat > /dev/null'
mkservice "$SV/d" 'exec sleep 1000'
: > "$SV/d/down"
mkdir "$SV/d/needs" && : > "$SV/d/needs/a"

start vigil-scan "$SV" > scan.out 2> scan.err
wait_until 60 is_up "$SV/a"; ok "a, needing b needing c and o, comes up" [ $? = 0 ]
wait_until 30 svok "$SV/d"; ok "d is supervised (down)" [ $? = 0 ]
SVDIR=$SV
export SVDIR

# ---- blame ----
vigil-analyze blame > blame 2> blame.err; is "$?" 0 "blame exits 0"
is "$(sed 's/^ *//' blame | cut -d' ' -f2 | sed -n '1,2p' | tr '\n' ' ')" "c o " \
  "blame: c (1.5 s to ready) first, then o (0.5 s)"
is "$(sed -n '$p' blame | sed 's/^ *//')" "- d (not started)" "blame: d, down, last and said so"
is "$(sed -n '3,5p' blame | sed 's/^ *//' | sort | tr '\n' ' ')" "0ms a 0ms a/log 0ms b " \
  "blame: a, a/log and b up at their spawn (no readiness): 0 ms"
c_ms=$(sed -n '1s/^ *\([0-9]*\)\.\([0-9]*\)s c$/\1\2/p' blame)
# The spawn is recorded once the supervisor's spawn has returned, after the
# exec: a few ms late, more under load; a margin of 250 ms.
ok "blame: c took about its 1.5 s delay (${c_ms:-?} ms)" [ "${c_ms:-0}" -ge 1250 ]
o_ms=$(sed -n '2s/^ *\([0-9]*\)ms o$/\1/p' blame)
ok "blame: the oneshot o took about its 0.5 s (${o_ms:-?} ms)" [ "${o_ms:-0}" -ge 250 ]
ok "blame: the times are right-aligned (in c's 6 columns)" eval '[ "$(cut -c1-6 blame | grep -c "[0-9]m*s$")" = 5 ] && [ "$(cut -c6 blame | tr -d "\n")" = "sssss-" ]'
ok "blame: nothing on stderr" [ ! -s blame.err ]

# ---- critical-chain ----
vigil-analyze critical-chain > chain 2> chain.err; is "$?" 0 "critical-chain exits 0"
names() { sed 's/^[^a-z]*//; s/ .*//' "$1" | tr '\n' ' '; }
is "$(names chain)" "a b c " "critical-chain: a, then b, then c (ready after o)"
like "$(sed -n 1p chain)" '^a @[0-9]+\.[0-9]{3}s \+0ms$' "critical-chain: a @ready +took"
like "$(sed -n 2p chain)" '^└─b @[0-9]+\.[0-9]{3}s \+0ms$' "critical-chain: b under a"
like "$(sed -n 3p chain)" '^  └─c @[0-9]+\.[0-9]{3}s \+[12]\.[0-9]{3}s$' "critical-chain: c under b, about 1.5 s"
at() { sed -n "$1s/.* @\([0-9]*\)\.\([0-9]*\)s .*/\1\2/p" chain; }
ok "critical-chain: each ready no later than the one above" eval '[ "$(at 3)" -le "$(at 2)" ] && [ "$(at 2)" -le "$(at 1)" ]'
vigil-analyze critical-chain b > chain-b; is "$(names chain-b)" "b c " "critical-chain b: b, then c"
vigil-analyze critical-chain a/log > chain-log; is "$(names chain-log)" "a/log " "critical-chain a/log: a logger needs nothing"
vigil-analyze critical-chain d > /dev/null 2> err; is "$?" 1 "critical-chain d: exit 1 (no instants)"
like "$(cat err)" '^vigil-analyze: warning: d: not started$' "critical-chain d: says why"
vigil-analyze critical-chain nosuch > /dev/null 2> err; is "$?" 100 "critical-chain of no such service: exit 100"
like "$(cat err)" 'no service named nosuch' "... and says so"

# ---- plot ----
vigil-analyze plot > boot.svg 2> plot.err; is "$?" 0 "plot exits 0"
is "$(cat plot.err)" "vigil-analyze: warning: left out of the plot: d: not started" "plot: d left out, and said so"
is "$(grep -c '^<rect class="bar"' boot.svg)" 5 "plot: a bar per dir started (a, a/log, b, c, o)"
bar_names=$(sed -n '/^<rect class="bar"/{n;s/^<text class="name"[^>]*>\([^ <]*\).*/\1/p;}' boot.svg | tr '\n' ' ')
row() { printf '%s\n' $bar_names | grep -nx -- "$1" | cut -d: -f1; }
ok "plot: c and o above b above a, as spawned ($bar_names)" \
  eval '[ "$(row c)" -lt "$(row b)" ] && [ "$(row o)" -lt "$(row b)" ] && [ "$(row b)" -lt "$(row a)" ]'
ok "plot: each bar starts no earlier than the one above" sh -c "
  sed -n 's/^<rect class=\"bar\" x=\"\([0-9.]*\)\".*/\1/p' boot.svg | awk 'NR > 1 && \$1 + 0 < x { bad = 1 } { x = \$1 + 0 } END { exit bad }'"
ok "plot: no phases (PID 1 is not this scanner)" eval '! grep -q "class=\"phase\"" boot.svg'
like "$(grep -c 'class="wait"' boot.svg)" '^[1-5]$' "plot: the waits for needs drawn"
like "$(grep '^<text class="name"[^>]*>c ' boot.svg)" '>c \+[12]\.[0-9]{3}s' "plot: c's label has its time"
vigil-analyze plot > again.svg 2> /dev/null
ok "plot: the same status files give the same bytes" cmp -s boot.svg again.svg
if command -v rsvg-convert > /dev/null; then
  ok "plot: rsvg-convert renders it" rsvg-convert -o boot.png boot.svg
else
  pass "plot: rsvg-convert renders it # SKIP no rsvg-convert (sh .ci/deps test installs librsvg2-bin)"
fi

# ---- other formats, other boots ----
OTHER=$T/other
status_in() { mkdir -p "$OTHER/$1/supervise" && cat > "$OTHER/$1/supervise/status"; }
mkdir -p "$OTHER"
status_in copy < "$SV/b/supervise/status"
head -c 18 "$SV/b/supervise/status" | status_in daemontools
head -c 20 "$SV/b/supervise/status" | status_in runit
head -c 52 "$SV/b/supervise/status" | status_in layout1
# Layout 1's magic says 1: the last byte of "vgl" and the version.
printf '\001' | dd of="$OTHER/layout1/supervise/status" bs=1 seek=23 conv=notrunc 2> /dev/null
# Supervised later than now (a boot that lasted longer): offset 56.
status_in later < "$SV/b/supervise/status"
printf '\377\377\377\377\377\377\377\177' | dd of="$OTHER/later/supervise/status" bs=1 seek=56 conv=notrunc 2> /dev/null
# Changed in 1970, before this boot: the TAI64N label's seconds.
status_in before < "$SV/b/supervise/status"
printf '\100\000\000\000\000\000\000\012' | dd of="$OTHER/before/supervise/status" bs=1 seek=0 conv=notrunc 2> /dev/null
head -c 30 "$SV/b/supervise/status" | status_in truncated
mkdir "$OTHER/none" "$OTHER/.hidden" && : > "$OTHER/file"
SVDIR=$OTHER vigil-analyze blame > blame-other 2> err; is "$?" 0 "other formats: blame exits 0"
is "$(sed 's/^ *//' blame-other)" "0ms copy
- before (status from another boot)
- daemontools (no boot record: daemontools' status)
- later (status from another boot)
- layout1 (no boot record: an older vigil's status)
- none (no status)
- runit (no boot record: runit's status)
- truncated (no status)" "other formats: each dir listed, with why it has no time (dot names and files are no service)"
SVDIR=$OTHER vigil-analyze plot > other.svg 2> err; is "$?" 0 "other formats: plot exits 0"
is "$(grep -c '^<rect class="bar"' other.svg)" 1 "other formats: the one record drawn"
is "$(grep -c 'left out of the plot' err)" 7 "other formats: each other one left out, and said so"
like "$(grep 'left out of the plot: later' err)" 'status from another boot$' "other formats: another boot's status said so"

# ---- usage, errors ----
vigil-analyze > /dev/null 2> err; is "$?" 100 "no command: exit 100"
like "$(cat err)" '^vigil-analyze: usage: vigil-analyze blame' "no command: the usage"
vigil-analyze blame extra > /dev/null 2>&1; is "$?" 100 "blame with an argument: exit 100"
vigil-analyze frobnicate > /dev/null 2>&1; is "$?" 100 "an unknown command: exit 100"
SVDIR=$T/missing vigil-analyze blame > /dev/null 2> err; is "$?" 111 "a missing service dir: exit 111"
like "$(cat err)" "unable to read $T/missing" "a missing service dir: says so"
mkdir "$T/empty"
SVDIR=$T/empty vigil-analyze blame > out; is "$?:$(cat out)" "0:" "an empty service dir: nothing to blame, exit 0"
SVDIR=$T/empty vigil-analyze critical-chain > /dev/null 2>&1; is "$?" 1 "an empty service dir: no chain, exit 1"
SVDIR=$T/empty vigil-analyze plot > out 2>&1; ok "an empty service dir: still an SVG" grep -q '^</svg>$' out

done_testing
