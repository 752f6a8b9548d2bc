#!/bin/sh
# Boot test 14: vigil-analyze plot in the demo image. The guest
# (qemu-tests/guest/analyze) checks blame and critical-chain and sends the
# SVG on the console; here it is checked whole (its md5sum), has a bar per
# service and logger of the image in boot order (by first spawn) and the
# kernel's and vigil-init's phases, and renders to a PNG (rsvg-convert,
# librsvg2-bin from .ci/deps test). VIGIL_ANALYZE_PNG=FILE keeps the PNG
# (doc/boot.png is made so: see README.md).
. "$(dirname "$0")/lib.sh"
started=$(now_ms)
boot_test analyze poweroff

svg=$T/boot.svg
console | sed -n 's/^.*VIGILSVG: //p' > "$svg"
want_sum=$(guest_value svg-md5)
ok "the guest sent an SVG" [ -s "$svg" ]
is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3"; diag "got:      '$1'" "expected: '$2'"; fi; }
is "$(md5sum < "$svg" | cut -d' ' -f1)" "$want_sum" "the SVG came through the console whole (its md5sum)"
ok "it is an SVG document" sh -c "head -n 2 '$svg' | grep -q '^<svg xmlns=\"http://www.w3.org/2000/svg\"' && tail -n 1 '$svg' | grep -qx '</svg>'"

# The dirs of the image: each service of rootfs/skel/etc/rc, and its
# logger unless an empty log file says it has none.
expected=
for d in "$qemu_tests"/../rootfs/skel/etc/rc/*/; do
  name=$(basename "$d")
  case $name in *@) continue ;; esac  # a template: its instances run
  expected="$expected $name"
  [ -f "$d/log" ] || expected="$expected $name/log"
done
bars=$(grep -c '^<rect class="bar"' "$svg")
is "$bars" "$(echo $expected | wc -w)" "a bar per service and logger of the image"
is "$bars" "$(guest_value dirs)" "as many bars as the guest's /run/service has dirs"
# Each bar's label is the next line: its name first.
names=$(sed -n '/^<rect class="bar"/{n;s/^<text class="name"[^>]*>\([^ <]*\).*/\1/p;}' "$svg")
is "$(printf '%s\n' $names | sort | tr '\n' ' ')" "$(printf '%s\n' $expected | sort | tr '\n' ' ')" \
  "the bars are named after the image's services and loggers"
# Boot order: rows go down and each bar starts no earlier than the one above.
in_boot_order() {
  sed -n 's/^<rect class="bar" x="\([0-9.]*\)" y="\([0-9]*\)".*/\1 \2/p' "$svg" | awk '
    NR > 1 && ($1 + 0 < x || $2 + 0 <= y) { bad = 1 }
    { x = $1 + 0; y = $2 + 0 }
    END { exit bad }'
}
ok "the bars are in boot order (each starts no earlier than the one above, one row lower)" in_boot_order
row_of() { printf '%s\n' $names | grep -nx -- "$1" | cut -d: -f1; }
before() { local a b; a=$(row_of "$1"); b=$(row_of "$2"); [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; }
ok "hostname's bar is above ticker's, which needs it" before hostname ticker
ok "syslogd's bar is above klogd's, which needs it" before syslogd klogd
is "$(grep -c '^<rect class="phase"' "$svg")" 2 "the kernel's and vigil-init's phases are drawn"
ok "the kernel's phase is named and timed" grep -qE '^<text class="phase"[^>]*>kernel [0-9.]+m?s<' "$svg"
# It ends where the kernel's log says it ran /init (/dev/kmsg), not at PID
# 1's start (/proc/1/stat: the kernel thread, 1.5 s earlier under TCG).
run_init_ms=$(ktime 'Run /init as init process' | awk '{ printf "%d", $1 * 1000 }')
kernel_ms=$(sed -n 's/^<text class="phase"[^>]*>kernel \([0-9.]*m*s\)<.*/\1/p' "$svg" \
  | awk '/ms$/ { printf "%d", $1; next } { printf "%d", $1 * 1000 + 0.5 }')
ok "the kernel's phase ends at the console's 'Run /init as init process' (${kernel_ms:-?} ms, ${run_init_ms:-?} ms)" \
  sh -c "[ -n '$kernel_ms' ] && [ -n '$run_init_ms' ] && [ \$(( $kernel_ms - $run_init_ms )) -le 1 ] && [ \$(( $run_init_ms - $kernel_ms )) -le 1 ]"

if command -v rsvg-convert >/dev/null; then
  png=$T/boot.png
  ok "rsvg-convert renders the SVG" sh -c "rsvg-convert -o '$png' '$svg' 2>'$T/rsvg.err'"
  [ -s "$T/rsvg.err" ] && diag "rsvg-convert: $(head -3 "$T/rsvg.err")"
  # PNG: an 8-byte signature, then IHDR's width and height (big-endian 32 bits).
  png_size() { od -An -tu1 -j16 -N8 "$png" 2>/dev/null | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }'; }
  size=$(png_size)
  ok "the PNG has a non-zero size ($size)" sh -c "case '$size' in 0x*|*x0|'') exit 1 ;; esac"
  [ -n "${VIGIL_ANALYZE_PNG:-}" ] && cp "$png" "$VIGIL_ANALYZE_PNG" && diag "PNG kept as $VIGIL_ANALYZE_PNG"
else
  pass "rsvg-convert renders the SVG # SKIP no rsvg-convert (librsvg2-bin: sh .ci/deps test installs it)"
fi
diag "the whole test: $(( ($(now_ms) - started) / 1000 )) s"
done_testing
