#!/bin/sh
# svactivate, svdeactivate and vigil-scan together. The scanner (with no
# grace: -g 0, so only the atomic rename protects it) watches the live dir
# while svactivate installs 100 services one after another; each run
# script checks that all its files are there and records any miss. Then
# svactivate -f restarts a changed service, svdeactivate takes one down
# and away (its log stays), and gives up on a service that will not stop.
#
# The scanner runs in a PID namespace of its own, under a shell as PID 1:
# killing unshare kills that shell (--kill-child), and with it every
# supervisor, service and logger, whatever state they are in.
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP a PID namespace needs root"; exit 0; fi
if ! unshare -fp --mount-proc true 2>/dev/null; then echo "1..0 # SKIP unshare -fp fails here"; exit 0; fi

. "$(dirname "$0")/lib.sh"
LC_ALL=C
export LC_ALL

SERVICES=100
mkdir rc live conf started logs
VIGIL_RCDIR=$T/rc
VIGIL_CONFDIR=$T/conf
SVDIR=$T/live
export VIGIL_RCDIR VIGIL_CONFDIR SVDIR
unset VIGIL_LOG_TEMPLATE
# Loggers that keep what they read: $T/logs/NAME.log.
printf '#!/bin/sh\nexec linelog %s/logs/@NAME@.log\n' "$T" > conf/log-run

# A service with nested files, whose run checks them all (log/run too: the
# distro's, added by svactivate) before it records its start.
make_source() {
  local name=$1 dir=rc/$1
  mkdir -p "$dir/env" "$dir/data/sub"
  echo a > "$dir/env/A"
  echo b > "$dir/env/B"
  echo data > "$dir/data/sub/file"
  cat > "$dir/run" <<EOF
#!/bin/sh
for f in run env/A env/B data/sub/file log/run; do
  [ -e "\$f" ] || echo "$name: \$f missing" >> "$T/misses"
done
: > "$T/started/$name"
exec sleep 100600
EOF
  chmod +x "$dir/run"
}

i=1
while [ $i -le $SERVICES ]; do make_source "s$i"; i=$((i + 1)); done

start unshare -fp --mount-proc --kill-child sh -c 'vigil-scan -g 0 "$1" > "$2" 2> "$3" & wait' \
  sh "$T/live" "$T/scan-stdout" "$T/scan-stderr"
mkservice rc/barrier 'exec sleep 100600'
svactivate barrier
wait_until 30 is_up live/barrier; ok "the scanner is up (a first service runs)" [ $? = 0 ]

# --- 100 installs while the scanner watches ---
t0=$(date +%s%N)
failures=0
i=1
while [ $i -le $SERVICES ]; do
  svactivate "s$i" || failures=$((failures + 1))
  i=$((i + 1))
done
t1=$(date +%s%N)
is "$failures" 0 "svactivate installed $SERVICES services, each exit 0"
diag "$SERVICES installs in $(( (t1 - t0) / 1000000 )) ms"
started_count() { ls started | grep -c '^s'; }
all_started() { [ "$(started_count)" = "$SERVICES" ]; }
wait_until 180 all_started
ok "all $SERVICES services started ($(started_count))" [ $? = 0 ]
is "$(cat misses 2>/dev/null)" "" "no run script ever saw its dir incomplete"
# A run can mark itself started before its supervisor has written "up".
up_count() { local i=1 up=0; while [ $i -le $SERVICES ]; do is_up "live/s$i" && up=$((up + 1)); i=$((i + 1)); done; echo "$up"; }
wait_until 30 eval '[ "$(up_count)" = "$SERVICES" ]'
is "$(up_count)" "$SERVICES" "svstat says every one is up"
all_loggers_up() { for n in 1 50 $SERVICES; do is_up "live/s$n/log" || return 1; done; }
wait_until 60 all_loggers_up; ok "their loggers run too (s1, s50, s$SERVICES)" [ $? = 0 ]
is "$(ls -A live | grep -c '^\.')" 0 "no dotdir left in the live dir"
ok "the scanner warned about nothing" [ ! -s scan-stderr ]

# --- an unchanged source: nothing happens ---
pid=$(svpid live/s1)
svactivate s1
is "$?" 0 "svactivate of an active, unchanged service: exit 0"
is "$(svpid live/s1)" "$pid" "the service runs on, same pid"

# --- -f on a changed source: a restart ---
mkservice rc/web "echo web v1; exec sleep 100601"
svactivate web
wait_until 30 is_up live/web; ok "web is up" [ $? = 0 ]
wait_until 30 file_has logs/web.log "web v1"; ok "web's output reaches its logger" [ $? = 0 ]
old=$(svpid live/web)
mkservice rc/web "echo web v2; exec sleep 100601"
svactivate web 2> err
is "$?" 100 "a changed source without -f: refused"
is "$(svpid live/web)" "$old" "and web runs on untouched"
svactivate -f web
is "$?" 0 "svactivate -f web: exit 0"
wait_until 30 pid_changed live/web "$old"; ok "web was restarted: a new pid" [ $? = 0 ]
wait_until 30 file_has logs/web.log "web v2"; ok "the new run is the new source's, its output logged" [ $? = 0 ]
is "$(grep -c 'web v1' logs/web.log)" 1 "what the old one logged is still there"
is "$(ls -A live | grep -c '^\.')" 0 "no .web or .web.old left"

# --- svdeactivate: down, then away; the log stays ---
mkservice rc/db "echo db here; exec sleep 100602"
svactivate db
wait_until 30 file_has logs/db.log "db here"; ok "db is up and logging" [ $? = 0 ]
sleeper_running() { ps -eo args= | grep -qx "sleep $1"; }
ok "its process runs" sleeper_running 100602
svdeactivate db 2> err
is "$?" 0 "svdeactivate db: exit 0"
is "$(cat err)" "" "silently"
ok "its live dir is gone" [ ! -e live/db ]
is "$(ls -A live | grep -c '^\.')" 0 "no dotdir left"
wait_until 30 eval '! sleeper_running 100602'; ok "its process is gone" [ $? = 0 ]
no_db_supervisor() { ! ps -eo args= | grep -qE '^vigil-supervise (\.?db|\.db\.old)(/log)?$'; }
wait_until 30 no_db_supervisor; ok "and its supervisors" [ $? = 0 ]
ok "its log stays" file_has logs/db.log "db here"

# --- a service that ignores SIGTERM: bounded wait, nothing removed ---
# It notes when its trap is set: up only means spawned, and a TERM before
# the trap would stop it at once.
mkservice rc/stubborn "trap '' TERM; : > $T/stubborn-trapped; exec sleep 100603"
svactivate stubborn
wait_until 30 eval 'is_up live/stubborn && [ -e stubborn-trapped ]'; ok "stubborn is up, ignoring TERM" [ $? = 0 ]
t0=$(date +%s%N)
svdeactivate -t 1000 stubborn 2> err
is "$?" 99 "svdeactivate -t 1000 of a service that will not stop: exit 99"
t1=$(date +%s%N)
ok "after about the timeout ($(( (t1 - t0) / 1000000 )) ms, < 20 s)" [ $(( (t1 - t0) / 1000000 )) -lt 20000 ]
like "$(cat err)" "^svdeactivate: fatal: $T/live/stubborn still up after the timeout: not removed" "with a message saying so"
ok "its dir stays" [ -x live/stubborn/run ]
svc -k live/stubborn
svdeactivate stubborn
is "$?" 0 "once killed, svdeactivate removes it"
ok "its dir is gone" [ ! -e live/stubborn ]

done_testing
