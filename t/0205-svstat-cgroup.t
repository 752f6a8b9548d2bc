#!/bin/sh
# svstat -a and --json take memory and CPU from a service's cgroup
# (issue 21) when its supervise/cgroup names one, under a real vigil-scan:
# a fake cgroup dir (plain files memory.current and cpu.stat) named by a
# supervise/cgroup written by hand beside a running service, and beside
# an instance of a template (in its state dir); memory.current missing,
# a fifo, a symlink or 1 MiB long: /proc's figure instead; cpu.stat with
# garbage: CPU unknown; a supervise/cgroup relative, with "..", a fifo, a
# symlink: nothing read from it, a warning, exit 0, no hang. Then, where a
# cgroup v2 hierarchy is writable, a real cgroup: its usage_usec, read
# between two reads of cpu.stat.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

perl -MJSON::PP -e 1 2> /dev/null || skip_all "perl has no JSON::PP to check the JSON with"

mkdir sv cg
mkservice sv/web "exec sleep 1000"
mkservice sv/plain "exec sleep 1000"
mkservice sv/tpl@ "exec sleep 1000"
ln -s tpl@ sv/tpl@a
start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
export SVDIR=$T/sv
for s in web plain tpl@a; do wait_until 30 is_up $s; ok "$s is up" [ $? = 0 ]; done

# The fake cgroup: 5 MiB charged, 3 min 7.654321 s of CPU.
echo 5242880 > cg/memory.current
printf 'usage_usec 187654321\nuser_usec 187000000\nsystem_usec 654321\nnr_periods 0\n' > cg/cpu.stat
echo "$T/cg" > sv/web/supervise/cgroup

# table: svstat -a into table and err, its exit code in rc (124: a hang).
table() { timeout 30 svstat -a > table 2> err; rc=$?; }
json() { timeout 30 svstat -a --json > json 2> jerr; jrc=$?; }
line() { grep -aE "^$1 " table; }
get() { NAME=$1 FIELD=$2 perl -MJSON::PP -ne '$o = decode_json($_); next unless $o->{name} eq $ENV{NAME};
  $v = $o->{$ENV{FIELD}}; print defined $v ? $v : "null"' json; }
# figures NAME: memory_kib memory_source cpu_usec, as --json gives them.
figures() { echo "$(get "$1" memory_kib) $(get "$1" memory_source) $(get "$1" cpu_usec)"; }

table; json
is "$rc,$jrc" "0,0" "svstat -a and --json: exit 0"
is "$(cat err jerr)" "" "nothing on stderr"
like "$(sed -n 1p table)" "^NAME +STATE +PID +TIME +RESTARTS +EXIT +MEMORY +CPU +STATUS$" "the header: CPU after MEMORY"
like "$(line web)" "^web +up +[0-9]+ +[0-9]+s +0 +- +5\\.0M +3m07s$" "web: memory.current as 5.0M, usage_usec as 3m07s"
like "$(line plain)" "^plain +up +[0-9]+ +[0-9]+s +0 +- +[0-9.]+[KMG] +-$" "plain, no cgroup: /proc's memory, CPU -"
is "$(figures web)" "5120 cgroup 187654321" "--json web: memory_kib from memory.current / 1024, memory_source cgroup, cpu_usec"
like "$(figures plain)" "^[1-9][0-9]* proc null$" "--json plain: memory_kib from /proc, memory_source proc, cpu_usec null"
fields=$(perl -MJSON::PP -ne '$o = decode_json($_); print scalar(keys %$o), "\n"' json | sort -u)
is "$fields" 22 "--json: 22 fields on every line"
like "$(timeout 30 svstat --json sv/web)" '"memory_kib":5120,"memory_source":"cgroup","cpu_usec":187654321,' \
  "svstat --json DIR: the same figures"

# An instance: its supervise/cgroup is in its state dir.
ok "the instance's state dir" [ -d sv/.instances/tpl@a/supervise ]
echo 1048576 > cg/memory.current
echo "$T/cg" > sv/.instances/tpl@a/supervise/cgroup
table; json
like "$(line tpl@a)" "^tpl@a +up +[0-9]+ +[0-9]+s +0 +- +1\\.0M +3m07s$" "instance tpl@a: its cgroup's figures, from its state dir"
is "$(figures tpl@a)" "1024 cgroup 187654321" "--json tpl@a: the same"
rm sv/.instances/tpl@a/supervise/cgroup

# memory.current missing (no memory controller): /proc's memory, the CPU time kept.
rm cg/memory.current
table; json
is "$rc,$(cat err)" "0," "memory.current missing: exit 0, no warning"
like "$(line web)" "^web +up .* [0-9.]+[KMG] +3m07s$" "memory.current missing: /proc's memory, the cgroup's CPU"
like "$(figures web)" "^[1-9][0-9]* proc 187654321$" "--json: memory_source proc, cpu_usec kept"

# A fifo as memory.current: neither open nor read blocks.
mkfifo cg/memory.current
table; json
is "$rc,$jrc" "0,0" "a fifo as memory.current: exit 0, not 124 (a hang)"
like "$(figures web)" "^[1-9][0-9]* proc 187654321$" "a fifo as memory.current: /proc's memory"
rm cg/memory.current

# A symlink as memory.current (to a file of a number): not followed.
echo 999424 > elsewhere
ln -s "$T/elsewhere" cg/memory.current
json
like "$(figures web)" "^[1-9][0-9]* proc 187654321$" "a symlink as memory.current: not followed"
rm cg/memory.current

# 1 MiB of digits: read only so far, refused.
head -c 1048576 /dev/zero | tr '\0' 7 > cg/memory.current
json
is "$jrc" 0 "a memory.current of 1 MiB: exit 0"
like "$(figures web)" "^[1-9][0-9]* proc 187654321$" "a memory.current of 1 MiB: refused, /proc's memory"
echo 5242880 > cg/memory.current

# Garbage in cpu.stat: CPU unknown, the memory kept.
printf 'usage_usec lots\nuser_usec 1\n' > cg/cpu.stat
table; json
like "$(line web)" "^web +up .* 5\\.0M +-$" "garbage in cpu.stat: CPU -"
is "$(figures web)" "5120 cgroup null" "--json: cpu_usec null"
printf 'usage_usec 1299999\n' > cg/cpu.stat
table
like "$(line web)" "^web +up .* 5\\.0M +1\\.2s$" "a short CPU time in tenths of a second"

# Bad supervise/cgroup: nothing read from it, a warning, exit 0.
bad_cgroup() {
  table; json
  is "$rc,$jrc" "0,0" "$1: exit 0, not 124 (a hang)"
  like "$(line web)" "^web +up .* [0-9.]+[KMG] +-$" "$1: CPU -"
  like "$(figures web)" "^[1-9][0-9]* proc null$" "$1: /proc's memory, cpu_usec null"
  like "$(cat err)" "^svstat: warning: unable to use $T/sv/web/supervise/cgroup: " "$1: a warning names the file"
}
echo cg > sv/web/supervise/cgroup
bad_cgroup "a relative path"
echo "$T/sv/../cg" > sv/web/supervise/cgroup
bad_cgroup "a path with .."
printf '%s\n%s\n' "$T/cg" "$T/cg" > sv/web/supervise/cgroup
bad_cgroup "two lines"
rm sv/web/supervise/cgroup
mkfifo sv/web/supervise/cgroup
bad_cgroup "a fifo as supervise/cgroup"
rm sv/web/supervise/cgroup
echo "$T/cg" > cgroup-path
ln -s "$T/cgroup-path" sv/web/supervise/cgroup
bad_cgroup "a symlink as supervise/cgroup"
rm sv/web/supervise/cgroup
# A cgroup gone (its service stopped since): no figure, no warning.
echo "$T/no-such-cgroup" > sv/web/supervise/cgroup
table
is "$rc,$(cat err)" "0," "a cgroup gone: exit 0, no warning"
like "$(line web)" "^web +up .* [0-9.]+[KMG] +-$" "a cgroup gone: /proc's memory, CPU -"
rm sv/web/supervise/cgroup

# A real cgroup, where a cgroup v2 hierarchy is writable: the supervisor
# moved into it, then a restart, so the run starts in it; a busy loop
# before the sleep gives it CPU time.
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
real=
if [ -n "$cgroot" ] && mkdir "$cgroot/vigil-t0205-${T##*.}" 2> /dev/null; then
  real=$cgroot/vigil-t0205-${T##*.}
  trap 'echo 1 > "$real/cgroup.kill" 2> /dev/null; cleanup; wait_until 10 rmdir "$real" 2> /dev/null' EXIT
fi
if [ -n "$real" ] && [ -f "$real/cpu.stat" ]; then
  mkservice sv/real 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done; echo ok > busy-done; exec sleep 1000'
  wait_until 30 is_up real; ok "real is up" [ $? = 0 ]
  wait_until 30 test -s sv/real/busy-done
  # The run's parent: its supervisor.
  sup=$(sed 's/.*) //' /proc/"$(svpid real)"/stat | cut -d' ' -f2)
  echo "$sup" > "$real/cgroup.procs" 2> /dev/null; ok "the supervisor (pid $sup) moved into $real" grep -qx "$sup" "$real/cgroup.procs"
  rm sv/real/busy-done
  pid=$(svpid real)
  svc -t real
  wait_until 30 pid_changed real "$pid"
  wait_until 30 test -s sv/real/busy-done; ok "real restarted, its busy loop done" [ $? = 0 ]
  newpid=$(svpid real)
  ok "its new run is in the cgroup" grep -qx "$newpid" "$real/cgroup.procs"
  echo "$real" > sv/real/supervise/cgroup
  before=$(sed -n 's/^usage_usec //p' "$real/cpu.stat")
  json
  after=$(sed -n 's/^usage_usec //p' "$real/cpu.stat")
  got=$(get real cpu_usec)
  between=no
  [ "$got" -gt 0 ] 2> /dev/null && [ "$before" -le "$got" ] && [ "$got" -le "$after" ] && between=yes
  is "$between" yes "real cgroup: cpu_usec $got is between two reads of cpu.stat ($before, $after), and more than 0"
  if [ -f "$real/memory.current" ]; then
    is "$(get real memory_source)" cgroup "real cgroup: memory.current read"
  else
    is "$(get real memory_source)" proc "real cgroup with no memory controller (no memory.current): /proc's memory"
  fi
  table
  like "$(line real)" "^real +up .* [0-9.]+[KMG] +[0-9]+(ms|\\.[0-9]s)$" "real cgroup: the CPU column"
  # Down for good, its supervisor gone: the cgroup empties (the scanner's
  # next supervisor for it starts outside, and keeps it down).
  touch sv/real/down
  svc -dx real
  wait_until 30 eval '[ ! -s "$real/cgroup.procs" ]'; ok "real: its cgroup empty once stopped" [ $? = 0 ]
else
  diag "no writable cgroup v2 hierarchy with cpu.stat (cgroup2 mount: ${cgroot:-none}): the real cgroup case is skipped"
  for i in 1 2 3 4 5 6 7 8; do pass "# SKIP no writable cgroup v2 hierarchy"; done
fi
done_testing
