#!/bin/sh
# End-to-end test of `sched add`, `remove`, `pause`, `resume`, `state`,
# `next NAME` and `validate` through the real binary: exact stdout, stderr
# and exit codes, JSON checked with python3. The real clock runs here, so
# expected times are computed with date(1) and python3's zoneinfo, never by
# asking sched. Usage: jobs_test.sh PATH-TO-SCHED
set -u
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask
sched=$1
failures=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Nothing from the machine's setup may leak in.
unset SCHED_CONFIG SCHED_STATE XDG_CONFIG_HOME XDG_STATE_HOME
HOME=$tmp/home
TZ=UTC
export HOME TZ
mkdir -p "$HOME"
state=$tmp/state.json

pass() { passes=$((passes + 1)); echo "ok: $1"; }
fail() { failures=$((failures + 1)); echo "FAIL: $1"; }

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
    fail "$name (exit $got, wanted $code)"
    diff "$tmp/want_out" "$tmp/out" | sed 's/^/  stdout: /'
    diff "$tmp/want_err" "$tmp/err" | sed 's/^/  stderr: /'
  else
    pass "$name"
  fi
}

# check NAME PYTHON-EXPRESSION: the expression, given `doc` (the JSON of the
# last command's stdout), must be true.
check_json() {
  if python3 -c "import json,sys; doc=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$tmp/out"; then
    pass "$1"
  else
    fail "$1"
    sed 's/^/  json: /' "$tmp/out"
  fi
}

# The next three New Year's midnights in UTC, as `sched next` prints them.
year=$(date -u +%Y)
new_years() {
  for y in $((year + 1)) $((year + 2)) $((year + 3)); do
    printf '%s%s %s-01-01 00:00:00 +00:00 UTC  %s-01-01T00:00:00.000Z\n' "$1" "$(date -u -d "$y-01-01" +%a)" "$y" "$y"
  done
}

# --- add ---------------------------------------------------------------------

expect "add: prints the job and its next runs" 0 \
"added job newyear: 0 0 1 1 * in UTC
next runs:
$(new_years '  ')" "" -- \
  --state "$state" add newyear -s '0 0 1 1 *' -c 'echo happy' --tz UTC --env 'GREETING=a=b "c"'

expect "add --paused" 0 \
"added job later (paused): */5 * * * * in UTC
next runs: none while paused" "" -- \
  --state "$state" add later -s '*/5 * * * *' -c 'true' --tz UTC --paused --max-missed-runs 0 --timeout 30s

cp "$state" "$tmp/before"
expect "add: a taken name exits 5" 5 "" \
"sched add: job newyear already exists (use --replace to redefine it)" -- \
  --state "$state" add newyear -s '@daily' -c 'true' --tz UTC
if cmp -s "$state" "$tmp/before"; then pass "add: a taken name leaves the file as it was"; else fail "add: taken name changed the file"; fi

expect "add: bad schedule exits 2" 2 "" \
'sched add: invalid schedule "0 25 * * *": hour: 25 is outside 0-23 (column 3)' -- \
  --state "$tmp/none.json" add x -s '0 25 * * *' -c 'true'
expect "add: bad zone exits 2" 2 "" \
'sched add: unknown time zone "Mars/Base": not in the tz database (expected an IANA name such as Europe/Berlin or UTC)' -- \
  --state "$tmp/none.json" add x -s '@daily' -c 'true' --tz Mars/Base
expect "add: bad --env exits 2" 2 "" \
'sched add: --env: expected KEY=VALUE with a non-empty KEY, found "=x"' -- \
  --state "$tmp/none.json" add x -s '@daily' -c 'true' --env '=x'
expect "add: bad duration exits 2" 2 "" \
'sched add: --catch-up-window: invalid duration "1x": expected a number with a unit, such as 500ms, 30s, 5m, 2h, 7d or 1h30m' -- \
  --state "$tmp/none.json" add x -s '@daily' -c 'true' --catch-up-window 1x
if [ ! -e "$tmp/none.json" ]; then pass "add: refused jobs create no state file"; else fail "add: refused job created a state file"; fi

# The first spring-forward within a year that skips 02:30 in New York,
# found with python3's zoneinfo.
gap_day=$(python3 -c '
import datetime as dt, zoneinfo
ny = zoneinfo.ZoneInfo("America/New_York"); utc = dt.timezone.utc
today = dt.datetime.now(utc).astimezone(ny).date()
for d in range(1, 366):
    t = dt.datetime.combine(today + dt.timedelta(days=d), dt.time(2, 30), ny)
    if t.astimezone(utc).astimezone(ny).replace(tzinfo=None) != t.replace(tzinfo=None):
        print(today + dt.timedelta(days=d)); break')
"$sched" --state "$tmp/dst.json" add dst -s '30 2 * * *' -c true --tz America/New_York --dst-gap skip >/dev/null 2>"$tmp/err"
printf '%s\n' "sched add: warning: \"30 2 * * *\" meets the DST gap in America/New_York on $gap_day (02:00 to 03:00 does not exist): it does not run then (dst-gap skip)" >"$tmp/want_err"
if [ -n "$gap_day" ] && cmp -s "$tmp/err" "$tmp/want_err"; then
  pass "add: DST gap warning"
else
  fail "add: DST gap warning"; diff "$tmp/want_err" "$tmp/err" | sed 's/^/  stderr: /'
fi
expect "add: day fields warning" 0 \
"added job friday13 (paused): 0 0 13 * 5 in UTC
next runs: none while paused" \
'sched add: warning: "0 0 13 * 5" restricts both day-of-month and day-of-week: it fires when either matches (use --day-match all for both)' -- \
  --state "$tmp/dst.json" add friday13 -s '0 0 13 * 5' -c true --tz UTC --paused
expect "add -q: no warnings" 0 \
"added job friday13b (paused): 0 0 13 * 5 in UTC
next runs: none while paused" "" -- \
  -q --state "$tmp/dst.json" add friday13b -s '0 0 13 * 5' -c true --tz UTC --paused

# --- state -------------------------------------------------------------------

expect "state: table of paused jobs" 0 \
"NAME   SCHEDULE         NEXT    LEFT  LAST  PASSED  RESULT  RUNS  SKIPPED
later  */5 * * * * UTC  paused  -     -     -       -       0     0

1 job listed." "" -- --state "$state" state later

expect "state: no jobs" 0 \
"NAME  SCHEDULE  NEXT  LEFT  LAST  PASSED  RESULT  RUNS  SKIPPED

0 jobs listed." "" -- --state "$tmp/empty.json" state

expect "state --names" 0 "newyear
later" "" -- --state "$state" state --names
expect "state --names of a missing file" 0 "" "" -- --state "$tmp/missing.json" state --names
expect "state: unknown job exits 4" 4 "" "sched state: no job named nope" -- --state "$state" state nope

"$sched" --state "$state" state --json >"$tmp/out" 2>"$tmp/err"
check_json "state --json: document" \
  "doc['schemaVersion'] == 1 and doc['stateFile'] == '$state' and doc['runner'] is None and doc['generatedAt'].endswith('Z') and [j['name'] for j in doc['jobs']] == ['newyear', 'later']"
check_json "state --json: computed members" \
  "doc['jobs'][0]['nextRun'] == '$((year + 1))-01-01T00:00:00.000Z' and doc['jobs'][0]['running'] is False and doc['jobs'][0]['effectiveTimezone'] == 'UTC' and doc['jobs'][1]['nextRun'] is None"
check_json "state --json: the record's members" \
  "doc['jobs'][0]['env'] == {'GREETING': 'a=b \"c\"'} and doc['jobs'][0]['command'] == 'echo happy' and doc['jobs'][0]['source'] == 'cli' and doc['jobs'][0]['workdir'] == '$(pwd)' and doc['jobs'][1]['maxMissedRuns'] == 0 and doc['jobs'][1]['timeoutMs'] == 30000 and doc['jobs'][1]['enabled'] is False"

# --- next NAME -----------------------------------------------------------------

expect "next NAME uses the job's schedule and zone" 0 "$(new_years '')" "" -- --state "$state" next newyear -n 3
expect "next NAME with --tz is a usage error" 2 "" \
"sched next: --tz cannot be used with a job NAME (the job's own zone and options apply) (see 'sched next --help')" -- \
  --state "$state" next newyear --tz UTC
expect "next: unknown job exits 4" 4 "" "sched next: no job named nope" -- --state "$state" next nope

# --- pause, resume, remove -------------------------------------------------------

expect "pause names" 0 "paused job newyear
job later was already paused" "" -- --state "$state" pause newyear later
expect "resume --all" 0 "resumed job newyear
resumed job later" "" -- --state "$state" resume --all
cp "$state" "$tmp/before"
expect "pause: an unknown name exits 4" 4 "" "sched pause: no job named nope" -- --state "$state" pause later nope
expect "resume: neither names nor --all" 2 "" "sched resume: give the names of the jobs or --all (see 'sched resume --help')" -- \
  --state "$state" resume
if cmp -s "$state" "$tmp/before"; then pass "pause/resume: refusals leave the file as it was"; else fail "pause/resume: refusal changed the file"; fi
expect "remove" 0 "removed job later" "" -- --state "$state" remove later
expect "remove: unknown job exits 4" 4 "" "sched remove: no job named later" -- --state "$state" remove later
expect "state --names after remove" 0 "newyear" "" -- --state "$state" state --names

# --- config jobs ----------------------------------------------------------------

printf '[scheduler]\ntimezone = "UTC"\n[jobs.nightly]\nschedule = "@daily"\ncommand = "true"\n' >"$tmp/sched.toml"
expect "remove: a config job exits 5" 5 "" "sched remove: job nightly is defined in $tmp/sched.toml; change it there" -- \
  --state "$state" --config "$tmp/sched.toml" remove nightly
expect "add: over a config job exits 5" 5 "" "sched add: job nightly is defined in $tmp/sched.toml; change it there" -- \
  --state "$state" --config "$tmp/sched.toml" add nightly -s @hourly -c true --replace
expect "state --names includes config jobs" 0 "newyear
nightly" "" -- --state "$state" state --names --config "$tmp/sched.toml"

# --- validate ---------------------------------------------------------------------

expect "validate: good config" 0 "$tmp/sched.toml: 1 job, no problems" "" -- validate --config "$tmp/sched.toml"
printf '[jobs.a]\nschedule = "0 25 * * *"\ncommand = "true"\n' >"$tmp/bad.toml"
expect "validate: bad config" 2 "" \
"$tmp/bad.toml:2:12: jobs.a.schedule: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)" -- \
  --config "$tmp/bad.toml" validate
SCHED_CONFIG=$tmp/sched.toml
export SCHED_CONFIG
expect "validate: SCHED_CONFIG" 0 "$tmp/sched.toml: 1 job, no problems" "" -- validate
unset SCHED_CONFIG
expect "validate: no config" 2 "" "sched validate: no config file: give --config FILE or set SCHED_CONFIG" -- validate

# --- a corrupt state file -----------------------------------------------------------

printf '{"version": "1.0", "jobs": [' >"$tmp/corrupt.json"
cp "$tmp/corrupt.json" "$tmp/corrupt.orig"
for cmd in "state" "pause --all" "remove a"; do
  # shellcheck disable=SC2086
  "$sched" --state "$tmp/corrupt.json" $cmd >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q "^sched ${cmd%% *}: corrupt state file $tmp/corrupt.json: " "$tmp/err" &&
     cmp -s "$tmp/corrupt.json" "$tmp/corrupt.orig" && ! ls "$tmp" | grep -q corrupt-; then
    pass "$cmd: a corrupt state file exits 1 and stays"
  else
    fail "$cmd: corrupt state file (exit $got)"; sed 's/^/  stderr: /' "$tmp/err"
  fi
done

# --- help ---------------------------------------------------------------------------

for cmd in add remove pause resume state validate next; do
  if "$sched" "$cmd" --help >"$tmp/help" 2>&1 && grep -q "^Usage: sched $cmd" "$tmp/help"; then
    pass "$cmd --help"
  else
    fail "$cmd --help"; cat "$tmp/help"
  fi
done

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
