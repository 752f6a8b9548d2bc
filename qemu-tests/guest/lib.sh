# Sourced by the guest's boot tests (/etc/vigil/tests/NAME, run by rc.init
# when the kernel command line says vigil.test=NAME). They print TAP on the
# console, each line prefixed "VIGILTAP: ", and end with the plan: the host
# (qemu-tests/lib.sh) reads them; a test that prints nothing fails.
PATH=/sbin:/bin
export PATH
exec </dev/null >/dev/console 2>&1
n=0
ok() { local desc=$1; shift; n=$((n + 1)); if "$@"; then echo "VIGILTAP: ok $n - $desc"; else echo "VIGILTAP: not ok $n - $desc"; fi; }
is() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "VIGILTAP: ok $n - $3"; else echo "VIGILTAP: not ok $n - $3"; echo "VIGILTAP: # got '$1', expected '$2'"; fi; }
note() { echo "VIGILTAP: # $*"; }
# uptime_s: the guest's clock since the kernel started, in seconds.
uptime_s() { local up rest; read -r up rest </proc/uptime; echo "$up"; }
uptime_cs() { local up; up=$(uptime_s); echo $(( ${up%.*} * 100 + 10#${up#*.} )); }
# wait_until SECONDS COMMAND...: poll every 50 ms, bounded.
wait_until() {
  local deadline=$(( $(uptime_cs) + $1 * 100 )); shift
  until "$@"; do
    [ "$(uptime_cs)" -lt "$deadline" ] || return 1
    usleep 50000
  done
}
# svpid DIR: the pid svstat shows for DIR (nothing when down).
svpid() { svstat "$1" 2>/dev/null | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }
# is_up DIR: up, with a pid, or a oneshot up (no process).
is_up() { svstat "$1" 2>/dev/null | grep -q ': up '; }
# A template (NAME@) is never supervised: its instances are.
all_up() { for d in /run/service/*/ /run/service/*/log/; do [ -d "$d" ] || continue; case $d in *@/|*@/log/) continue ;; esac; is_up "${d%/}" || return 1; done; }
# finish [poweroff|reboot|halt|none]: the plan, then the end the host expects.
finish() {
  echo "VIGILTAP: 1..$n"
  case ${1:-poweroff} in
    none) ;;
    *) "${1:-poweroff}" ;;
  esac
}
# newservice NAME RUN_TEXT [nolog]: a service dir made atomically in
# /run/service (a dotdir, renamed), with a logger from the template unless
# nolog.
newservice() {
  local dir=/run/service/.$1
  mkdir -p "$dir"
  printf '%s\n' "$2" > "$dir/run"
  chmod 755 "$dir/run"
  if [ "${3:-}" = nolog ]; then
    : > "$dir/log"
  else
    mkdir "$dir/log"
    sed "s/@NAME@/$1/g" /etc/vigil/log-run > "$dir/log/run"
    chmod 755 "$dir/log/run"
  fi
  mv "$dir" "/run/service/$1"
}
# supervisor_of PID: the parent of PID (its supervisor).
parent_of() { sed 's/.*) . \([0-9]*\) .*/\1/' "/proc/$1/stat" 2>/dev/null; }
# count_in DIR COMM: live processes named COMM (a script: its file name) whose working directory is DIR.
count_in() {
  local p c=0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] || continue
    [ "$(cat "$p/comm" 2>/dev/null)" = "$2" ] || continue
    grep -q '^State:.*Z' "$p/status" 2>/dev/null && continue
    c=$((c + 1))
  done
  echo "$c"
}
