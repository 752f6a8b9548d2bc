#!/bin/sh
# make check's fuzz pass: each libFuzzer harness of t/fuzz (the parsers of
# outside input: status files, control bytes through the state machine,
# needs/ entries, service names, sd_notify datagrams, a service dir's
# one-value files, vigil-log's line selection and input framing, svlog's
# line stamps, JSON escaping, log file names and logger command lines, the
# kernel command line, svstat's reads of a cgroup) for 5 s from its seeds:
# no crash, no sanitizer report. make fuzz runs them longer (FUZZ_S).
if [ -z "${VIGIL_FUZZ:-}" ]; then
  echo "1..0 # SKIP the fuzz harnesses run in make check-plain (VIGIL_FUZZ unset here)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
sh "$(dirname "$0")/fuzz/run" "$VIGIL_FUZZ/bin" "${FUZZ_CHECK_S:-5}" "$work"
