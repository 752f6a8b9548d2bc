# Shared by the t/*.t scripts: TAP output, a temp dir, bounded waits, and
# cleanup of every process a test starts, by pid. Source it; never run it.
#
#   VIGIL_BIN      programs under test      (set by make check)
#   VIGIL_HELPERS  test helper programs     (set by make check)
#   VIGIL_PEERS    unpacked daemontools/runit/s6 (may be absent)

set -u
: "${VIGIL_BIN:?run the tests with make check}"
: "${VIGIL_HELPERS:?run the tests with make check}"
# A wrong path would have every test wait out its deadline: stop at once.
if [ ! -x "$VIGIL_BIN/vigil-supervise" ] || [ ! -d "$VIGIL_HELPERS" ]; then
  echo "Bail out! no vigil-supervise in VIGIL_BIN=$VIGIL_BIN or no VIGIL_HELPERS=$VIGIL_HELPERS: run the tests with make check"
  exit 255
fi
PATH=$VIGIL_BIN:$VIGIL_HELPERS:$PATH
export PATH
# A scanner as PID 1 (of a test's PID namespace) would make its cgroups
# under this machine's /sys/fs/cgroup: none unless a test asks (t/0120).
VIGIL_CGROUP=${VIGIL_CGROUP-off}
export VIGIL_CGROUP

tap_count=0
tap_failed=0
started_pids=
started_ids=    # pid:start-time of each, so cleanup never signals a recycled pid

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '# %s\n' "$@" >&2; }

pass() { tap_count=$((tap_count + 1)); echo "ok $tap_count - $*"; }
fail() { tap_count=$((tap_count + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - $*"; }

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() {
  local desc=$1; shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# is GOT EXPECTED DESCRIPTION
is() {
  if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; diag "got:      '$1'" "expected: '$2'"; fi
}

# like GOT PATTERN DESCRIPTION (grep -E pattern)
like() {
  if printf '%s\n' "$1" | grep -qE -- "$2"; then pass "$3"; else fail "$3"; diag "got:      '$1'" "expected: /$2/"; fi
}

# wait_until SECONDS COMMAND...: poll COMMAND every 10 ms until it succeeds;
# fails once the deadline passes. Never an unbounded wait.
wait_until() {
  local limit=$1 deadline; shift
  deadline=$(( $(now_ms) + limit * 1000 ))
  while ! "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.01
  done
}

# start CMD...: run in the background, remember its pid for cleanup ($!).
start() {
  "$@" &
  started_pids="$started_pids $!"
  started_ids="$started_ids $!:$(start_time $!)"
}

# last_started: the pid of the last process start began.
last_started() { echo "${started_pids##* }"; }

# track PID: a process the test did not start directly (a service) but must clean up.
track() {
  started_pids="$started_pids $1"
  started_ids="$started_ids $1:$(start_time "$1")"
}

# start_time PID: field 22 of /proc/PID/stat (clock ticks after boot), or nothing.
start_time() { sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f20; }
# same_process PID:START: that pid is still the process it was when recorded.
same_process() { [ -n "${1#*:}" ] && [ "$(start_time "${1%%:*}")" = "${1#*:}" ]; }

# now_ms: the wall clock in milliseconds, for coarse elapsed-time checks.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

alive() { kill -0 "$1" 2>/dev/null; }
# blocked_writing PID: the process sleeps in write(2) on a full pipe.
blocked_writing() {
  grep -q pipe_write /proc/"$1"/wchan 2>/dev/null || [ "$(cut -d' ' -f1 /proc/"$1"/syscall 2>/dev/null)" = 1 ]
}
dead() { ! kill -0 "$1" 2>/dev/null || [ "$(sed 's/.*) \(.\).*/\1/' /proc/"$1"/stat 2>/dev/null)" = Z ]; }
# reap PID [SECONDS]: its exit status, once it ends; past SECONDS (30) it is
# killed first, so a test that went wrong never hangs in wait.
reap() {
  wait_until "${2:-30}" dead "$1" || { diag "pid $1 still running after ${2:-30} s: killed"; kill -KILL "$1" 2>/dev/null; }
  wait "$1"
}

# The pids every status file under $T names: services a test may leave behind.
service_pids() {
  local status
  find "$T" -path '*/supervise/status' 2>/dev/null | while read -r status; do
    svpid "$(dirname "$(dirname "$status")")"
  done
}

# Pids are recycled (pid_max may be 32768, and another test runs beside
# this one): a process is signalled only while it is still the one recorded,
# and a service named by a status only while its cwd is under $T.
cleanup() {
  local services pid id
  services=$(service_pids)
  for id in $started_ids; do same_process "$id" && kill -TERM "${id%%:*}" 2>/dev/null; done
  for id in $started_ids; do
    same_process "$id" || continue
    wait_until 5 dead "${id%%:*}" || { same_process "$id" && kill -KILL "${id%%:*}" 2>/dev/null; }
  done
  for pid in $services; do
    case $(readlink /proc/"$pid"/cwd 2>/dev/null) in "$T"/*) kill -KILL "$pid" 2>/dev/null ;; esac
  done
  wait 2>/dev/null
  rm -rf "$T"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test.XXXXXX")
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$T" || exit 1
# Bare names (svc -u foo) resolve against $SVDIR, as on a real system.
SVDIR=$T
export SVDIR

done_testing() {
  echo "1..$tap_count"
  [ "$tap_failed" = 0 ]
}

# A background job's stdin is /dev/null in sh: start_in FILE CMD... starts
# CMD with its stdin opened on FILE (a fifo, usually). $! is CMD's pid.
start_in() {
  local input=$1
  shift
  start sh -c 'input=$1; shift; exec "$@" < "$input"' sh "$input" "$@"
}

# --- container helpers ---

# no_etc_rc: sh code to run first in a new mount namespace, before exec'ing
# vigil-init there, for the container tests' runs with no /etc/rc at all
# (tini's use: an image with no services). Where the host has an /etc/rc,
# /etc becomes a tmpfs holding the host's other entries (bind mounts and
# copied symlinks), so that /etc/rc does not exist in the namespace; where
# it has none (the usual case), nothing is done.
# shellcheck disable=SC2016
no_etc_rc='if [ -e /etc/rc ] || [ -L /etc/rc ]; then
  view=$(mktemp -d) && mount -t tmpfs -o mode=0755 tmpfs "$view" || exit 111
  for entry in /etc/* /etc/.[!.]*; do
    name=${entry#/etc/}
    if [ "$name" = rc ]; then continue
    elif [ -L "$entry" ]; then cp -P "$entry" "$view/$name"
    elif [ -d "$entry" ]; then mkdir "$view/$name" && mount --rbind "$entry" "$view/$name"
    elif [ -e "$entry" ]; then : > "$view/$name" && mount --bind "$entry" "$view/$name"
    fi
  done
  # In a user namespace mount(8) may fail to note the move (utab) after
  # making it: what counts is /etc/rc gone.
  mount --move "$view" /etc 2>/dev/null
  rmdir "$view" 2>/dev/null
  [ ! -e /etc/rc ] || { echo "no_etc_rc: unable to hide /etc/rc" >&2; exit 111; }
fi
'

# unsanitized FILE: FILE, less the warnings ASan prints on its own (under
# the ASan build only: VIGIL_SANITIZED=1), for tests that want a stderr
# silent or byte for byte. ASan warns so where it cannot read /proc yet
# (PID 1 in a chroot before it mounts /proc: the executable's name, the
# stack's bounds); its errors are not warnings, and abort the program.
unsanitized() {
  if [ "${VIGIL_SANITIZED:-}" = 1 ]; then
    # sed, not grep -v: a last line without a newline stays without one.
    sed -e '/^==[0-9]*==WARNING: /d' -e '/^False positive error reports may follow$/d' \
      -e '\|^For details see https://github.com/google/sanitizers/issues/189$|d' "$1"
  else
    cat "$1"
  fi
}

# same_bytes WANT GOT: the two files are equal, byte for byte (diag what
# came instead), less ASan's own notes in an ASan build.
same_bytes() {
  unsanitized "$2" | cmp -s "$1" - && return 0
  diag "expected: $(od -c "$1" | head -5)" "got: $(unsanitized "$2" | od -c | head -20)"
  return 1
}
# with_services: the container tests' setup with services in an rc dir
# (setup=rc), not the one with no /etc/rc (setup=norc).
with_services() { [ "$setup" = rc ]; }

# --- no-loss helpers (t/helpers/seqwriter) ---

# seq_verdict STATE LOG: how the numbered lines of seqwriter (its state
# file STATE) came out in LOG: numbers below the writer's next must be there
# once, in order; numbers whose write was in flight at a kill (seqwriter
# lists them in STATE.uncertain, and the last writer may have died mid-write
# too) may appear at most once. Prints "lines=N lost=N duplicated=N
# disordered=N malformed=N"; $seq_next is the writer's next number.
seq_verdict() {
  seq_next=$(od -An -t u8 -N 8 "$1" | tr -d ' ')
  touch "$1.uncertain"
  [ "$(od -An -t u8 -j 8 -N 8 "$1" | tr -d ' ')" = 1 ] && echo "$seq_next" >> "$1.uncertain"
  awk -v next_n="$seq_next" '
    FILENAME == ARGV[1] { uncertain[$1] = 1; next }
    {
      n = $1 + 0
      if ($0 !~ /^[0-9]+$/) { bad++; next }
      if (seen[n]++) dup++
      if (n < last) disorder++
      last = n; count++
    }
    END {
      for (i = 0; i < next_n; i++) if (!(i in seen) && !(i in uncertain)) lost++
      printf "lines=%d lost=%d duplicated=%d disordered=%d malformed=%d", count, lost, dup, disorder, bad
    }' "$1.uncertain" "$2"
}

# --- log-dir helpers ---

# archives DIR: the archive names of a log dir, oldest first.
archives() { ls "$1" | grep -E '^@[0-9a-f]{24}\.s$'; }
# log_cat DIR: archives (by name) then current.
log_cat() {
  local name
  for name in $(archives "$1"); do cat "$1/$name"; done
  cat "$1/current"
}

# --- service-dir helpers ---

# mkservice DIR SCRIPT-BODY: DIR/run is "#!/bin/sh" plus the body, executable.
mkservice() {
  mkdir -p "$1"
  printf '#!/bin/sh\n%s\n' "$2" > "$1/run"
  chmod +x "$1/run"
}

# svpid DIR: the pid svstat reports for DIR, or nothing.
svpid() { svstat "$1" 2>/dev/null | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }

is_up() { [ -n "$(svpid "$1")" ]; }
is_down() { svstat "$1" 2>/dev/null | grep -q ': down '; }
pid_changed() { local p; p=$(svpid "$1"); [ -n "$p" ] && [ "$p" != "$2" ]; }
file_has() { grep -qxF -- "$2" "$1" 2>/dev/null; }
file_lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }

# supervise DIR: start vigil-supervise on DIR, and wait until it is serving.
supervise() {
  start vigil-supervise "$1"
  wait_until 30 svok "$1"
}
