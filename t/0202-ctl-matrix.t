#!/bin/sh
# The exit codes of svok, svstat (plain and --json) and svwait (-u and -d)
# as a matrix: {service, its log} x {up, down, absent, no supervisor},
# under a real vigil-scan; the tables in svok(8), svstat(8) and svwait(8)
# say the same. Every call is bounded by timeout(1): 124 is a hang.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
mkservice sv/up "exec sleep 1000"
mkservice sv/up/log "exec cat > /dev/null"
mkservice sv/down "exec sleep 1000"
mkservice sv/down/log "exec cat > /dev/null"
touch sv/down/down sv/down/log/down
# No log/: the absent log.
mkservice sv/nolog "exec sleep 1000"
# A dotdir: the scanner never supervises it.
mkservice sv/.nosup "exec sleep 1000"
mkservice sv/.nosup/log "exec cat > /dev/null"
start vigil-scan -g 300 "$T/sv" > scan-stdout 2> scan-stderr

wait_until 30 eval 'is_up sv/up && is_up sv/up/log && is_up sv/nolog'; ok "the services wanted up are up" [ $? = 0 ]
wait_until 30 eval 'is_down sv/down && is_down sv/down/log'; ok "the services wanted down are down, supervised" [ $? = 0 ]
ok "the dotdir has no supervisor" eval '! svok sv/.nosup && ! svok sv/.nosup/log'

# dir KIND STATE: the path the matrix probes.
dir() {
  case $1:$2 in
    service:up) echo sv/up ;; log:up) echo sv/up/log ;;
    service:down) echo sv/down ;; log:down) echo sv/down/log ;;
    service:absent) echo sv/absent ;; log:absent) echo sv/nolog/log ;;
    service:nosup) echo sv/.nosup ;; log:nosup) echo sv/.nosup/log ;;
  esac
}

# expect PROGRAM STATE: the exit code the man pages give.
expect() {
  case $1:$2 in
    svok:up|svok:down) echo 0 ;;
    svok:absent) echo 111 ;;
    svok:nosup) echo 100 ;;
    svstat*:up|svstat*:down|svstat*:nosup) echo 0 ;;
    svstat*:absent) echo 111 ;;
    svwait-u:up) echo 0 ;;
    svwait-u:down|svwait-u:nosup) echo 99 ;;
    svwait-d:down) echo 0 ;;
    svwait-d:up|svwait-d:nosup) echo 99 ;;
    svwait*:absent) echo 111 ;;
  esac
}

run() {
  case $1 in
    svok) timeout 30 svok "$2" ;;
    svstat) timeout 30 svstat "$2" ;;
    svstat-json) timeout 30 svstat --json "$2" ;;
    svwait-u) timeout 30 svwait -u -t 300 "$2" ;;
    svwait-d) timeout 30 svwait -d -t 300 "$2" ;;
  esac
}

for program in svok svstat svstat-json svwait-u svwait-d; do
  for kind in service log; do
    for state in up down absent nosup; do
      path=$(dir $kind $state)
      run $program "$path" > out 2> err; rc=$?
      is "$rc" "$(expect $program $state)" "$program on a $kind $state ($path): exit $(expect $program $state)"
      case $program:$state in
        svstat:up) like "$(cat out)" "^$path: up \\(pid [0-9]+\\) " "svstat: the $kind up says up, its pid" ;;
        svstat:down) like "$(cat out)" "^$path: down [0-9]+ seconds, normally down" "svstat: the $kind down says down" ;;
        svstat:nosup) is "$(cat out)" "$path: supervisor not running" "svstat: the $kind with no supervisor says so" ;;
        svstat-json:absent|svstat:absent|svok:absent|svwait*:absent)
          like "$(cat err)" "$path" "$program: the message names the absent $kind" ;;
        svstat-json:*)
          want=$state; [ "$state" = nosup ] && want="no supervisor"
          like "$(cat out)" "\"state\":\"$want\"" "svstat --json: the $kind $state's state is \"$want\"" ;;
      esac
    done
  done
done

# Several dirs: the worst code wins, every present dir still reported.
timeout 30 svstat sv/up sv/absent sv/.nosup > out 2> /dev/null; rc=$?
is "$rc" 111 "svstat up absent nosup: 111, the worst"
is "$(wc -l < out | tr -d ' ')" 2 "svstat up absent nosup: a line for each present dir"
# -a: every present dir of $SVDIR (the dotdir skipped), exit 0; it takes no DIR.
SVDIR=$T/sv timeout 30 svstat -a > out 2> err; rc=$?
is "$rc" 0 "svstat -a: exit 0"
is "$(awk 'NR > 1 { print $1 }' out | tr '\n' ' ')" "down down/log nolog up up/log " "svstat -a: the services and logs, sorted, no dotdir"
SVDIR=$T/no-such-svdir timeout 30 svstat -a > out 2> err; rc=$?
is "$rc" 111 "svstat -a with \$SVDIR missing: 111"
like "$(cat err)" "^svstat: fatal: unable to read $T/no-such-svdir: No such file" "svstat -a with \$SVDIR missing: the message"
SVDIR=$T/sv timeout 30 svstat -a sv/up > /dev/null 2>&1; rc=$?
is "$rc" 100 "svstat -a DIR: usage, 100"
timeout 30 svstat --bogus sv/up > /dev/null 2>&1; rc=$?
is "$rc" 100 "svstat with an unknown option: usage, 100"
done_testing
