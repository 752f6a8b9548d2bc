#!/bin/sh
# Issue 21's files (env/, user, limit-*, nice, oom-score-adj, restart,
# give-up, check, check-interval, check-failures, kill-process-group,
# needs/) cost nothing in a supervisor whose dir has none of them: no heap
# at all, and a stack less than one page deep (the readers' 4 KiB buffers
# are in functions only a dir with the file calls), at its start and once
# started again (the dir read again). The stack is measured to the byte
# (t/helpers/stackdepth: the deepest byte ever written), so the stack's
# random start cannot make it flaky; that it measures something is
# checked on a supervisor whose dir has them all, which goes deeper. That
# one, its files taken away and put back five times, keeps its private
# memory within a page of the first time: reading them again does not
# grow it (musl's malloc keeps the pages it once took, no more). The
# kilobytes themselves are a bench figure (bench/supervise-memory, make
# bench). On the musl build; the glibc build's own start-up takes a heap
# and more stack, so there only the relative checks run.
. "$(dirname "$0")/lib.sh"

[ "${VIGIL_SANITIZED:-}" = 1 ] && skip_all "ASan keeps its own heap and stack frames: memory is measured on the plain builds"
if grep -qa glibc "$VIGIL_BIN/vigil-supervise"; then
  musl=no
  diag "glibc build: its start-up has a heap and deeper frames of its own; the no-heap and one-page checks are the musl build's"
else
  musl=yes
fi

FILES="env user limit-nofile limit-core nice oom-score-adj restart give-up check check-interval check-failures
kill-process-group needs"
# all DIR: every one of issue 21's files in DIR, valid.
all() {
  mkdir -p "$1/env" "$1/needs"
  echo yes > "$1/env/FOO"
  : > "$1/env/UNSET"
  echo root > "$1/user"
  echo 1024 > "$1/limit-nofile"
  echo 0 > "$1/limit-core"
  echo 1 > "$1/nice"
  echo 10 > "$1/oom-score-adj"
  echo always > "$1/restart"
  echo "100 60" > "$1/give-up"
  printf '#!/bin/sh\nexit 0\n' > "$1/check"; chmod +x "$1/check"
  echo 60000 > "$1/check-interval"
  echo 3 > "$1/check-failures"
  : > "$1/kill-process-group"
  : > "$1/needs/plain"
}
none() { (cd "$1" && rm -rf $FILES); }

# restarted DIR: svc -d, svc -u, and wait until the new run is up (the
# supervisor read the dir again for it). Not svc -t: quick deaths, one
# after another, would meet the restart back-off.
restarted() {
  local pid
  pid=$(svpid "$1")
  [ -n "$pid" ] && svc -d "$1" && wait_until 30 is_down "$1" && svc -u "$1" && wait_until 30 pid_changed "$1" "$pid"
}

supervisor_of() { svstat "$1" >/dev/null && cat "$1.pid"; }
# anonymous DIR: the supervisor's mappings that hold memory of its own
# beyond its executable's: [heap], and anonymous ones other than the .bss
# right after the executable's last mapping.
anonymous() {
  awk -v exe="$(readlink -f "$VIGIL_BIN/vigil-supervise")" '
    { name = $6 }
    name == exe { after = $1; sub(/^[0-9a-f]+-/, "", after); next }
    name == "[heap]" { print; next }
    name == "" && $2 ~ /^rw/ { split($1, r, "-"); if (r[1] != after) print }
  ' /proc/"$(cat "$1.pid")"/maps
}
private_kib() { awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' /proc/"$(cat "$1.pid")"/smaps_rollup; }
depth() { stackdepth "$(cat "$1.pid")"; }

mkservice plain 'exec sleep 1000'
mkservice full 'exec sleep 1000'
all full
# plain first: full needs it (else a "waiting for plain" warning).
for dir in plain full; do
  start vigil-supervise "$dir" 2> "$dir.err"
  last_started > "$dir.pid"
  wait_until 30 is_up "$dir"; ok "$dir: up" [ $? = 0 ]
done

# --- a dir with none of the files: no heap, under a page of stack ---
for when in "at its start" "started again"; do
  [ "$when" = "started again" ] && { restarted plain; ok "plain: svc -d, svc -u: started again, the dir read again" [ $? = 0 ]; }
  depth_plain=$(depth plain)
  if [ "$musl" = yes ]; then
    is "$(anonymous plain)" "" "plain, $when: no heap, no anonymous mapping but the .bss"
    ok "plain, $when: stack $depth_plain bytes deep, under a page" [ "$depth_plain" -lt 4096 ]
  else
    diag "plain, $when: stack $depth_plain bytes deep; $(anonymous plain | wc -l) heap mappings"
  fi
done

# --- the probe sees the files' cost where they are ---
depth_full=$(depth full)
ok "full: deeper ($depth_full bytes) than plain ($depth_plain): the probe sees the readers" \
  [ "$depth_full" -gt "$depth_plain" ]
like "$(anonymous full)" . "full: a heap (the environment, the groups)"

# --- what a dir has had is not kept, nor grows ---
none full
restarted full; ok "full: the files gone, started again: up" [ $? = 0 ]
first=$(private_kib full)
round=0 cycled=yes
while [ $round -lt 5 ]; do
  all full; restarted full || { cycled=no; diag "round $round, files back: $(svstat full)"; }
  none full; restarted full || { cycled=no; diag "round $round, files gone: $(svstat full)"; }
  round=$((round + 1))
done
ok "full: 5 rounds of the files put back and gone, each start up" [ "$cycled" = yes ]
last=$(private_kib full)
ok "full: private memory $last KiB after 5 rounds, $first KiB after the first: within a page" \
  [ "$last" -le $((first + 4)) ]
grep -q warning full.err && diag "full: $(grep warning full.err | head -5)"
ok "full: no warning (every file valid)" eval '! grep -q warning full.err'
done_testing
