#!/bin/sh
# Templates (issue 21), under a real vigil-scan: a dir NAME@ is never
# supervised; symlinks NAME@ARG -> NAME@ are its instances, each run with
# ARG as $1 and $VIGIL_INSTANCE, each with its own state dir
# (.instances/NAME@ARG: its own supervise/, its own log/ and logger),
# controlled by svc/svstat/svok by the instance's name. An instance added
# and removed by symlink at runtime starts and stops. Bad names: a real
# dir named NAME@ARG, an instance pointing to a non-template, and NAME@
# with no ARG (a template) are not supervised; finish keeps its
# arguments and gets $VIGIL_INSTANCE.
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

mkdir sv
mkservice sv/echo@ 'echo "$1 $VIGIL_INSTANCE" > '"$T"'/ran.$1; echo "hello $1"; exec sleep 1000'
printf '#!/bin/sh\necho "$# $VIGIL_INSTANCE" > %s/finish.$VIGIL_INSTANCE\n' "$T" > sv/echo@/finish
chmod +x sv/echo@/finish
mkservice sv/echo@/log "exec cat > $T/log.\$1"
ln -s echo@ sv/echo@a
ln -s echo@ sv/echo@b
mkservice sv/plain "exec sleep 1000"
mkservice sv/bad@real "touch $T/bad-real-ran; exec sleep 1000"
ln -s plain sv/plain@x

start vigil-scan "$T/sv" > scan-stdout 2> scan-stderr
export SVDIR=$T/sv
wait_until 30 is_up echo@a; ok "echo@a is up (svstat by the instance's name)" [ $? = 0 ]
wait_until 30 is_up echo@b; ok "echo@b is up" [ $? = 0 ]
wait_until 30 test -s ran.a; is "$(cat ran.a)" "a a" "echo@a's run got \$1=a and VIGIL_INSTANCE=a"
wait_until 30 test -s ran.b; is "$(cat ran.b)" "b b" "echo@b's run got \$1=b"
pa=$(svpid echo@a); pb=$(svpid echo@b)
ok "two processes" [ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ]
ok "each instance its own supervise dir" [ -p sv/.instances/echo@a/supervise/control ] && [ -p sv/.instances/echo@b/supervise/control ]
ok "the template has no supervise: never supervised" [ ! -e sv/echo@/supervise ]
ok "svok by the instance's name" svok echo@a
ok "svok: the template is not supervised" sh -c '! svok echo@'
wait_until 30 is_up sv/echo@a/log; ok "echo@a/log is up, a logger of its own" [ $? = 0 ]
wait_until 30 is_up sv/echo@b/log
ok "two loggers" [ "$(svpid sv/echo@a/log)" != "$(svpid sv/echo@b/log)" ]
wait_until 30 file_has log.a "hello a"; ok "echo@a's output reaches its own logger, whose run got \$1=a" [ $? = 0 ]
wait_until 30 file_has log.b "hello b"; ok "echo@b's reaches its own" [ $? = 0 ]
ok "each log/ its own supervise" [ -p sv/.instances/echo@a/log/supervise/control ] && [ -p sv/.instances/echo@b/log/supervise/control ]

svc -t echo@a
wait_until 30 pid_changed echo@a "$pa"; ok "svc -t echo@a restarts echo@a" [ $? = 0 ]
is "$(svpid echo@b)" "$pb" "and leaves echo@b alone"
wait_until 30 test -s finish.a; is "$(cat finish.a)" "3 a" "finish keeps its three arguments and gets VIGIL_INSTANCE"
svc -d echo@b
wait_until 30 is_down echo@b; ok "svc -d echo@b: down" [ $? = 0 ]
ok "echo@a still up" is_up echo@a
like "$(svstat -a)" "echo@a +up" "svstat -a lists the instance by its name"
ok "svstat -a does not list the template" sh -c "! svstat -a | grep -q '^echo@ '"

# At runtime: an instance added, then removed.
ln -s echo@ sv/echo@c
wait_until 30 is_up echo@c; ok "an instance added by symlink starts" [ $? = 0 ]
wait_until 30 test -s ran.c; is "$(cat ran.c)" "c c" "with its \$1"
pc=$(svpid echo@c)
rm sv/echo@c
wait_until 30 dead "$pc"; ok "its symlink removed: it stops" [ $? = 0 ]

# needs/: an instance's needs are its template's, looked up beside the
# template; a service may need an instance by its name.
mkservice sv/gate "exec sleep 1000"
: > sv/gate/down
ln -s echo@ sv/echo@keep
mkservice sv/w@ "exec sleep 1000"
mkdir sv/w@/needs; : > sv/w@/needs/gate
ln -s w@ sv/w@1
mkservice sv/needy "exec sleep 1000"
mkdir sv/needy/needs; : > sv/needy/needs/echo@keep
wait_until 30 svok gate
wait_until 30 sh -c 'svstat w@1 | grep -q "waiting for gate"'; ok "w@1 waits for its template's need, gate" [ $? = 0 ] || diag "$(svstat w@1)"
svc -u gate
wait_until 30 is_up w@1; ok "gate up: w@1 starts" [ $? = 0 ]
wait_until 30 is_up needy; ok "a service that needs the instance echo@keep starts" [ $? = 0 ]

# Bad names.
ok "a real dir named NAME@ARG is not run" [ ! -e bad-real-ran ]
like "$(cat scan-stderr)" "bad@real: named as a template's instance" "and the scanner says why"
like "$(cat scan-stderr)" "plain@x: an instance \\(NAME@ARG\\) must be a symbolic link to its template" "an instance of a non-template: ignored, said"
ok "plain itself runs" is_up plain
ok "no state dir for the bad ones" [ ! -e sv/.instances/plain@x ] && [ ! -e sv/.instances/bad@real ]

# vigil-populate: a template is copied as any dir (its generated log/run
# logs each instance apart), an instance stays a symlink to it, an
# instance of a non-template is refused.
mkdir -p rc/tty@ pop
printf '#!/bin/sh\nexec sleep 1000\n' > rc/tty@/run; chmod +x rc/tty@/run
ln -s tty@ rc/tty@1
mkdir rc/other; cp rc/tty@/run rc/other/run; ln -s other rc/tty@2
vigil-populate rc pop 2> pop-err; rc=$?
is "$rc" 100 "vigil-populate: exit 100 for the bad instance"
is "$(readlink pop/tty@1)" "tty@" "an instance is installed as the same symlink"
ok "the template as a dir" [ -d pop/tty@ ] && [ ! -L pop/tty@ ]
like "$(cat pop/tty@/log/run)" 'vigil-log /var/log/tty@\$\{1\}$' "the template's log/run logs each instance to its own dir"
ok "the bad instance is not installed" [ ! -e pop/tty@2 ] && [ ! -L pop/tty@2 ]
like "$(cat pop-err)" "tty@2: an instance NAME@ARG must be a symlink to NAME@" "and vigil-populate says why"
vigil-populate rc pop 2> /dev/null
is "$(readlink pop/tty@1)" "tty@" "run again: the instance unchanged"

done_testing
