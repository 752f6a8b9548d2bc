#!/bin/sh
# Boot test 1: the image boots to every service and logger up; the times
# from kernel start to init and from init to all up are printed.
. "$(dirname "$0")/lib.sh"
boot_test boot poweroff
init=$(ktime 'Run /init as init process')
allup=$(guest_value allup)
ok "the kernel ran /init" [ -n "$init" ]
ok "the guest printed when all was up" [ -n "$allup" ]
diag "kernel start -> init: ${init:-?} s; init -> all services up: $(echo "${allup:-0} ${init:-0}" | awk '{ printf "%.2f", $1 - $2 }') s (guest clock)"
done_testing
