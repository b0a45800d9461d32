#!/bin/sh
# End-to-end test of `sched next` through the real binary: exact output,
# JSON and exit codes. Usage: next_test.sh PATH-TO-SCHED
set -u
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask
sched=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME EXIT-CODE EXPECTED-STDOUT EXPECTED-STDERR -- ARGS...
expect() {
  name=$1 code=$2 want_out=$3 want_err=$4
  shift 5
  "$sched" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  got=$?
  printf '%s\n' "$want_out" >"$tmp/want_out"
  printf '%s\n' "$want_err" >"$tmp/want_err"
  [ -n "$want_out" ] || : >"$tmp/want_out"
  [ -n "$want_err" ] || : >"$tmp/want_err"
  if [ "$got" -ne "$code" ] || ! cmp -s "$tmp/out" "$tmp/want_out" || ! cmp -s "$tmp/err" "$tmp/want_err"; then
    failures=$((failures + 1))
    echo "FAIL: $name (exit $got, wanted $code)"
    diff "$tmp/want_out" "$tmp/out" | sed 's/^/  stdout: /'
    diff "$tmp/want_err" "$tmp/err" | sed 's/^/  stderr: /'
  else
    echo "ok: $name"
  fi
}

expect "spring-forward 02:30 runs after the gap" 0 \
"Sat 2024-03-09 02:30:00 -05:00 EST  2024-03-09T07:30:00.000Z
Sun 2024-03-10 03:00:00 -04:00 EDT  2024-03-10T07:00:00.000Z
Mon 2024-03-11 02:30:00 -04:00 EDT  2024-03-11T06:30:00.000Z" "" -- \
  next --schedule '30 2 * * *' --tz America/New_York --after 2024-03-09T00:00:00Z -n 3

expect "dst-gap skip drops the 02:30 that does not exist" 0 \
"Sat 2024-03-09 02:30:00 -05:00 EST  2024-03-09T07:30:00.000Z
Mon 2024-03-11 02:30:00 -04:00 EDT  2024-03-11T06:30:00.000Z" "" -- \
  next --schedule '30 2 * * *' --tz America/New_York --after 2024-03-09T00:00:00Z -n 2 --dst-gap skip

expect "fall-back hourly fires at both 01:00" 0 \
"Sun 2024-11-03 01:00:00 -04:00 EDT  2024-11-03T05:00:00.000Z
Sun 2024-11-03 01:00:00 -05:00 EST  2024-11-03T06:00:00.000Z
Sun 2024-11-03 02:00:00 -05:00 EST  2024-11-03T07:00:00.000Z" "" -- \
  next -s '0 * * * *' --tz America/New_York --after '2024-11-03 00:30' -n 3

expect "fall-back hourly with dst-repeat first" 0 \
"Sun 2024-11-03 01:00:00 -04:00 EDT  2024-11-03T05:00:00.000Z
Sun 2024-11-03 02:00:00 -05:00 EST  2024-11-03T07:00:00.000Z" "" -- \
  next -s '0 * * * *' --tz America/New_York --after '2024-11-03 00:30' -n 2 --dst-repeat first

expect "leap day in UTC" 0 \
"Tue 2028-02-29 00:00:00 +00:00 UTC  2028-02-29T00:00:00.000Z" "" -- \
  next -s '0 0 29 2 *' --tz UTC --after 2025-03-01T00:00:00Z -n 1

expect "json output" 0 \
'{
  "schedule": "0 9 * * 1-5",
  "timezone": "Europe/Berlin",
  "dayMatch": "any",
  "dstGap": "run-after",
  "dstRepeat": "auto",
  "after": "2024-03-29T12:00:00.000Z",
  "nextRuns": [
    "2024-04-01T07:00:00.000Z",
    "2024-04-02T07:00:00.000Z"
  ]
}' "" -- \
  next -s '0 9 * * MON-FRI' --tz Europe/Berlin --after 2024-03-29T12:00:00Z -n 2 --json

expect "day-match all needs both day fields" 0 \
"Fri 2024-09-13 00:00:00 +00:00 UTC  2024-09-13T00:00:00.000Z" "" -- \
  next -s '0 0 13 * FRI' --tz UTC --after 2024-01-01T00:00:00Z -n 1 --day-match all

expect "bad schedule: one line, exit 2" 2 "" \
'sched next: invalid schedule "0 25 * * *": hour: 25 is outside 0-23 (column 3)' -- \
  next -s '0 25 * * *' --tz UTC

expect "schedule that never fires under day-match all" 2 "" \
'sched next: schedule "0 0 30 2 1" never fires after 2024-01-01T00:00:00.000Z in UTC (day-match all)' -- \
  next -s '0 0 30 2 1' --tz UTC --after 2024-01-01T00:00:00Z --day-match all

expect "unknown zone" 2 "" \
'sched next: unknown time zone "Mars/Base": not in the tz database (expected an IANA name such as Europe/Berlin or UTC)' -- \
  next -s '@daily' --tz Mars/Base

expect "time inside a DST gap" 2 "" \
'sched next: invalid time "2024-03-10 02:30": it does not exist in America/New_York (the clocks skip it for daylight saving time)' -- \
  next -s '@daily' --tz America/New_York --after '2024-03-10 02:30'

expect "neither NAME nor --schedule" 2 "" \
"sched next: give a job NAME or --schedule EXPR (see 'sched next --help')" -- next

expect "bad --dst-gap value" 2 "" \
"sched next: --dst-gap: later not in {run-after,skip} (see 'sched next --help')" -- \
  next -s '@daily' --dst-gap later

expect "unknown subcommand" 2 "" \
'sched: unknown command "frobnicate" (commands: run, add, remove, pause, resume, state, catchup, next, trigger, validate; see '"'"'sched --help'"'"')' -- frobnicate

expect "version" 0 "sched $("$sched" --version | cut -d' ' -f2)" "" -- --version

"$sched" next --help >"$tmp/help" 2>&1
if [ $? -eq 0 ] && grep -q -- '--dst-repeat' "$tmp/help" && grep -q -- '--after' "$tmp/help"; then
  echo "ok: next --help"
else
  failures=$((failures + 1)); echo "FAIL: next --help"; cat "$tmp/help"
fi

echo "$((15 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
