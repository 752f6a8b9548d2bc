#!/bin/sh
# needs/: a chain of 30 services, each needing the one before, started at
# once by a scanner, comes up whole, three times. A dependent that looked
# at its need between the need's first status and the open of its
# supervise/ok once took it for a dead supervisor's status and waited for
# good (about one start in five of such a chain); the supervisor now
# writes its status again once ok has a reader.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

CHAIN=30
all_up() { local i=0; while [ $i -lt $CHAIN ]; do is_up "$1/c$i" || return 1; i=$((i + 1)); done; }
for round in 1 2 3; do
  dir=$T/chain$round
  mkdir "$dir"
  i=0
  while [ $i -lt $CHAIN ]; do
    mkservice "$dir/c$i" "exec sleep 1000"
    [ $i -gt 0 ] && mkdir "$dir/c$i/needs" && : > "$dir/c$i/needs/c$((i - 1))"
    i=$((i + 1))
  done
  start vigil-scan "$dir" > "scan$round.out" 2> "scan$round.err"
  scanner=$!
  wait_until 60 all_up "$dir"; ok "round $round: the chain of $CHAIN comes up" [ $? = 0 ]
  ok "round $round: nothing waits" eval '! svstat "$dir"/* | grep -q "waiting for"'
  kill -TERM "$scanner"
  wait_until 60 dead "$scanner"; ok "round $round: the scanner stops" [ $? = 0 ]
  reap "$scanner" >/dev/null
done

done_testing
