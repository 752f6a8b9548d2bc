#!/bin/sh
# Clean signal state (issue 19, pitfall 4), under a real vigil-scan started
# dirty: SIGINT, SIGQUIT, SIGPIPE and SIGHUP ignored (a shell's background
# job, nohup), signals blocked, and fds 7 and 9 open without close-on-exec.
# Every process it runs, through its supervisors, reports from
# /proc/self/status and /proc/self/fd (t/helpers/fdreport): a plain
# service, a logged service and its logger, a service with a
# notification-fd, one with a notify-socket, and a oneshot's ./up: no
# signal ignored, none blocked, fds 0-2 and the declared notification fd
# only, each in a session of its own.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

command -v perl >/dev/null && perl -MPOSIX -e 1 2>/dev/null || skip_all "no perl with POSIX here to start the scanner with signals blocked"

mkdir sv
mkservice sv/plain "exec fdreport $T/plain.report"
mkservice sv/logged "echo a line for the logger; exec fdreport $T/logged.report"
mkservice sv/logged/log "exec fdreport $T/logger.report"
mkservice sv/notifyfd "exec fdreport $T/notifyfd.report"
echo 5 > sv/notifyfd/notification-fd
mkservice sv/sdnotify "echo \"\$NOTIFY_SOCKET\" > $T/sdnotify.socket; exec fdreport $T/sdnotify.report"
: > sv/sdnotify/notify-socket
mkdir sv/oneshot
printf '#!/bin/sh\nFDREPORT_EXIT=1 exec fdreport %s/oneshot.report\n' "$T" > sv/oneshot/up
chmod +x sv/oneshot/up

# The dirt: ignored by the shell, inherited through exec; blocked by perl,
# inherited through exec; fds opened by the shell for the exec'd program.
# (23, 28: SIGURG, SIGWINCH, which POSIX.pm does not name.)
# shellcheck disable=SC2016
start sh -c 'trap "" INT QUIT PIPE HUP; exec 7> "$1/leak7" 9< /dev/null
  exec perl -MPOSIX -e "sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, 23, 28)) or die; exec { \$ARGV[0] } @ARGV or die" \
    "$2" "$1/sv"' sh "$T" "$VIGIL_BIN/vigil-scan" > scan-stdout 2> scan-stderr
scanner=$!
wait_until 30 test -e "/proc/$scanner/fd/9"
ok "the scanner inherited fds 7 and 9" eval '[ -e "/proc/$scanner/fd/7" ] && [ -e "/proc/$scanner/fd/9" ]'

for name in plain logged logger notifyfd sdnotify oneshot; do
  wait_until 30 test -f "$name.report"; ok "$name: reported" [ $? = 0 ]
done
fds_of() { sed -n 1p "$1.report"; }
is "$(fds_of plain)" "fds 0 1 2" "plain service: fds 0, 1, 2 only"
is "$(fds_of logged)" "fds 0 1 2" "logged service: fds 0, 1, 2 only"
is "$(fds_of logger)" "fds 0 1 2" "its logger: fds 0, 1, 2 only"
is "$(fds_of notifyfd)" "fds 0 1 2 5" "notification-fd 5: fds 0, 1, 2 and 5 only"
is "$(fds_of sdnotify)" "fds 0 1 2" "notify-socket: fds 0, 1, 2 only (the socket is a path)"
like "$(cat sdnotify.socket)" '/supervise/notify$' "notify-socket: NOTIFY_SOCKET was given"
is "$(fds_of oneshot)" "fds 0 1 2" "oneshot's ./up: fds 0, 1, 2 only"
for name in plain logged logger notifyfd sdnotify oneshot; do
  is "$(sed -n 's/^ignored //p' "$name.report")" 0000000000000000 "$name: SigIgn 0 (INT, QUIT, PIPE, HUP reset)"
  is "$(sed -n 's/^blocked //p' "$name.report")" 0000000000000000 "$name: SigBlk 0"
  is "$(sed -n 's/^sid-is-pid //p' "$name.report")" 1 "$name: a session of its own"
done
wait_until 30 eval 'svstat sv/oneshot | grep -q "up (oneshot)"'; ok "the oneshot's ./up exited 0: up" [ $? = 0 ]

# The same, seen from outside in /proc/PID/status of each live service.
for dir in plain logged logged/log notifyfd sdnotify; do
  pid=$(svpid "sv/$dir")
  is "$(sed -n 's/^SigIgn:\t//p;s/^SigBlk:\t//p' /proc/"$pid"/status 2>/dev/null | tr '\n' ' ')" \
    "0000000000000000 0000000000000000 " "$dir: /proc/$pid/status: SigIgn and SigBlk 0"
done

done_testing
