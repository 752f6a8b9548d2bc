#!/bin/sh
# End to end, a real container: an image built with `podman build` from
# rootfs/container/Dockerfile (FROM scratch, a rootfs tarball of vigil's
# programs and busybox-static: rootfs/container/mkimage), run by podman
# as root. CMD's exit code; the services' output in `podman logs` with
# their names; `podman stop` ends the container at once, with CMD's code;
# a read-only root as a non-root user, the live dir in /tmp.
# Skipped without podman, or when podman cannot run a container here.
top=$(cd "${0%/*}/.." && pwd)
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v podman >/dev/null || skip_all "no podman (apt-get install podman)"
command -v busybox >/dev/null || skip_all "no busybox-static"
# This machine's limits: podman as root raises RLIMIT_NOFILE and NPROC
# (no CAP_SYS_RESOURCE here) and crun refuses hybrid cgroups: runc, and
# limits no higher than ours.
runtime=
command -v runc >/dev/null && runtime="--runtime runc"
limits="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
image=localhost/vigil-test-$$
# podman's storage is its own: our image by name, removed at the end.
# shellcheck disable=SC2086
pm() { timeout 120 podman $runtime "$@"; }
trap 'pm rm -f -t 0 vigil-test-$$ >/dev/null 2>&1; pm rmi -f "$image" >/dev/null 2>&1; cleanup' EXIT

# The image's programs must be static: the musl build (ASan's are not).
file "$VIGIL_BIN/vigil-init" | grep -q 'statically linked' || skip_all "$VIGIL_BIN holds dynamic programs: the image needs static ones"
sh "$top/rootfs/container/mkimage" "$T/image" "$VIGIL_BIN" > /dev/null || skip_all "mkimage failed"
pm build -q -t "$image" "$T/image" > "$T/build.out" 2>&1 || { cat "$T/build.out" >&2; skip_all "podman build fails here"; }
# shellcheck disable=SC2086
pm run --rm $limits "$image" true > "$T/probe.out" 2>&1 || { cat "$T/probe.out" >&2; skip_all "podman run fails here"; }

# shellcheck disable=SC2086
pm run --rm $limits "$image" sh -c 'exit 3' > /dev/null 2>&1
is "$?" 3 "podman: CMD's exit code is the container's"
# shellcheck disable=SC2086
pm run --rm $limits "$image" sh -c 'kill -KILL $$' > /dev/null 2>&1
is "$?" 137 "podman: CMD killed by SIGKILL gives 137"
# shellcheck disable=SC2086
out=$(pm run --rm $limits "$image" sh -c 'echo main ran after $(ls /run/service | tr "\n" " ")' 2>&1)
like "$out" "^ticker: ticker ready" "podman: a service's output on the container's stdout, its name first"
like "$out" "main ran after hello ticker" "podman: CMD ran, the live dir in /run/service"

# shellcheck disable=SC2086
pm run -d --name "vigil-test-$$" $limits "$image" sleep 100000 > /dev/null
wait_until 60 eval 'pm logs "vigil-test-$$" 2>&1 | grep -q "^hello: hello from a service"'
ok "podman logs: every service's lines, with its name" [ $? = 0 ]
t0=$(now_ms)
pm stop -t 10 "vigil-test-$$" > /dev/null
elapsed=$(( $(now_ms) - t0 ))
# Within the grace is told by the code below (143: TERM; the grace ending
# in SIGKILL gives 137); the wall time also counts podman's own work, slow
# on a busy machine: only a loose bound.
ok "podman stop: not stuck, loosely (${elapsed} ms)" [ "$elapsed" -lt 20000 ]
diag "podman stop: ${elapsed} ms"
is "$(pm inspect -f '{{.State.ExitCode}}' "vigil-test-$$")" 143 "podman stop: the container's code is CMD's (killed by TERM)"

# shellcheck disable=SC2086
out=$(pm run --rm $limits --read-only --user 1000:1000 -e VIGIL_LIVEDIR=/tmp/service "$image" \
  sh -c 'touch /x 2>/dev/null && echo writable; id -u; exit 5' 2>&1)
code=$?
is "$code" 5 "podman --read-only --user 1000: CMD's code"
like "$out" "^1000$" "podman --read-only --user 1000: CMD runs as that user"
like "$out" "^hello: hello from a service" "podman --read-only --user 1000: the services run"
# shellcheck disable=SC2086
out=$(pm run --rm $limits --read-only --user 1000:1000 "$image" true 2>&1)
like "$out" "nothing writable for the live dir" "podman --read-only --user 1000, no writable /run: said clearly"

done_testing
