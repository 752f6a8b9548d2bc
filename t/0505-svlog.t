#!/bin/sh
# svlog under a real vigil-scan with real vigil-log loggers: two services
# merged by their stamps (TAI64N and ISO), -n, the log dir found from the
# logger's command line (a relative one, against its cwd), -d, the
# /var/log/NAME convention ($VIGIL_LOGROOT) once the logger is down, --json
# parsed back, -f across many rotations (small -s) with no line lost or
# doubled, plain reads while the dir rotates under them; bad input: a torn
# last line, binary junk, lines without a stamp, an archive that vanished
# or cannot be read, a missing dir, no log dir at all.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

SVDIR=$T/sv
export SVDIR
mkdir -p sv logs
# Each service prints what the test writes into its fifo (kept open both ways).
feeder() {
  mkfifo "$T/$1.fifo"
  mkservice "sv/$1" "exec cat 0<>$T/$1.fifo"
  mkdir -p "sv/$1/log"
  printf '#!/bin/sh\n%s\n' "$2" > "sv/$1/log/run"
  chmod +x "sv/$1/log/run"
}
feeder alpha "exec vigil-log -t $T/logs/alpha"
feeder beta "exec vigil-log -T ./main"
feeder gamma "exec vigil-log -t -s 200 -l 100 -n 100000 $T/logs/gamma"
# The peers' loggers, as Debian ships them: svlogd -tt (ISO, UTC, "_"),
# multilog t (TAI64N, small archives), s6-log t; each told a relative dir.
peers=
if [ -n "${VIGIL_PEERS:-}" ] && [ -x "$VIGIL_PEERS/usr/bin/svlogd" ] && [ -x "$VIGIL_PEERS/usr/bin/multilog" ] && [ -x "$VIGIL_PEERS/usr/bin/s6-log" ]; then
  peers="delta epsilon zeta"
  feeder delta "mkdir -p main && exec $VIGIL_PEERS/usr/bin/svlogd -tt main"
  feeder epsilon "exec $VIGIL_PEERS/usr/bin/multilog t s4096 n100 ./main"
  feeder zeta "exec $VIGIL_PEERS/usr/bin/s6-log t ./main"
else
  diag "no peers' loggers in VIGIL_PEERS: svlogd, multilog and s6-log dirs not tested"
fi
start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
for s in alpha beta gamma $peers; do
  wait_until 30 is_up "sv/$s" && wait_until 30 is_up "sv/$s/log"
  ok "$s and its logger up" [ $? = 0 ]
done

# text: svlog's plain lines without name and time (or the blank of no time).
text() { sed -E 's/^[^ ]+ +([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}| {23}) //'; }
# say SERVICE LINE: the service logs LINE; wait until its log has it.
say() {
  local dir
  echo "$2" > "$T/$1.fifo"
  case $1 in beta) dir=sv/beta/log/main ;; *) dir=logs/$1 ;; esac
  wait_until 30 eval "grep -q ' $2\$' $dir/current"
}

# --- merge ---
for i in 1 2 3; do say alpha "a$i"; say beta "b$i"; done
svlog alpha beta > merged 2> merged.err
is "$?" 0 "merge: exit 0"
is "$(text < merged | tr '\n' ' ')" "a1 b1 a2 b2 a3 b3 " "merge: two services (TAI64N and ISO stamps) in the order of their stamps"
like "$(head -1 merged)" '^alpha [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} a1$' "merge: each line has the service's name and a local time"
like "$(sed -n 2p merged)" '^beta  ' "merge: names padded to one column"
is "$(svlog -n 3 alpha beta | text | tr '\n' ' ')" "b2 a3 b3 " "-n 3: the last three of the merge"
is "$(svlog -n 100 alpha beta | text | tr '\n' ' ')" "a1 b1 a2 b2 a3 b3 " "-n more than there is: all of it"
is "$(svlog -n 0 alpha beta | wc -l)" 0 "-n 0: nothing"
is "$(svlog | grep -c ' [ab][123]$')" 6 "no NAME: every service of \$SVDIR (the same six lines among them)"
is "$(svlog "$T/sv/beta" | text | tr '\n' ' ')" "b1 b2 b3 " "a service by path; beta's dir ./main found from its logger's command line and cwd"
is "$(svlog -d "$T/sv/beta/log/main" | cut -d' ' -f1 | sort -u)" "main" "-d DIR: read as is, named by its last component"
is "$(svlog -d "$T/sv/beta/log/main" | text | tr '\n' ' ')" "b1 b2 b3 " "-d DIR: its lines"

# --- the peers' log dirs, found from their command lines ---
if [ -n "$peers" ]; then
  # shown NAME LINE: svlog NAME prints LINE (the dir found, the line flushed).
  shown() { svlog "$1" 2>/dev/null | text | grep -qx "$2"; }
  for i in 1 2; do
    for s in $peers; do
      echo "${s}$i" > "$T/$s.fifo"
      wait_until 30 shown "$s" "${s}$i" || diag "$s: ${s}$i not shown"
    done
  done
  is "$(svlog $peers | text | tr '\n' ' ')" "delta1 epsilon1 zeta1 delta2 epsilon2 zeta2 " "svlogd -tt, multilog t, s6-log t: dirs from their command lines, merged by their stamps"
  seq 1 200 | sed 's/^/multilog line number /' > "$T/epsilon.fifo"
  wait_until 30 shown epsilon "multilog line number 200"
  is "$(svlog epsilon | text | grep -c '^multilog line number')" 200 "multilog's archives (@TAI64N.s) and current read in order: all 200 lines"
  ok "... across its rotations" [ "$(ls sv/epsilon/log/main | grep -c '^@')" -gt 2 ]
  is "$(svlog epsilon | text | grep '^multilog line number' | sed 's/.* //' | tr '\n' ' ')" "$(seq 1 200 | tr '\n' ' ')" "... each once, in order"
fi

# --- json ---
svlog --json alpha beta > merged.json
parsed=$(perl -MJSON::PP -ne 'my $o = decode_json($_); print "$o->{service}:$o->{text}:", ($o->{tai64n} =~ /^\@[0-9a-f]{24}$/ ? "t" : "x"), ($o->{time} =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/ ? "i" : "x"), ($o->{epoch} > 1e9 ? "e" : "x"), " "' merged.json)
is "$parsed" "alpha:a1:tie beta:b1:tie alpha:a2:tie beta:b2:tie alpha:a3:tie beta:b3:tie " "--json: one object per line, parsed back: service, text, tai64n, ISO time, epoch"
a1_tai=$(head -1 logs/alpha/current | cut -d' ' -f1)
is "$(perl -MJSON::PP -ne 'print decode_json($_)->{tai64n}, "\n"; last' merged.json)" "$a1_tai" "--json: the TAI64N is the line's own"

# --- the convention, once the logger is down ---
svc -d sv/beta/log
wait_until 30 is_down sv/beta/log
mkdir -p varlog/beta
printf '%s conventional\n' "$a1_tai" > varlog/beta/current
is "$(VIGIL_LOGROOT=$T/varlog svlog beta | text)" "conventional" "logger down: \$VIGIL_LOGROOT/NAME (/var/log/NAME by default)"
VIGIL_LOGROOT=$T/nothing svlog beta > none.out 2> none.err
is "$?" 111 "logger down, no conventional dir: exit 111"
like "$(cat none.err)" 'svlog: fatal: no log dir for .*/sv/beta: .*give one with -d' "... and says why and what to do"
svc -u sv/beta/log

# --- follow across rotations ---
svlog -f gamma > follow.out 2> follow.err &
follower=$!
track "$follower"
# At least the watch is in place once svlog has read the (empty) log.
wait_until 30 eval "[ -n \"\$(ls -l /proc/$follower/fd 2>/dev/null | grep anon_inode:inotify)\" ]"
ok "-f: svlog watches with inotify" [ $? = 0 ]
# 1..500 in one burst (many rotations between two wakeups), then 501..600 one by one.
seq 1 500 | sed 's/^/n/' > "$T/gamma.fifo"
reads_ok=0
for i in 1 2 3 4 5; do
  # Plain reads while the dir rotates: numbers consecutive, none twice.
  svlog gamma > read.$i 2> read.$i.err && [ ! -s read.$i.err ] &&
    [ "$(text < read.$i | sed 's/^n//' | awk 'NR > 1 && $1 != p + 1 { bad++ } { p = $1 } END { print bad + 0 }')" = 0 ] &&
    reads_ok=$((reads_ok + 1))
done
is "$reads_ok" 5 "plain reads while the log rotates: exit 0, no message, consecutive numbers"
for i in $(seq 501 600); do echo "n$i" > "$T/gamma.fifo"; done
wait_until 60 eval "grep -q ' n600\$' follow.out"
ok "-f: the last line arrived" [ $? = 0 ]
rotations=$(ls logs/gamma | grep -c '^@')
ok "-f: the log rotated many times meanwhile ($rotations)" [ "$rotations" -gt 50 ]
is "$(text < follow.out | sed 's/^n//' | tr '\n' ' ')" "$(seq 1 600 | tr '\n' ' ')" "-f: every line once, in order, across every rotation"
is "$(cat follow.err)" "" "-f: no message"
kill -TERM "$follower"
reap "$follower" > /dev/null
svlog -f -n 2 gamma > follow2.out 2>&1 &
follower=$!
track "$follower"
wait_until 30 eval "grep -q ' n600\$' follow2.out"
echo n601 > "$T/gamma.fifo"
wait_until 30 eval "grep -q ' n601\$' follow2.out"
is "$(text < follow2.out | tr '\n' ' ')" "n599 n600 n601 " "-f -n 2: the last two lines, then what comes"
kill -TERM "$follower"
reap "$follower" > /dev/null

# --- bad input ---
stamp=$a1_tai
mkdir bad
printf '%s first\n%s torn' "$stamp" "$stamp" > bad/current
is "$(svlog -d bad | text | tr '\n' '|')" "first|torn|" "a torn last line: printed, with a newline"
printf '%s junk \001\033[2J\000\177 end\nno stamp here\n%s last\n%s utf8 \303\251 bad \377\300\n' "$stamp" "$stamp" "$stamp" > bad/current
svlog -d bad > bad.out 2> bad.err
is "$?" 0 "binary junk: exit 0"
is "$(sed -n 1p bad.out | text)" "junk ??[2J?? end" "binary junk: control bytes shown as ?"
like "$(sed -n 2p bad.out)" '^bad {25}no stamp here$' "a line without a stamp: a blank time, kept after the line before it"
svlog --json -d bad > bad.json
is "$(perl -MJSON::PP -ne 'my $o = decode_json($_); print defined $o->{time} ? "s" : "n"' bad.json)" "snss" "binary junk and no stamp in --json: valid JSON, time null"
mkdir unstamped
printf '@400000007fffffff00000000 a-old\n@400000007fffffff00000001 a-new\nun-a1\nun-a2\n' > unstamped/current
is "$(svlog -n 2 -d unstamped -d bad | text | tr '\n' '|')" "un-a1|un-a2|" "-n: unstamped lines at the window's start sort with the stamped line before it (not with the beginning of time)"
ln -s nowhere "bad/@400000000000000000000000.s"
mkdir "bad/@400000000000000100000000.s"
svlog -d bad > vanished.out 2> vanished.err
is "$(text < vanished.out | tr '\n' '|')" "$(printf 'junk ??[2J?? end|no stamp here|last|utf8 \303\251 bad \377\300|')" "an archive vanished (dangling) or unreadable (a dir): the rest is read"
like "$(cat vanished.err)" 'svlog: warning: unable to read .*@400000000000000100000000\.s' "... and the unreadable one is named"
svlog -d "$T/missing" > missing.out 2> missing.err
is "$?" 111 "a missing log dir: exit 111"
like "$(cat missing.err)" 'svlog: warning: unable to read log dir .*/missing' "... with a message naming it"
echo plain > afile
svlog -d afile alpha > afile.out 2> afile.err
is "$?" 111 "a file given as log dir: exit 111"
is "$(text < afile.out | tr '\n' ' ')" "a1 a2 a3 " "... and the other services still printed"
svlog -n x alpha > /dev/null 2>&1
is "$?" 100 "usage error: exit 100"

done_testing
