#!/bin/sh
# Issue 19, pitfall 10, with the scanner not PID 1: its stdout (the
# catch-all output of unlogged services and loggers) and stderr a pipe
# whose reader is gone, then both closed. SIGPIPE kills neither the
# scanner nor a supervisor, both writing warnings to the broken pipe; a
# service that prints dies of it (it starts with SIGPIPE at its default)
# and is restarted; the others run on; a logged service's lines still
# reach its logger. (As PID 1: t/0705.)
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

# sigmask PID FIELD: SigIgn, SigBlk... of PID.
sigmask() { sed -n "s/^$2:[[:space:]]*//p" /proc/"$1"/status 2>/dev/null; }
# host_pid NAME: the pid of service NAME: the child of its supervisor (a
# child of the scanner whose last argument is NAME).
host_pid() {
  local sup
  for sup in $(cat /proc/"$scanner"/task/"$scanner"/children 2>/dev/null); do
    case $(tr '\0' ' ' < /proc/"$sup"/cmdline 2>/dev/null) in
      *vigil-supervise" $1 ") tr -d ' ' < /proc/"$sup"/task/"$sup"/children; return ;;
    esac
  done
}

# services NAME: a scan dir $T/NAME: talker prints (and counts its starts),
# quiet does not, logged prints to its logger, chatty is for a supervisor's warning.
services() {
  local d=$T/$1
  mkservice "$d/talker" "echo start >> $d.talker-starts; exec sh -c 'while :; do echo tick; sleep 0.1; done'"
  mkservice "$d/quiet" "exec sleep 1000"
  mkservice "$d/logged" "exec sh -c 'while :; do echo line; sleep 0.1; done'"
  mkservice "$d/logged/log" "exec linelog $d.logged-log"
  mkservice "$d/chatty" "exec sleep 1000"
}

# check NAME HOW TALKER-RESTARTS: the same assertions for each way of losing the output.
check() {
  local d=$T/$1 how=$2 quiet lines chatty
  ok "$how: the services come up" wait_until 30 eval 'is_up "$d/quiet" && is_up "$d/logged" && is_up "$d/chatty"'
  if [ "$3" = restarts ]; then
    ok "$how: the service that prints dies of SIGPIPE and is restarted (3 starts)" \
      wait_until 30 eval '[ "$(file_lines "$d.talker-starts")" -ge 3 ]'
  else
    ok "$how: the service that prints runs on" eval '[ "$(file_lines "$d.talker-starts")" = 1 ] && is_up "$d/talker"'
  fi
  quiet=$(host_pid quiet)
  is "$(sigmask "$quiet" SigIgn)" 0000000000000000 "$how: a service starts with no signal ignored (SIGPIPE at its default)"
  # The scanner warns (a dir with no run), a supervisor warns (a run not
  # executable): both to the broken stderr.
  mkdir "$d/norun"
  chmod -x "$d/chatty/run"
  chatty=$(svpid "$d/chatty")
  svc -k "$d/chatty"
  ok "$how: the supervisor has warned of its run not executable" \
    wait_until 30 eval 'svstat "$d/chatty" | grep -q "run is not executable"'
  chmod +x "$d/chatty/run"
  ok "$how: and restarts it once it is executable" wait_until 30 pid_changed "$d/chatty" "$chatty"
  mkservice "$d/late" "exec sleep 1000"
  ok "$how: the scanner, having warned, still picks up a new service" wait_until 30 is_up "$d/late"
  ok "$how: the scanner is alive" alive "$scanner"
  ok "$how: the quiet service runs on, the same process" eval '[ -n "$quiet" ] && [ "$(host_pid quiet)" = "$quiet" ]'
  lines=$(file_lines "$d.logged-log")
  ok "$how: the logged service's lines still reach its logger" wait_until 30 eval '[ "$(file_lines "$d.logged-log")" -gt "$lines" ]'
  kill -TERM "$scanner"
  reap "$scanner" 60
  is "$?" 0 "$how: SIGTERM still stops the scanner, with 0"
}

# --- a pipe whose reader is gone ---
services broken
# shellcheck disable=SC2016
start perl -e 'pipe(my $r, my $w) or die "pipe: $!"; close $r; open(STDOUT, ">&", $w) or die; open(STDERR, ">&", $w) or die; close $w; exec @ARGV or die "exec: $!"' \
  vigil-scan "$T/broken"
scanner=$!
check broken "broken pipe" restarts

# --- stdout and stderr closed ---
services closed
start vigil-scan "$T/closed" >&- 2>&-
scanner=$!
check closed "closed fds" runs

done_testing
