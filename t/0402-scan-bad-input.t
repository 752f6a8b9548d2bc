#!/bin/sh
# vigil-scan on bad input: a clear warning, once, and the rest keeps running.
# A regular file, symlinks (to a dir: followed; to nothing: ignored), run
# missing or not executable (picked up once fixed), log as a file, log/
# without run, names with spaces and newlines, an unreadable subdir, DIR
# missing at start, DIR moved away and back while the scanner runs.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

LONG_RUN='exec sleep 1000'

# warnings NAME [FILE]: lines of the scanner's stderr that mention NAME.
warnings() { grep -cF -- "$1" "${2:-scan-stderr}"; }
has_warning() { grep -qF -- "$1" "${2:-scan-stderr}"; }

# barrier DIR [OWNER]: rename a new service into DIR and wait until it runs.
# A signal sent to the scanner before is handled by then: signals are read
# before inotify events.
barriers=0
barrier() {
  barriers=$((barriers + 1))
  mkservice "$1/.barrier$barriers" "$LONG_RUN"
  [ -z "${2:-}" ] || chown -R "$2" "$1/.barrier$barriers"
  mv "$1/.barrier$barriers" "$1/barrier$barriers"
  wait_until 30 is_up "$1/barrier$barriers"
}

# supervised_by_scanner PATTERN: a supervisor child of the scanner has
# arguments matching PATTERN (grep -E).
supervised_by_scanner() { ps -o args= --ppid "$scanner" | grep -qE -- "$1"; }

# --- the bad entries, in place before the scanner starts ---
mkdir sv
printf 'not a service\n' > sv/afile
mkservice real "$LONG_RUN"
ln -s ../real sv/link
ln -s ../nowhere sv/dangling
mkdir sv/missingrun
mkdir sv/noexec
printf '#!/bin/sh\n%s\n' "$LONG_RUN" > sv/noexec/run
chmod 644 sv/noexec/run
# run a symlink to a file outside the dir that is not executable yet
mkdir sv/linkedrun
printf '#!/bin/sh\n%s\n' "$LONG_RUN" > linkedrun-target
ln -s ../../linkedrun-target sv/linkedrun/run
mkservice sv/logfile "echo logfile says hi; $LONG_RUN"
: > sv/logfile/log
mkservice sv/logdir "echo logdir says hi; $LONG_RUN"
mkdir sv/logdir/log
mkservice "sv/with space" "$LONG_RUN"
mkservice sv/deadlog "echo deadlog says hi; $LONG_RUN"
ln -s ../../nowhere sv/deadlog/log
newline_name=$(printf 'new\nline')
mkservice "sv/$newline_name" "$LONG_RUN"
mkservice sv/plain "$LONG_RUN"
mkservice sv/aliased "$LONG_RUN"

start vigil-scan -g 200 "$T/sv" > scan-stdout 2> scan-stderr
scanner=$!
wait_until 30 is_up sv/plain; ok "the scanner runs a good service beside the bad ones" [ $? = 0 ]

# --- a log/ symlink to nothing: the service runs unlogged, said once ---
wait_until 30 is_up sv/deadlog; ok "a log/ symlink to nothing: the service still runs" [ $? = 0 ]
wait_until 30 has_warning "deadlog/log is a symlink to nothing"
ok "a log/ symlink to nothing: warned, naming it" [ $? = 0 ]
like "$(grep -F deadlog/log scan-stderr)" "deadlog runs unlogged" "the warning says the service runs unlogged"
# --- a regular file: warned, ignored ---
wait_until 30 has_warning afile; ok "a regular file in DIR is warned about" [ $? = 0 ]
like "$(grep -F afile scan-stderr)" "$T/sv/afile: .*not a directory" "the warning names the file and says it is not a directory"

# --- a symlink to a dir: followed ---
wait_until 30 is_up sv/link; ok "symlink to a dir: its service runs" [ $? = 0 ]
is "$(svpid real)" "$(svpid sv/link)" "svstat through the link and on the target show the same service"
pid=$(svpid sv/link)
svc -t sv/link
wait_until 30 pid_changed sv/link "$pid"; ok "svc -t through the link restarts it" [ $? = 0 ]

# --- a symlink to a service dir of DIR: a second name for the same service ---
wait_until 30 is_up sv/aliased
pid=$(svpid sv/aliased)
ln -s aliased sv/alias
barrier sv
is "$(svpid sv/alias)" "$pid" "a symlink to a dir already in DIR: the same service, not a second one"
ok "no second supervisor for it" eval '! supervised_by_scanner "vigil-supervise alias$"'
rm sv/alias
barrier sv
is "$(svpid sv/aliased)" "$pid" "removing that symlink leaves the dir's service running"

# --- a symlink to nothing: warned, ignored ---
wait_until 30 has_warning dangling; ok "a symlink to nothing is warned about" [ $? = 0 ]
like "$(grep -F dangling scan-stderr)" "$T/sv/dangling: .*(link|nothing|No such file)" "the warning says what is wrong with it"

# --- run missing, run not executable: warned, not started ---
wait_until 30 has_warning missingrun; ok "run missing: warned" [ $? = 0 ]
like "$(grep -F missingrun scan-stderr)" "missingrun: .*run" "the warning is about run"
wait_until 30 has_warning noexec; ok "run not executable: warned" [ $? = 0 ]
like "$(grep -F noexec scan-stderr)" "noexec: .*run" "the warning is about run"
wait_until 30 has_warning linkedrun; ok "run a symlink to a file not executable: warned" [ $? = 0 ]

# --- log is a regular file: no logger; stdout goes to the scanner's stdout ---
wait_until 30 is_up sv/logfile; ok "log is a file: the service runs" [ $? = 0 ]
wait_until 30 file_has scan-stdout "logfile says hi"; ok "its stdout reaches the scanner's stdout" [ $? = 0 ]
ok "no supervisor for a log that is a file" eval '! supervised_by_scanner "logfile/log"'

# --- log/ without run: warned, the service runs unlogged ---
wait_until 30 is_up sv/logdir; ok "log/ without run: the service runs" [ $? = 0 ]
wait_until 30 has_warning logdir/log; ok "log/ without run: warned, naming logdir/log" [ $? = 0 ]
wait_until 30 file_has scan-stdout "logdir says hi"; ok "it runs unlogged: its stdout reaches the scanner's stdout" [ $? = 0 ]
ok "no supervisor for a log/ without run" eval '! supervised_by_scanner "logdir/log"'

# --- names with a space and a newline ---
wait_until 30 is_up "sv/with space"; ok "a name with a space: the service runs" [ $? = 0 ]
pid=$(svpid "sv/with space")
svc -t "sv/with space"
wait_until 30 pid_changed "sv/with space" "$pid"; ok "svc -t and svstat work on it" [ $? = 0 ]
wait_until 30 is_up "sv/$newline_name"; ok "a name with a newline: the service runs" [ $? = 0 ]
ok "svok works on it" svok "sv/$newline_name"
pid=$(svpid "sv/$newline_name")
svc -t "sv/$newline_name"
wait_until 30 pid_changed "sv/$newline_name" "$pid"; ok "svc -t and svstat work on it" [ $? = 0 ]

# --- a dir made while running, still without run: warned once its grace is over ---
mkdir sv/latecomer
wait_until 30 has_warning latecomer; ok "a mkdir'd dir without run: warned after its grace" [ $? = 0 ]

# --- once: a rescan repeats none of the warnings ---
kill -HUP "$scanner"
barrier sv
for name in afile dangling missingrun noexec linkedrun logdir/log deadlog/log latecomer; do
  is "$(warnings "$name")" 1 "$name: warned once, not again on a rescan"
done
wait_until 1 eval 'svok sv/missingrun || svok sv/noexec || svok sv/linkedrun || svok sv/latecomer' && started=1 || started=0
is "$started" 0 "run missing or not executable: not started"
ok "the regular file got no supervisor" eval '! supervised_by_scanner "afile"'
ok "the symlink to nothing got no supervisor" eval '! supervised_by_scanner "dangling"'

# --- fixed: picked up ---
printf '#!/bin/sh\n%s\n' "$LONG_RUN" > sv/missingrun/run
chmod +x sv/missingrun/run
wait_until 30 is_up sv/missingrun; ok "run created: the service starts" [ $? = 0 ]
chmod +x sv/noexec/run
wait_until 30 is_up sv/noexec; ok "run made executable: the service starts" [ $? = 0 ]
mkservice sv/latecomer "$LONG_RUN"
wait_until 30 is_up sv/latecomer; ok "run added to the mkdir'd dir: the service starts" [ $? = 0 ]
# Nothing in the service dir changes here: SIGHUP ("rescan now") must see it.
chmod +x linkedrun-target
kill -HUP "$scanner"
wait_until 30 is_up sv/linkedrun; ok "target of run made executable, then SIGHUP: the service starts" [ $? = 0 ]
mkservice sv/logdir/log "exec linelog $T/logdir.log"
wait_until 30 is_up sv/logdir/log; ok "run added to log/: the logger starts" [ $? = 0 ]
pid=$(svpid sv/logdir)
svc -t sv/logdir
wait_until 30 pid_changed sv/logdir "$pid"
wait_until 30 file_has logdir.log "logdir says hi"; ok "and the service's output reaches it" [ $? = 0 ]
is "$(warnings missingrun)$(warnings noexec)$(warnings latecomer)" 111 "no new warning once fixed"

# --- DIR moved away while running, then back ---
p_space=$(svpid "sv/with space")
p_link=$(svpid sv/link)
p_missingrun=$(svpid sv/missingrun)
mv sv sv-away
wait_until 30 has_warning "is gone"; ok "DIR moved away: a warning" [ $? = 0 ]
like "$(grep -F 'is gone' scan-stderr)" "$T/sv" "the warning names DIR"
# The scanner looks for DIR again every second: give it a look or two.
wait_until 2 eval 'dead "$p_space" || dead "$p_link"' && died=1 || died=0
is "$died" 0 "while DIR is away its services keep running"
is "$(svpid "sv-away/with space")" "$p_space" "same pid for 'with space'"
is "$(svpid sv-away/link)" "$p_link" "same pid for link"
ok "the scanner itself still runs" alive "$scanner"
mkservice sv-away/added "$LONG_RUN"
mv sv-away/missingrun sv-away/.missingrun-gone
mv sv-away sv
wait_until 30 has_warning "is back"; ok "DIR back: the scanner says so" [ $? = 0 ]
wait_until 30 is_up sv/added; ok "a service added while DIR was away starts" [ $? = 0 ]
wait_until 30 dead "$p_missingrun"; ok "a service removed while DIR was away is brought down" [ $? = 0 ]
is "$(svpid "sv/with space")" "$p_space" "the others were not restarted"
is "$(svpid sv/link)" "$p_link" "nor the symlinked one"
svc -t "sv/with space"
wait_until 30 pid_changed "sv/with space" "$p_space"; ok "svc still works" [ $? = 0 ]
barrier sv; ok "new services are picked up again" [ $? = 0 ]

# --- an unreadable subdir, for a scanner running as nobody ---
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null 2>&1; then
  chmod 755 "$T"
  mkdir nb
  mkservice nb/first "$LONG_RUN"
  mkservice nb/locked "$LONG_RUN"
  mkservice nb/second "$LONG_RUN"
  chown -R nobody:nogroup nb
  chmod 000 nb/locked
  # No grace: by the barrier below, the scanner has given up on it for good.
  start setpriv --reuid=nobody --regid=nogroup --clear-groups vigil-scan -g 0 "$T/nb" > nb-stdout 2> nb-stderr
  scanner=$!
  wait_until 30 eval 'is_up nb/first && is_up nb/second'; ok "unreadable subdir: the other services run" [ $? = 0 ]
  wait_until 30 has_warning locked nb-stderr; ok "unreadable subdir: warned" [ $? = 0 ]
  like "$(grep -F locked nb-stderr)" "$T/nb/locked.*Permission denied" "the warning names the dir and the reason"
  ok "no supervisor for it" eval '! supervised_by_scanner "locked"'
  kill -HUP "$scanner"
  barrier nb nobody:nogroup
  is "$(warnings locked nb-stderr)" 1 "one warning for it, not repeated on a rescan"
  ok "the warning does not blame a missing run (run is there and executable)" \
    eval '! grep -F locked nb-stderr | grep -q "no executable run"'
  chmod 755 nb/locked
  kill -HUP "$scanner"
  wait_until 30 is_up nb/locked; ok "made readable, then SIGHUP: it is picked up" [ $? = 0 ]
else
  pass "# SKIP unreadable subdir: needs root and setpriv"
fi

# --- DIR missing at start: fatal, 111, the message names DIR ---
timeout 10 vigil-scan "$T/missing" > /dev/null 2> missing-stderr
is "$?" 111 "DIR missing at start: exit 111"
like "$(cat missing-stderr)" "fatal.*$T/missing" "the message is fatal and names DIR"

done_testing
