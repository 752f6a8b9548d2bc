#!/bin/sh
# svstat -a and --json under a real vigil-scan: each state made for real
# (up, ready, paused, finishing, down, waiting for a need, failed oneshot,
# dying too fast), the STATUS= text, private memory, restarts, the last
# exit; columns aligned; colour only on a pty and never with NO_COLOR;
# every JSON line parsed back (perl's JSON::PP, core perl: prove needs
# perl already). Then a dir of half-written and hostile dirs with no
# scanner: no supervisor, no status, a truncated status, daemontools' and
# runit's, a fifo as status: a word each, no hang.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

perl -MJSON::PP -e 1 2> /dev/null || skip_all "perl has no JSON::PP to check the JSON with"

mkdir sv
mkservice sv/up "exec sleep 1000"
mkservice sv/up/log "exec cat > /dev/null"
mkservice sv/ready 'echo >&3; exec sleep 1000 3>&-'
echo 3 > sv/ready/notification-fd
mkservice sv/dep "exec sleep 1000"
touch sv/dep/down
mkservice sv/waiter "exec sleep 1000"
mkdir sv/waiter/needs && : > sv/waiter/needs/dep
mkdir sv/oneshot && printf '#!/bin/sh\nexit 1\n' > sv/oneshot/up && chmod +x sv/oneshot/up
mkservice sv/fast "exit 3"
# A STATUS= with a quote, a backslash, an escape sequence and a byte of no UTF-8.
mkservice sv/talker "sdnotify-send \"\$(printf 'STATUS=say \"hi\" \\\\ \\033[31mred \\377')\"; exec sleep 1000"
: > sv/talker/notify-socket
mkservice sv/paused "exec sleep 1000"
mkservice sv/fin "exec sleep 1000"
printf '#!/bin/sh\nexec sleep 1000\n' > sv/fin/finish && chmod +x sv/fin/finish
echo 60000 > sv/fin/timeout-finish
mkservice sv/.hidden "exec sleep 1000"
# Two processes in the run's session: both counted.
mkservice sv/pair "sleep 1000 & exec sleep 1000"
start vigil-scan -g 300 "$T/sv" > scan-stdout 2> scan-stderr

# state NAME: the state --json gives for SVDIR's NAME.
state() { SVDIR=$T/sv svstat -a --json 2> /dev/null | NAME=$1 perl -MJSON::PP -ne '$o = decode_json($_); print $o->{state}, "\n" if $o->{name} eq $ENV{NAME}'; }
state_is() { [ "$(state "$1")" = "$2" ]; }

for s in up up/log paused fin; do wait_until 30 is_up sv/$s; done
svc -p sv/paused
svc -d sv/fin
for pair in pair:up up:up up/log:up ready:ready dep:down "waiter:waiting" oneshot:failed "fast:dying too fast" \
            talker:up paused:paused fin:finishing; do
  wait_until 60 state_is "${pair%%:*}" "${pair#*:}"; ok "svstat -a --json: ${pair%%:*} is ${pair#*:}" [ $? = 0 ]
done
wait_until 30 eval '[ -s sv/talker/supervise/notify-status ]'

SVDIR=$T/sv timeout 30 svstat -a > table 2> err; rc=$?
is "$rc" 0 "svstat -a: exit 0"
is "$(cat err)" "" "svstat -a: nothing on stderr"
is "$(sed -n 1p table)" "$(sed -n 1p table | grep -E '^NAME +STATE +PID +TIME +RESTARTS +EXIT +MEMORY +CPU +STATUS$')" "svstat -a: the header, columns in their order"
is "$(awk 'NR > 1 { print $1 }' table | tr '\n' ' ')" "dep fast fin oneshot pair paused ready talker up up/log waiter " \
  "svstat -a: every service and log, sorted, the dotdir skipped"
ok "svstat -a: no escape byte when piped" eval '! grep -q "$(printf "\\033")" table'
ok "svstat -a: no line ends in a blank" eval '! grep -q " $" table'
# Every column starts where its header does, on every line.
misaligned=$(awk 'NR == 1 { for (c = 2; c <= NF; c++) start[c] = index($0, $c); n = NF; next }
  { for (c = 2; c < n; c++) if (substr($0, start[c] - 1, 1) != " " || substr($0, start[c], 1) == " ") print NR ": column " c }' table)
is "$misaligned" "" "svstat -a: every column aligned under its header"
line() { grep -aE "^$1 " table; }
like "$(line waiter)" "^waiter +waiting for dep +- " "svstat -a: waiting names the need, no pid"
like "$(line oneshot)" "^oneshot +failed +- +[0-9]+s +0 +1 +- +-$" "svstat -a: the failed oneshot, its exit code 1"
like "$(line fast)" "^fast +dying too fast +- +[0-9]+s +[0-9]+ +3 " "svstat -a: dying too fast, exit 3"
like "$(line up)" "^up +up +[0-9]+ +[0-9]+s +0 +- +[0-9.]+[KMG] +[^ ]+$" "svstat -a: up, its pid, no restart, its memory, a CPU cell"
like "$(line talker)" 'say "hi" \\ \?\[31mred ' "svstat -a: the STATUS= text, its escape byte shown as ?"
like "$(line paused)" "^paused +paused +[0-9]+ " "svstat -a: paused, its pid"
like "$(line fin)" "^fin +finishing +- .* SIGTERM " "svstat -a: finishing, the run killed by SIGTERM"

# --json: every line an object with every field; the values as the table says.
SVDIR=$T/sv timeout 30 svstat -a --json > json; rc=$?
is "$rc" 0 "svstat -a --json: exit 0"
is "$(wc -l < json | tr -d ' ')" 11 "svstat -a --json: one line per service and log"
fields=name,dir,state,supervised,format,pid,seconds,normally_up,want,paused,ready,ready_seconds,restarts,exit_code,exit_signal,reason,waiting_for,memory_kib,memory_source,cpu_usec,changed_since_start,status_text
check=$(FIELDS=$fields perl -MJSON::PP -ne '
  my $o = eval { decode_json($_) } or do { print "line $.: not JSON\n"; next };
  for my $f (split /,/, $ENV{FIELDS}) { print "$o->{name}: no $f\n" unless exists $o->{$f} }
  print "$o->{name}: ", scalar(keys %$o), " fields\n" if keys %$o != 22' json)
is "$check" "" "svstat -a --json: every line parses, with the 22 fields and no other"
get() { NAME=$1 FIELD=$2 perl -CO -MJSON::PP -ne '$o = decode_json($_); next unless $o->{name} eq $ENV{NAME};
  $v = $o->{$ENV{FIELD}}; print !defined $v ? "null" : ref $v eq "ARRAY" ? join(",", @$v) : JSON::PP::is_bool($v) ? ($v ? "true" : "false") : $v' json; }
upid=$(svpid sv/up)
is "$(get up pid)" "$upid" "--json: up's pid, as svstat says"
ok "--json: up's private memory is more than 0 KiB (got $(get up memory_kib))" [ "$(get up memory_kib)" -gt 0 ]
is "$(get up restarts)" 0 "--json: up never restarted"
# session_pids SID: the processes of that session; session_kib SID: their
# private memory, as /proc gives it.
session_pids() {
  for stat in /proc/[0-9]*/stat; do
    [ "$(sed 's/.*) //' "$stat" 2>/dev/null | cut -d' ' -f4)" = "$1" ] && echo "${stat%/stat}"
  done
}
session_kib() {
  for proc in $(session_pids "$1"); do
    awk '/^Private_(Clean|Dirty):/ { kib += $2 } END { print kib + 0 }' "$proc/smaps_rollup" 2>/dev/null
  done | awk '{ total += $1 } END { print total + 0 }'
}
ppid=$(svpid sv/pair)
# Two sleeps, both past their exec: a child still the shell's fork has
# other memory a moment later.
pair_settled() {
  local procs; procs=$(session_pids "$ppid")
  [ "$(echo "$procs" | wc -l)" -eq 2 ] || return 1
  for proc in $procs; do [ "$(cat "$proc/comm" 2>/dev/null)" = sleep ] || return 1; done
}
wait_until 30 pair_settled; ok "pair: two processes in its run's session" [ $? = 0 ]
SVDIR=$T/sv svstat -a --json > json
is "$(get pair memory_kib)" "$(session_kib "$ppid")" "--json: pair's memory is its session's two processes' (as /proc sums them)"
ok "--json: pair (two sleeps) has more than up (one) ($(get pair memory_kib) > $(get up memory_kib))" [ "$(get pair memory_kib)" -gt "$(get up memory_kib)" ]
restarted() { SVDIR=$T/sv svstat -a --json > json && [ "$(get fast restarts)" -ge 1 ]; }
wait_until 30 restarted; ok "--json: fast restarted (got $(get fast restarts))" [ $? = 0 ]
is "$(get fast exit_code),$(get fast exit_signal),$(get fast reason)" "3,null,dying too fast" "--json: fast exited 3, dying too fast"
is "$(get oneshot exit_code),$(get oneshot reason),$(get oneshot pid)" "1,up failed,null" "--json: the oneshot's ./up exited 1"
is "$(get waiter waiting_for)" "dep" "--json: waiting_for lists the need"
is "$(get ready ready),$(get up ready)" "true,false" "--json: ready only where readiness was reported"
is "$(get dep normally_up),$(get dep want)" "false,down" "--json: dep normally down, wanted down"
is "$(get paused paused)" "true" "--json: paused"
is "$(get fin exit_signal)" "TERM" "--json: fin's run killed by TERM"
is "$(get up/log format),$(get up/log supervised)" "vigil,true" "--json: the log, supervised, vigil's format"
expected=$(printf 'say "hi" \\ \033[31mred \357\277\275')
is "$(get talker status_text)" "$expected" "--json: STATUS= back byte for byte, the bad byte as U+FFFD"
like "$(cat json)" '"status_text":"say \\"hi\\" \\\\ \\u001b\[31mred \\ufffd"' "--json: its escapes as written"

# --json with DIR arguments: the same object, named as the dir resolves.
timeout 30 svstat --json sv/up > one; rc=$?
is "$rc" 0 "svstat --json DIR: exit 0"
like "$(cat one)" "^\\{\"name\":\"sv/up\",\"dir\":\"sv/up\",\"state\":\"up\",\"supervised\":true,\"format\":\"vigil\",\"pid\":$upid," "svstat --json DIR: the object"
# The one-line form is as it was.
like "$(svstat sv/up)" "^sv/up: up \\(pid $upid\\) [0-9]+ seconds, normally up$" "svstat DIR: the one-line form unchanged"

# Colour: on a pty, never with NO_COLOR (set to anything, even empty).
if command -v script > /dev/null 2>&1; then
  esc=$(printf '\033')
  SVDIR=$T/sv timeout 30 script -qec "svstat -a" /dev/null < /dev/null > tty-out 2>&1
  ok "svstat -a on a pty: colour" grep -q "$esc\\[32mup" tty-out
  ok "svstat -a on a pty: failed in red" grep -q "$esc\\[31mfailed" tty-out
  SVDIR=$T/sv NO_COLOR=1 timeout 30 script -qec "svstat -a" /dev/null < /dev/null > tty-out 2>&1
  ok "svstat -a on a pty, NO_COLOR=1: no colour" eval '! grep -q "$esc" tty-out'
  SVDIR=$T/sv NO_COLOR= timeout 30 script -qec "svstat -a" /dev/null < /dev/null > tty-out 2>&1
  ok "svstat -a on a pty, NO_COLOR empty: no colour" eval '! grep -q "$esc" tty-out && grep -q "^NAME" tty-out'
else
  diag "no script(1): the pty cases are skipped"
  for i in 1 2 3 4; do pass "# SKIP no script(1) for a pty"; done
fi

# ===== half-written and hostile dirs, no scanner =====
mkdir odd
mkservice odd/never "exec sleep 1000"
mkdir -p odd/nostatus/supervise odd/trunc/supervise odd/dt/supervise odd/runit/supervise odd/fifo/supervise
: > odd/notadir
ln -s nowhere odd/dangling
for d in nostatus trunc dt runit fifo; do
  mkfifo odd/$d/supervise/ok
  start sh -c 'exec sleep 1000 <> "$1"' sh "$T/odd/$d/supervise/ok"
done
holder=$(last_started)
wait_until 30 svok odd/fifo
printf 'vigil\0\0\0\0' > odd/trunc/supervise/status
# daemontools: TAI64N, pid (LE32), paused, want; runit: 2 more, term flag and run state.
tai='pack("Q>N", (1 << 62) + 10 + time, 0)'
perl -e "print $tai, pack('V', $holder), \"\\0u\"" > odd/dt/supervise/status
perl -e "print $tai, pack('V', $holder), \"\\0u\\0\\1\"" > odd/runit/supervise/status
mkfifo odd/fifo/supervise/status
SVDIR=$T/odd timeout 30 svstat -a > table 2> err; rc=$?
is "$rc" 111 "odd dirs: svstat -a exits 111 (a status unreadable), not 124 (a hang)"
is "$(awk 'NR > 1 { print $1 }' table | tr '\n' ' ')" "dt fifo never nostatus runit trunc " "odd dirs: only dirs, no dangling link, no file"
like "$(line never)" "^never +no supervisor +- +- +- +- +- +-$" "odd: never supervised: no supervisor, every field -"
like "$(line nostatus)" "^nostatus +no status " "odd: supervised with no status yet: no status"
like "$(line trunc)" "^trunc +unreadable status " "odd: a truncated status: unreadable status"
like "$(line fifo)" "^fifo +unreadable status " "odd: a fifo as status: unreadable status, no hang"
like "$(line dt)" "^dt +up +$holder +[0-9]+s +- +- +[0-9.]+[KMG] +-$" "odd: daemontools' status: up, its pid, no restarts or exit (-)"
like "$(line runit)" "^runit +up +$holder +[0-9]+s +- +- " "odd: runit's status: up, its pid, no restarts (-)"
like "$(cat err)" "unable to read $T/odd/trunc/supervise/status: unreadable status" "odd: a warning names the truncated status"
SVDIR=$T/odd timeout 30 svstat -a --json > json 2> /dev/null
is "$(get dt format),$(get dt restarts),$(get dt exit_code),$(get dt ready)" "daemontools,null,null,null" "odd --json: daemontools' lacking fields are null"
is "$(get runit format),$(get runit want)" "runit,up" "odd --json: runit's status"
is "$(get never state),$(get never supervised),$(get never pid)" "no supervisor,false,null" "odd --json: no supervisor"
is "$(get trunc state)" "unreadable status" "odd --json: unreadable status"

# Dirs made and removed while svstat -a reads them: every run ends
# (exit 0 or 111, no signal, no hang), every line a state it knows.
mkdir churn
start sh -c 'i=0; while [ $i -lt 100000 ]; do mkdir -p churn/d$((i % 7))/supervise; : > churn/d$((i % 7))/supervise/status; rm -rf churn/d$(((i + 3) % 7)); i=$((i + 1)); done'
churner=$!
bad=
for i in $(seq 1 200); do
  SVDIR=$T/churn timeout 30 svstat -a --json > json 2> /dev/null; rc=$?
  case $rc in 0|111) ;; *) bad="$bad run $i: exit $rc;" ;; esac
  unknown=$(perl -MJSON::PP -ne 'my $o = eval { decode_json($_) } or do { print "not JSON "; next };
    print "$o->{state} " unless $o->{state} =~ /^(no supervisor|no status|unreadable status|gone|unknown)$/' json)
  [ -z "$unknown" ] || bad="$bad run $i: $unknown;"
  grep -o '"state":"[a-z ]*"' json >> churn-states
done
diag "states seen in the churn: $(sort churn-states | uniq -c | tr -s ' \n' ' ')"
kill -TERM "$churner" 2> /dev/null
is "$bad" "" "dirs removed while read: 200 runs of svstat -a --json, each ended, each line a known state"
done_testing
