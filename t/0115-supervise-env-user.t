#!/bin/sh
# env/, user, limit-*, nice and oom-score-adj (issue 21), seen from inside
# the run: envdir's rules (first line, trailing blanks cut, NUL as newline,
# an empty file unsets), the uid, gid and groups of /proc/self/status with
# HOME/USER/LOGNAME/SHELL from passwd, ulimit -n, nice and oom_score_adj;
# the finish gets the same. Bad entries: a warning each, the run still
# runs; an unknown user: a warning and no run at all (never root instead).
# The user is a spare uid given a passwd entry in a private mount
# namespace (as t/0114's stranger, but named).
. "$(dirname "$0")/pidns.sh"
. "$(dirname "$0")/lib.sh"

stranger=64996
if [ "$(id -u)" != 0 ] || getent passwd "$stranger" >/dev/null || ! command -v unshare >/dev/null; then
  skip_all "needs root, unshare and a free uid $stranger"
fi
# A passwd and group of our own, bound over /etc's in this test's mount
# namespace only (pidns.sh's unshare --mount-proc made a private one).
[ "${VIGIL_IN_PIDNS:-}" = 1 ] || skip_all "needs the PID and mount namespace of pidns.sh"
cp /etc/passwd "$T/passwd"; cp /etc/group "$T/group"
echo "vigiltest:x:$stranger:$stranger::/home/vigiltest:/bin/vigilsh" >> "$T/passwd"
echo "vigiltest:x:$stranger:" >> "$T/group"
echo "vigilextra:x:64995:vigiltest" >> "$T/group"
mount --bind "$T/passwd" /etc/passwd && mount --bind "$T/group" /etc/group || skip_all "cannot bind a passwd over /etc/passwd"
chmod 755 "$T"

# What a run saw, in out/SERVICE.out and .env (out/ open to the user).
mkdir out; chmod 1777 out
report='exec 2>&1
o=$(dirname "$PWD")/out/$(basename "$PWD")
grep -E "^(Uid|Gid|Groups):" /proc/self/status > "$o.out"
{ env | grep -E "^(HOME|USER|LOGNAME|SHELL|GREETING|MULTI|GONE)=" | sort
  echo "nofile=$(ulimit -n)"; echo "nice=$(cut -d" " -f19 /proc/self/stat)"; echo "oom=$(cat /proc/self/oom_score_adj)"; } > "$o.tmp"
mv "$o.tmp" "$o.env"
exec sleep 1000'

# --- everything good ---
mkdir good
printf '#!/bin/sh\n%s\n' "$report" > good/run; chmod 755 good/run
printf '#!/bin/sh\nid -u > %s/out/finish-uid\n' "$T" > good/finish; chmod 755 good/finish
mkdir good/env
printf 'hello there  \t\nsecond line\n' > good/env/GREETING
printf 'a\0b' > good/env/MULTI
: > good/env/GONE
echo fromenv > good/env/LOGNAME
echo vigiltest > good/user
echo 123 > good/limit-nofile
echo 7 > good/nice
echo 321 > good/oom-score-adj
GONE=inherited start vigil-supervise good 2> good-err
wait_until 30 svok good
wait_until 30 test -s out/good.env; ok "the run reported" [ $? = 0 ]
is "$(grep Uid out/good.out | awk '{print $2,$3,$4,$5}')" "$stranger $stranger $stranger $stranger" "uid: the user's, all four"
is "$(grep Gid out/good.out | awk '{print $2,$3,$4,$5}')" "$stranger $stranger $stranger $stranger" "gid: the user's primary group"
is "$(grep Groups out/good.out | tr -s ' \t' ' ' | sed 's/ $//')" "Groups: 64995 $stranger" "groups: from the group database (sorted by the kernel)"
is "$(grep -E '^(HOME|USER|LOGNAME|SHELL)=' out/good.env | tr '\n' ' ')" \
  "HOME=/home/vigiltest LOGNAME=fromenv SHELL=/bin/vigilsh USER=vigiltest " "HOME, USER, SHELL from passwd; env/LOGNAME overrides it"
like "$(cat out/good.env)" "GREETING=hello there
" "env/: the first line, trailing blanks cut"
like "$(cat out/good.env)" "MULTI=a
b" "env/: a NUL byte is a newline"
ok "env/: an empty file unsets" eval '! grep -q ^GONE= out/good.env'
is "$(grep nofile out/good.env)" "nofile=123" "limit-nofile: ulimit -n"
is "$(grep nice out/good.env)" "nice=7" "nice"
is "$(grep oom out/good.env)" "oom=321" "oom-score-adj"
is "$(cat good-err)" "" "no warning"
pid=$(svpid good)
svc -d good
wait_until 30 test -s out/finish-uid; is "$(cat out/finish-uid 2>/dev/null)" "$stranger" "./finish runs as the user too"

# --- numeric uid:gid: no supplementary groups, no HOME... of root's ---
mkdir numeric
printf '#!/bin/sh\n%s\n' "$report" > numeric/run; chmod 755 numeric/run
echo "64990:64991" > numeric/user
HOME=/root USER=root start vigil-supervise numeric 2> numeric-err
wait_until 30 svok numeric
wait_until 30 test -s out/numeric.env; ok "numeric: the run reported" [ $? = 0 ]
is "$(grep Uid out/numeric.out | awk '{print $2}') $(grep Gid out/numeric.out | awk '{print $2}')" "64990 64991" "numeric: uid and gid"
is "$(grep Groups out/numeric.out | tr -s ' \t' ' ' | sed 's/ $//')" "Groups:" "numeric: no supplementary groups"
ok "numeric: HOME, USER unset" eval '! grep -qE "^(HOME|USER)=" out/numeric.env'

# --- bad entries: warned of, skipped; the run runs as root ---
mkdir bad
printf '#!/bin/sh\n%s\n' "$report" > bad/run; chmod 755 bad/run
mkdir bad/env bad/env/ADIR
echo x > bad/env/'A=B'
echo fine > bad/env/GREETING
echo lots > bad/limit-nofile
echo 99 > bad/nice
echo -2000 > bad/oom-score-adj
start vigil-supervise bad 2> bad-err
wait_until 30 svok bad
wait_until 30 test -s out/bad.env; ok "bad entries: the run still runs" [ $? = 0 ]
like "$(cat out/bad.env)" "GREETING=fine" "the good env/ entry is applied"
like "$(cat bad-err)" "env/A=B: a name with '='" "warned: a name with ="
like "$(cat bad-err)" "env/ADIR: not a regular file" "warned: a dir in env/"
like "$(cat bad-err)" "limit-nofile: must be a number" "warned: a bad limit"
like "$(cat bad-err)" "nice: must be a number from -20 to 19" "warned: a bad nice"
like "$(cat bad-err)" "oom-score-adj: must be a number" "warned: a bad oom-score-adj"
is "$(grep Uid out/bad.out | awk '{print $2}')" 0 "no user file: root"

# --- unknown user: warned, the run does not start (not as root instead) ---
mkservice nouser "touch $T/nouser-ran; exec sleep 1000"
echo nosuchuser-vigil > nouser/user
start vigil-supervise nouser 2> nouser-err
wait_until 30 svok nouser
wait_until 30 grep -q "no such user: nosuchuser-vigil" nouser-err; ok "unknown user: a warning" [ $? = 0 ]
ok "unknown user: the run never ran" [ ! -e nouser-ran ]
like "$(svstat nouser)" "fork failed" "svstat says the spawn failed"
# The user fixed: picked up at the next try.
echo vigiltest > nouser/user
wait_until 60 is_up nouser; ok "the user fixed: the run starts" [ $? = 0 ]

# --- a supervisor not root, with a user file: warned, runs as itself ---
if command -v setpriv >/dev/null; then
  mkdir asself
  printf '#!/bin/sh\n%s\n' "$report" > asself/run; chmod 755 asself/run
  echo root > asself/user
  chown -R "$stranger:$stranger" asself
  start setpriv --reuid="$stranger" --regid="$stranger" --clear-groups vigil-supervise asself 2> asself-err
  wait_until 30 test -s out/asself.env; ok "not root: the run runs" [ $? = 0 ]
  is "$(grep Uid out/asself.out | awk '{print $2}')" "$stranger" "not root: as the supervisor's user, not the file's"
  like "$(cat asself-err)" "user: not run as root" "not root: warned"
else
  diag "no setpriv: no non-root supervisor case"
fi

# --- a user namespace (unshare -r: only root mapped, setgroups denied):
# a mapped id is taken, an unmapped one fails the start, never root ---
if unshare -Ur true 2>/dev/null; then
  mkdir nsroot
  printf '#!/bin/sh\n%s\n' "$report" > nsroot/run; chmod 755 nsroot/run
  echo 0:0 > nsroot/user
  mkservice nsother "touch $T/nsother-ran; exec sleep 1000"
  echo 5:5 > nsother/user
  start unshare -Ur vigil-supervise nsroot 2> nsroot-err
  start unshare -Ur vigil-supervise nsother 2> nsother-err
  wait_until 30 test -s out/nsroot.env; ok "userns: a mapped id (0:0): the run runs" [ $? = 0 ]
  like "$(cat nsroot-err)" "denies setgroups" "userns: the kept groups are warned of"
  wait_until 30 grep -q "unable to spawn ./run (backing off): Operation not permitted" nsother-err
  ok "userns: an unmapped id (5:5): the start fails, said" [ $? = 0 ]
  ok "userns: and the run never ran" [ ! -e nsother-ran ]
else
  diag "unshare -Ur refused here: no user-namespace case"
fi

done_testing
