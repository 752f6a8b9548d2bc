#!/bin/sh
# Boot test 1: the image boots to every service and logger up; the times
# from kernel start to init and from init to all up are printed.
. "$(dirname "$0")/lib.sh"
boot_test boot poweroff
init=$(ktime 'Run /init as init process')
allup=$(guest_value allup)
ok "the kernel ran /init" [ -n "$init" ]
ok "the guest printed when all was up" [ -n "$allup" ]
# The console shows the start in needs order: the oneshot hostname and
# ticker, which needs it, say their start on the scanner's stderr, the
# console. (klogd needs syslogd, which declares no readiness: up is spawned,
# so only their start times are ordered, as the guest checks.)
line_of() { console | grep -nF -- "$1" | head -n 1 | cut -d: -f1; }
before() { local a b; a=$(line_of "$1"); b=$(line_of "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }
ok "the console shows the oneshot hostname before ticker, which needs it" \
  before "vigil-demo: hostname (oneshot)" "vigil-demo: starting ticker"
diag "kernel start -> init: ${init:-?} s; init -> all services up: $(echo "${allup:-0} ${init:-0}" | awk '{ printf "%.2f", $1 - $2 }') s (guest clock)"
done_testing
