#!/bin/sh
# Bad input gets a clear error and changes nothing: a missing dir, no run,
# run not executable, control or ok not a fifo, a second supervisor, and
# dir names with a space or a newline.
. "$(dirname "$0")/lib.sh"

# starts_with TEXT PREFIX: exact prefix match, newlines included.
starts_with() { case "$1" in "$2"*) return 0;; esac; return 1; }

# --- a missing dir: exit 111, the message names it, nothing is created ---
timeout 30 vigil-supervise "$T/missing" 2> missing-err
is "$?" 111 "missing dir: exit 111"
like "$(cat missing-err)" "$T/missing" "missing dir: the message names the dir"
like "$(cat missing-err)" 'No such file or directory' "missing dir: the message gives the reason"
ok "missing dir: it is not created" [ ! -e "$T/missing" ]

# A regular file where the dir should be: the same refusal.
printf 'not a dir\n' > plainfile
timeout 30 vigil-supervise plainfile 2> plainfile-err
is "$?" 111 "DIR is a regular file: exit 111"
like "$(cat plainfile-err)" 'plainfile' "DIR is a regular file: the message names it"
is "$(cat plainfile)" "not a dir" "DIR is a regular file: its content is unchanged"

# --- a dir without run: the supervisor stays, says why, and retries ---
mkdir norun
start vigil-supervise norun 2> norun-err
sup=$!
wait_until 30 svok norun; ok "no run: the supervisor starts anyway" [ $? = 0 ]
wait_until 30 eval 'svstat norun 2>/dev/null | grep -q "run is missing"'; ok "no run: svstat says run is missing" [ $? = 0 ]
like "$(svstat norun)" ': down [0-9]+ seconds, normally up, want up' "no run: down, want up"
like "$(cat norun-err)" 'run is missing' "no run: the supervisor says so on stderr"
ok "no run: the supervisor keeps running" alive "$sup"
# Atomic, so the retry never sees a half-written or not yet executable run.
printf '#!/bin/sh\nexec sleep 1000\n' > norun/run.new; chmod +x norun/run.new; mv norun/run.new norun/run
# The first retry is 1 s after the first try, and the delay doubles after
# three: a slow machine reaching the mv late needs the room of 30 s.
wait_until 30 is_up norun; ok "no run: once run exists the service comes up" [ $? = 0 ]
ok "no run: svstat no longer says run is missing" eval '! svstat norun | grep -q "run is missing"'

# --- run not executable: the same, and chmod +x brings it up ---
mkdir noexec
printf '#!/bin/sh\nexec sleep 1000\n' > noexec/run
chmod 644 noexec/run
start vigil-supervise noexec 2> noexec-err
sup=$!
wait_until 30 eval 'svstat noexec 2>/dev/null | grep -q "run is not executable"'; ok "run not executable: svstat says so" [ $? = 0 ]
like "$(cat noexec-err)" 'run is not an executable file' "run not executable: the supervisor says so on stderr"
ok "run not executable: the supervisor keeps running" svok noexec
chmod +x noexec/run
wait_until 30 is_up noexec; ok "run not executable: after chmod +x the service comes up" [ $? = 0 ]

# A directory named run is not executable either.
mkdir -p rundir/run
start vigil-supervise rundir 2> /dev/null
wait_until 30 eval 'svstat rundir 2>/dev/null | grep -q "run is not executable"'; ok "run is a directory: svstat says run is not executable" [ $? = 0 ]
ok "run is a directory: the supervisor keeps running" svok rundir

# --- control replaced by a regular file while the supervisor runs ---
mkservice swapped "SIGRECORD_STAY=1 exec sigrecord $T/swapped-signals"
supervise swapped
wait_until 30 is_up swapped
pid=$(svpid swapped)
rm swapped/supervise/control
printf 'precious\n' > swapped/supervise/control
timeout 30 svc -t swapped 2> swapped-err
rc=$?
is "$rc" 111 "control is a regular file: svc exits 111 at once (124: blocked)"
like "$(cat swapped-err)" 'not a fifo' "control is a regular file: svc says it is not a fifo"
like "$(cat swapped-err)" "$T/swapped" "control is a regular file: the message names the dir"
is "$(cat swapped/supervise/control)" "precious" "control is a regular file: its content is unchanged"
ok "control is a regular file: the supervisor keeps running" svok swapped
is "$(svpid swapped)" "$pid" "control is a regular file: the service is untouched"
ok "control is a regular file: no TERM reached the service" eval '! grep -q TERM swapped-signals'

# --- a supervisor started on a dir whose control (or ok) is a regular file ---
for fifo in control ok; do
  dir=bad$fifo
  mkservice $dir "touch $T/$dir-ran; exec sleep 1000"
  mkdir $dir/supervise
  printf 'precious\n' > $dir/supervise/$fifo
  timeout 30 vigil-supervise $dir 2> $dir-err
  is "$?" 111 "$fifo is a regular file: the supervisor exits 111"
  like "$(cat $dir-err)" 'not a fifo' "$fifo is a regular file: the message says not a fifo"
  like "$(cat $dir-err)" "$dir/supervise/$fifo" "$fifo is a regular file: the message names the file"
  is "$(cat $dir/supervise/$fifo)" "precious" "$fifo is a regular file: its content is unchanged"
  ok "$fifo is a regular file: run never ran" [ ! -e $dir-ran ]
  ok "$fifo is a regular file: no status was written" [ ! -e $dir/supervise/status ]
done

# --- a second supervisor on the same dir ---
mkservice dup 'exec sleep 1000'
supervise dup
sup=$!
wait_until 30 is_up dup
pid=$(svpid dup)
for name in dup "$T/dup"; do
  timeout 30 vigil-supervise "$name" 2> dup-err
  is "$?" 111 "second supervisor ($name): exit 111"
  like "$(cat dup-err)" 'already supervised' "second supervisor ($name): says already supervised"
  ok "second supervisor ($name): the first keeps running" alive "$sup"
  ok "second supervisor ($name): svok still says supervised" svok dup
  is "$(svpid dup)" "$pid" "second supervisor ($name): the service pid is unchanged"
done
svc -t dup
wait_until 30 pid_changed dup "$pid"; ok "second supervisor: the first still obeys commands" [ $? = 0 ]

# --- dir names with a space and with a newline ---
newline='new
line'
for name in "with space" "$newline"; do
  label=$(printf '%s' "$name" | tr '\n' '~')
  mkservice "$name" 'exec sleep 1000'
  supervise "$name"; ok "'$label': svok says supervised" [ $? = 0 ]
  wait_until 30 is_up "$name"; ok "'$label': the service comes up" [ $? = 0 ]
  pid=$(svpid "$name"); track "$pid"
  out=$(svstat "$name")
  ok "'$label': svstat names the dir and says up" starts_with "$out" "$T/$name: up (pid $pid) "
  svc -t "$name"; ok "'$label': svc -t succeeds" [ $? = 0 ]
  wait_until 30 pid_changed "$name" "$pid"; ok "'$label': svc -t restarts it" [ $? = 0 ]
  track "$(svpid "$name")"
  svwait -u -t 30000 "$name"; is "$?" 0 "'$label': svwait -u works"
  # By absolute path too, not only through $SVDIR.
  ok "'$label': svok by absolute path" svok "$T/$name"
done

done_testing
