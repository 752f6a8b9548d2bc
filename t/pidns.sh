# Source first, before lib.sh: as root, the test re-runs itself as PID 1 of
# a PID namespace of its own (with its own /proc), so that when it ends,
# the kernel kills whatever it left: no supervisor, logger, service or
# finish script outlives it, whatever went wrong. --kill-child: the same
# if the test itself is killed. Without root or unshare, it runs as is.
if [ "${VIGIL_IN_PIDNS:-}" != 1 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 \
   && unshare -fp --mount-proc true 2>/dev/null; then
  VIGIL_IN_PIDNS=1 exec unshare -fp --mount-proc --kill-child sh "$0" "$@"
fi
