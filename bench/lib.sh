# Shared by the bench/ scripts: service dirs of probe-service, starting a
# scanner of each system, its process tree, and stopping it all by pid.
# Needs VIGIL_BIN, VIGIL_PEERS and BENCH_BIN (probe-service, count-starts...);
# VIGIL_BIN_GLIBC for the system vigil-glibc (vigil's glibc build).
set -eu
peers=${VIGIL_PEERS:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
scanner=

stop_scanner() {
  local deadline pid started supervisors
  if [ -n "$scanner" ]; then
    supervisors=$(ps -o pid= --ppid "$scanner" 2>/dev/null || true)
    # vigil-scan brings its supervisors down, each its service; s6-svscan
    # and runsvdir leave theirs running: stop those by the pids seen above.
    kill -TERM "$scanner" 2>/dev/null || true
    deadline=$(( $(date +%s) + 60 ))
    while kill -0 "$scanner" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$scanner" 2>/dev/null || true
    for pid in $supervisors; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$(( $(date +%s) + 10 ))
    for pid in $supervisors; do
      while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
      kill -KILL "$pid" 2>/dev/null || true
    done
    scanner=
  fi
  # Services and loggers left behind: kill each by the pid it wrote.
  for started in "$work"/sv/*/started "$work"/sv/*/log/started; do
    [ -f "$started" ] && kill -KILL "$(cut -d' ' -f1 "$started")" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

cleanup() {
  stop_scanner
  rm -rf "$work"
  restore_inotify_instances
}
trap cleanup EXIT
trap 'exit 1' TERM INT HUP

# make_services COUNT [logged]: $work/sv/s0 ... with probe-service as
# ./run, and as log/run too when "logged".
make_services() {
  local i=0
  rm -rf "$work/sv"
  mkdir "$work/sv"
  while [ $i -lt "$1" ]; do
    mkdir "$work/sv/s$i"
    ln "$BENCH_BIN/probe-service" "$work/sv/s$i/run" 2>/dev/null || cp "$BENCH_BIN/probe-service" "$work/sv/s$i/run"
    if [ "${2:-}" = logged ]; then
      mkdir "$work/sv/s$i/log"
      ln "$BENCH_BIN/probe-service" "$work/sv/s$i/log/run" 2>/dev/null || cp "$BENCH_BIN/probe-service" "$work/sv/s$i/log/run"
    fi
    i=$((i + 1))
  done
}

# start_scanner SYSTEM COUNT: start SYSTEM's scanner on $work/sv and wait
# until COUNT services have started; sets $scanner, $supervisor_comm and
# $up_ms (or "timeout ...").
start_scanner() {
  local system=$1 count=$2 counter
  rm -f "$work/up"
  mkfifo "$work/up"
  case $system in
    vigil) set -- "$VIGIL_BIN/vigil-scan" "$work/sv"; supervisor_comm=vigil-supervise ;;
    vigil-glibc) set -- "${VIGIL_BIN_GLIBC:?}/vigil-scan" "$work/sv"; supervisor_comm=vigil-supervise ;;
    s6) set -- s6-svscan -c "$((count + 16))" "$work/sv"; supervisor_comm=s6-supervise ;;
    runit) set -- "$peers/usr/bin/runsvdir" "$work/sv"; supervisor_comm=runsv ;;
    daemontools) set -- "$peers/usr/bin/svscan" "$work/sv"; supervisor_comm=supervise ;;
    *) echo "bench: unknown system $system" >&2; exit 100 ;;
  esac
  # Bounded: 20 s, plus 10 ms a service.
  "$BENCH_BIN/count-starts" "$work/up" "$count" $((20000 + count * 10)) > "$work/time" &
  counter=$!
  (
    ulimit -n 65536 2>/dev/null || true
    PROBE_NOTIFY=$work/up PATH=$peers/usr/bin:$PATH
    export PROBE_NOTIFY PATH
    exec "$@" </dev/null >/dev/null 2>"$work/scanner-stderr"
  ) &
  scanner=$!
  wait "$counter" || true
  up_ms=$(cat "$work/time")
}

# tree_pids: the scanner and its supervisors (services excluded).
tree_pids() {
  local pid
  echo "$scanner"
  for pid in $(ps -o pid= --ppid "$scanner"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$supervisor_comm" ] && echo "$pid"
  done
  return 0
}

# tree_memory: "PSS_KIB PRIVATE_KIB PROCESSES" of the scanner and its supervisors.
tree_memory() {
  local pid
  for pid in $(tree_pids); do
    awk '/^Pss:/ {p=$2} /^Private_Clean:/ {c=$2} /^Private_Dirty:/ {d=$2} END {print p, c+d}' "/proc/$pid/smaps_rollup"
  done | awk '{p += $1; c += $2; n++} END {print p, c, n}'
}

# make_tree DEST COUNT DEPTH needs|flat: COUNT service dirs DEST/s0 ...
# with probe-service as ./run, in DEPTH levels of COUNT/DEPTH; with
# "needs", service i of level k > 0 has needs/s(i - COUNT/DEPTH), an empty
# file: the service of the level before in its column (COUNT/DEPTH chains
# of DEPTH). "flat": the same dirs without needs/. mkdir and touch take
# every name at once: one process each, not one per service.
make_tree() {
  local dest=$1 count=$2 depth=$3 kind=$4 per i
  per=$(( $2 / $3 ))
  rm -rf "$dest"
  mkdir "$dest"
  i=0
  set --
  while [ $i -lt "$count" ]; do set -- "$@" "$dest/s$i"; i=$((i + 1)); done
  mkdir "$@"
  for dir in "$@"; do
    ln "$BENCH_BIN/probe-service" "$dir/run" 2>/dev/null || cp "$BENCH_BIN/probe-service" "$dir/run"
  done
  [ "$kind" = needs ] || return 0
  i=$per
  set --
  while [ $i -lt "$count" ]; do set -- "$@" "$dest/s$i/needs"; i=$((i + 1)); done
  mkdir "$@"
  i=$per
  set --
  while [ $i -lt "$count" ]; do set -- "$@" "$dest/s$i/needs/s$((i - per))"; i=$((i + 1)); done
  touch "$@"
}

# fresh_tree DIR: what a run of a tree left in it (supervise/, started)
# goes, so the next run starts as from a new tree.
fresh_tree() {
  rm -rf "$1"/*/supervise "$1"/*/started "$1"/*/started.new
}

# vigil's needs/ gate takes one inotify instance per waiting supervisor
# (supervise/supervise-needs.c), and fs.inotify.max_user_instances is per
# user, 128 by default: past it a supervisor looks again every 250 ms
# while it waits. The bench measures the machine as it is; with
# NEEDS_RAISE_INOTIFY_LIMIT=1, raise_inotify_instances N raises the limit
# to N (as root) for this script only (restored on exit, said on stderr),
# so that every wait is an event.
inotify_limit=/proc/sys/fs/inotify/max_user_instances
inotify_limit_saved=
raise_inotify_instances() {
  local current
  current=$(cat "$inotify_limit" 2>/dev/null || echo 0)
  [ -n "${NEEDS_RAISE_INOTIFY_LIMIT:-}" ] && [ "$current" -lt "$1" ] || return 0
  if [ "$(id -u)" = 0 ] && echo "$1" > "$inotify_limit" 2>/dev/null; then
    inotify_limit_saved=$current
    echo "bench: fs.inotify.max_user_instances raised from $current to $1 while this runs" >&2
  else
    echo "bench: fs.inotify.max_user_instances is $current (< $1) and cannot be raised: supervisors past it poll" >&2
  fi
}
restore_inotify_instances() {
  [ -n "$inotify_limit_saved" ] && echo "$inotify_limit_saved" > "$inotify_limit" 2>/dev/null
  inotify_limit_saved=
  return 0
}
