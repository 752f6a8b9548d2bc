#!/bin/sh
# A service dir's one-value files and env/ entries that are no regular
# file: a fifo (the open or the read would block for good), a character
# device (made with mknod, /dev/null's numbers) and a symlink to /dev/zero
# (a read that never ends). Each is bad content: warned on stderr, the
# service runs as without the file, and the supervisor keeps answering
# svc and svstat within a bounded time. A user file of that kind: the run
# does not start (as with any unreadable user file), the supervisor still
# answers, and once the file is gone the run starts.
. "$(dirname "$0")/lib.sh"

# The files read by the supervisor (check-failures only with a good
# check-interval: the *-chk dirs).
NAMES="timeout-kill timeout-finish down-signal kill-process-group restart give-up notification-fd
nice oom-score-adj limit-nofile limit-core check-interval"
report='env > env.out; exec sleep 1000'

# plant KIND PATH: a file of that kind at PATH.
plant() {
  case $1 in
    fifo) mkfifo "$2" ;;
    cdev) mknod "$2" c 1 3 2>/dev/null || ln -s /dev/null "$2" ;;
    zero) ln -s /dev/zero "$2" ;;
  esac
}

# answers DIR: svc -d, then -u, each taken within the bound, and svstat
# answering throughout.
answers() {
  local pid
  pid=$(svpid "$1")
  [ -n "$pid" ] && timeout 30 svc -d "$1" && wait_until 30 is_down "$1" \
    && timeout 30 svc -u "$1" && wait_until 30 pid_changed "$1" "$pid" \
    && timeout 30 svstat "$1" > /dev/null
}

# not_wanted_up DIR: svstat answers, and no more tries to start it.
not_wanted_up() { timeout 30 svstat "$1" > "$1.svstat" && ! grep -q "want up" "$1.svstat"; }

# warned_all DIR NAME...: stderr of DIR's supervisor names each as unreadable.
warned_all() {
  local dir=$1 name missing=
  shift
  for name in "$@"; do
    grep -qE "unable to read $name( \(.*\))?: Invalid argument" "$dir.err" || missing="$missing $name"
  done
  [ -z "$missing" ] || diag "$dir: no warning for:$missing" "$(cat "$dir.err")"
  [ -z "$missing" ]
}

mknod "$T/probe-cdev" c 1 3 2>/dev/null || diag "mknod refused here: a symlink to /dev/null stands for the device"
rm -f "$T/probe-cdev"

for kind in fifo cdev zero; do
  all=$kind-all chk=$kind-chk user=$kind-user
  mkservice "$all" "$report"
  printf '#!/bin/sh\nexit 0\n' > "$all/check"; chmod +x "$all/check"
  for name in $NAMES; do plant "$kind" "$all/$name"; done
  mkdir "$all/env"
  echo yes > "$all/env/GOOD"
  plant "$kind" "$all/env/BAD"

  mkservice "$chk" "$report"
  printf '#!/bin/sh\nexit 0\n' > "$chk/check"; chmod +x "$chk/check"
  echo 60000 > "$chk/check-interval"
  plant "$kind" "$chk/check-failures"

  mkservice "$user" "touch ran; $report"
  plant "$kind" "$user/user"

  for dir in "$all" "$chk" "$user"; do start vigil-supervise "$dir" 2> "$dir.err"; done

  # --- every file of that kind at once: warned, the service runs ---
  wait_until 30 is_up "$all"; ok "$kind: the run is up with every file a $kind" [ $? = 0 ]
  wait_until 30 test -s "$all/env.out"
  ok "$kind: every file warned of as bad content" warned_all "$all" $NAMES
  like "$(cat "$all.err")" "env/BAD: not a regular file \(skipped\)" "$kind: the env/ entry warned of"
  ok "$kind: env/GOOD set beside it" grep -qx GOOD=yes "$all/env.out"
  ok "$kind: env/BAD not set" eval "! grep -q '^BAD=' $all/env.out"
  ok "$kind: svc -d, svc -u and svstat answered in time" answers "$all"

  wait_until 30 is_up "$chk"; ok "$kind: a bad check-failures: the run is up" [ $? = 0 ]
  ok "$kind: check-failures warned of" warned_all "$chk" check-failures
  ok "$kind: svc and svstat answered in time (check-failures)" answers "$chk"

  # --- user: the run must not start as root instead ---
  wait_until 30 svok "$user"; ok "$kind: a user file: the supervisor serves" [ $? = 0 ]
  wait_until 30 grep -qE "unable to read user: Invalid argument" "$user.err"
  ok "$kind: the user file warned of" [ $? = 0 ]
  like "$(timeout 30 svstat "$user")" ": down .*fork failed" "$kind: svstat answers: down, not started"
  ok "$kind: the run never ran as another user" [ ! -e "$user/ran" ]
  timeout 30 svc -d "$user"
  wait_until 30 not_wanted_up "$user"; ok "$kind: svc -d taken in time (user): no more \"want up\"" [ $? = 0 ]
  rm -f "$user/user"
  timeout 30 svc -u "$user"
  wait_until 60 is_up "$user"; ok "$kind: the user file gone: the run starts" [ $? = 0 ]

  for dir in "$all" "$chk" "$user"; do timeout 30 svc -d "$dir"; done
done
done_testing
