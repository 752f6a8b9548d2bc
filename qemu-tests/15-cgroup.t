#!/bin/sh
# Boot test 15: the services' cgroups (issue 21) in the demo image; the
# guest (qemu-tests/guest/cgroup) checks the tree, here the console is
# checked for what the scanner said of it: nothing.
. "$(dirname "$0")/lib.sh"
boot_test cgroup poweroff
no_cgroup_warning() { ! console | grep -q 'cgroups (running them without)'; }
ok "the console says nothing of cgroups not used" no_cgroup_warning
done_testing
