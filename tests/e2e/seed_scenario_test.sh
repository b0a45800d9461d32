#!/bin/bash
# The seed's example (SPEC §4) through the real binary, with the clock moved by
# libfaketime: a daily 08:00 job with max_missed_runs 2 runs on Day 1
# (2024-01-15); the machine is off until Day 4 10:00; then Day 3 and Day 4
# run, in that order, and Day 2 is skipped and counted.
# Usage: seed_scenario_test.sh PATH-TO-SCHED
# Prints `ok: ...` per check; stops at the first failure with what differed.
set -u
sched=$1

export TZ=UTC LC_ALL=C
unset SCHED_STATE SCHED_CONFIG NOTIFY_SOCKET FAKETIME
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask
# libfaketimeMT, the synchronised build: in the plain one, a thread that
# reads the clock while another re-reads the timestamp file may find its
# shared buffer emptied, and gets the real time (a jump of years that never
# happened; libfaketime pull request 547).
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
for f in "$faketime_lib" /usr/lib/faketime/libfaketimeMT.so.1; do
  [ -e "$f" ] && { faketime_lib=$f; break; }
done
[ -e "$faketime_lib" ] || { echo "FAIL: libfaketime is needed (apt-get install faketime)"; exit 1; }
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 is needed"; exit 1; }

dir=$(mktemp -d /tmp/sched-e2e-seed.XXXXXX)
export XDG_STATE_HOME=$dir/xdg-state XDG_CONFIG_HOME=$dir/xdg-config  # never the user's files
st=$dir/state.json
cfg=$dir/sched.toml
ledger=$dir/ledger
runner=""
cleanup() {
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
      kill -0 "$runner" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$runner" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

log=""  # the log of the current `sched run`
fail() {
  echo "FAIL: $*"
  local f
  for f in "$log" "$log.err"; do
    if [ -n "$log" ] && [ -s "$f" ]; then echo "--- $f:"; sed 's/^/  /' "$f"; fi
  done
  [ -s "$ledger" ] && { echo "--- ledger:"; sed 's/^/  /' "$ledger"; }
  exit 1
}
ok() { echo "ok: $*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECONDS WHAT CONDITION: evaluate CONDITION every 0.1 s until it
# holds; fail naming WHAT after SECONDS.
wait_for() {
  local deadline=$(($(now_ms) + $1 * 1000))
  until eval "$3" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after $1 s waiting for $2"
    sleep 0.1
  done
}
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# run_at 'YYYY-MM-DD HH:MM:SS' LOG: `sched run` with its clock starting at that
# UTC instant and flowing.
run_at() {
  log=$2
  LD_PRELOAD=$faketime_lib FAKETIME="@$1" \
    "$sched" --state "$st" --config "$cfg" run >"$log" 2>"$log.err" </dev/null &
  runner=$!
  wait_for 5 "the start line of sched run" "grep -q 'scheduler started (pid $runner, ' '$log'"
}
stop() {
  kill -TERM "$runner"
  wait_for 10 "sched run to exit after SIGTERM" "! kill -0 $runner"
  wait "$runner"
  local rc=$?
  [ $rc -eq 0 ] || fail "sched run exited $rc after SIGTERM, wanted 0"
  [ ! -s "$log.err" ] || fail "sched run wrote on stderr: $(cat "$log.err")"
  runner=""
}
# The log without its timestamps.
events() { sed 's/^[^ ]* //' "$log"; }
expect_event() { events | grep -Fxq -- "$1" || fail "no line '$1' in the log of sched run"; }

cat >"$cfg" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "5s"

[jobs.daily]
schedule = "0 8 * * *"
max_missed_runs = 2
command = 'echo "\$SCHED_SCHEDULED_AT \$SCHED_CATCHUP \$SCHED_SKIPPED" >>"$ledger"'
EOF

# Day 1: the scheduler runs at 08:00 and fires on time.
run_at "2024-01-15 07:59:57" "$dir/day1.log"
wait_for 10 "the Day 1 run" "[ -s '$ledger' ]"
wait_for 5 "the Day 1 run to end" "grep -q 'the schedule run for 2024-01-15T08:00:00.000Z finished' '$log'"
stop
[ "$(cat "$ledger")" = "2024-01-15T08:00:00.000Z 0 0" ] || fail "the ledger after Day 1: '$(cat "$ledger")'"
expect_event "info job daily: added from $cfg"
expect_event "info job daily: started the schedule run for 2024-01-15T08:00:00.000Z"
events | grep -Exq 'info job daily: the schedule run for 2024-01-15T08:00:00\.000Z finished in [0-9]+ ms \(exit code 0\)' ||
  fail "no 'finished in N ms (exit code 0)' line for Day 1"
grep -q '^2024-01-15T0[78]:' "$log" || fail "the log's timestamps are not the faked Day 1 clock"
ok "Day 1: started at 07:59:57 (faked), fired at 08:00, exit 0 after SIGTERM"

# The machine is off on Days 2 and 3. What would a start on Day 4 10:00 do?
"$sched" --state "$st" --config "$cfg" catchup --dry-run --at 2024-01-18T10:00:00Z --json >"$dir/plan.json" 2>"$dir/plan.err" ||
  fail "catchup --dry-run --json failed: $(cat "$dir/plan.err")"
"$py" - "$dir/plan.json" <<'EOF' || fail "catchup --dry-run --json:
$(cat "$dir/plan.json")"
import json, sys
d = json.load(open(sys.argv[1]))
def check(what, got, want):
    if got != want:
        print(f"  {what}: got {got!r}, wanted {want!r}")
        sys.exit(1)
check("schemaVersion", d["schemaVersion"], 1)
check("at", d["at"], "2024-01-18T10:00:00.000Z")
check("job names", [j["name"] for j in d["jobs"]], ["daily"])
j = d["jobs"][0]
check("watermark", j["watermark"], "2024-01-15T08:00:00.000Z")
check("missed", j["missed"], 3)
check("runs", j["runs"], ["2024-01-17T08:00:00.000Z", "2024-01-18T08:00:00.000Z"])
s = j["skipped"]
check("skipped.count", s["count"], 1)
check("skipped.limit", s["limit"], 1)
check("skipped.window/catchUpOff/paused", (s["window"], s["catchUpOff"], s["paused"]), (0, 0, 0))
check("skipped.first/last", (s["first"], s["last"]), ("2024-01-16T08:00:00.000Z", "2024-01-16T08:00:00.000Z"))
check("fires", j["fires"], [
    {"at": "2024-01-16T08:00:00.000Z", "action": "skip", "reason": "limit"},
    {"at": "2024-01-17T08:00:00.000Z", "action": "run", "reason": None},
    {"at": "2024-01-18T08:00:00.000Z", "action": "run", "reason": None},
])
EOF
ok "catchup --dry-run --json: runs Day 3 and Day 4, Day 2 skipped (limit, count 1)"

"$sched" --state "$st" --config "$cfg" catchup --dry-run --at 2024-01-18T10:00:00Z >"$dir/plan.txt" 2>"$dir/plan.err" ||
  fail "catchup --dry-run failed: $(cat "$dir/plan.err")"
cat >"$dir/plan.want" <<EOF
catch-up at a start at 2024-01-18T10:00:00.000Z (state $st)

daily: 0 8 * * * in UTC
  3 missed since 2024-01-15T08:00:00.000Z
  skip  Tue 2024-01-16 08:00:00 +00:00 UTC  2024-01-16T08:00:00.000Z  (over max_missed_runs 2)
  run   Wed 2024-01-17 08:00:00 +00:00 UTC  2024-01-17T08:00:00.000Z  (catch-up)
  run   Thu 2024-01-18 08:00:00 +00:00 UTC  2024-01-18T08:00:00.000Z  (catch-up)

2 catch-up runs, 1 skipped fire.
EOF
diff "$dir/plan.want" "$dir/plan.txt" >"$dir/plan.diff" || fail "catchup --dry-run text (- wanted, + got):
$(sed 's/^/  /' "$dir/plan.diff")"
[ ! -s "$dir/plan.err" ] || fail "catchup --dry-run wrote on stderr: $(cat "$dir/plan.err")"
ok "catchup --dry-run text output, exactly"
[ "$(lines "$ledger")" -eq 1 ] || fail "the dry run ran something"

# Day 4, 10:00: the scheduler starts again and catches up.
run_at "2024-01-18 10:00:00" "$dir/day4.log"
wait_for 10 "the two catch-up runs" "[ \$(lines '$ledger') -ge 3 ]"
wait_for 5 "the second catch-up run to end" "grep -q 'the catch-up run for 2024-01-18T08:00:00.000Z finished' '$log'"
stop
want="2024-01-15T08:00:00.000Z 0 0
2024-01-17T08:00:00.000Z 1 1
2024-01-18T08:00:00.000Z 1 1"
[ "$(cat "$ledger")" = "$want" ] || fail "the ledger:
$(cat "$ledger")
wanted:
$want"
ok "the ledger: Day 1 (on time), Day 3 and Day 4 (catch-up, 1 skipped), in that order; no Day 2"

expect_event "warning job daily: skipped 1 missed run from 2024-01-16T08:00:00.000Z to 2024-01-16T08:00:00.000Z (over max_missed_runs 2)"
expect_event "info job daily: catching up 2 missed runs: 2024-01-17T08:00:00.000Z, 2024-01-18T08:00:00.000Z"
expect_event "info job daily: started the catch-up run for 2024-01-17T08:00:00.000Z"
expect_event "info job daily: started the catch-up run for 2024-01-18T08:00:00.000Z"
order=$(events | grep -E '^info job daily: (started|the catch-up run for .* finished)' | sed -E 's/ in [0-9]+ ms / in N ms /')
[ "$order" = "info job daily: started the catch-up run for 2024-01-17T08:00:00.000Z
info job daily: the catch-up run for 2024-01-17T08:00:00.000Z finished in N ms (exit code 0)
info job daily: started the catch-up run for 2024-01-18T08:00:00.000Z
info job daily: the catch-up run for 2024-01-18T08:00:00.000Z finished in N ms (exit code 0)" ] ||
  fail "the runs of Day 4, one after another:
$order"
ok "the log: the skip line and the catch-up line, exactly; Day 3 ends before Day 4 starts"

"$sched" --state "$st" --config "$cfg" state --json >"$dir/state.out" 2>"$dir/state.err" ||
  fail "state --json failed: $(cat "$dir/state.err")"
"$py" - "$dir/state.out" <<'EOF' || fail "state --json:
$(cat "$dir/state.out")"
import json, sys
d = json.load(open(sys.argv[1]))
def check(what, got, want):
    if got != want:
        print(f"  {what}: got {got!r}, wanted {want!r}")
        sys.exit(1)
check("schemaVersion", d["schemaVersion"], 1)
check("runner", d["runner"], None)
check("job names", [j["name"] for j in d["jobs"]], ["daily"])
j = d["jobs"][0]
check("skippedCount", j["skippedCount"], 1)
check("currentRunCount", j["currentRunCount"], 3)
check("lastRun", j["lastRun"], "2024-01-18T08:00:00.000Z")
check("lastStatus", j["lastStatus"], "ok")
check("lastExitCode", j["lastExitCode"], 0)
check("lastTrigger", j["lastTrigger"], "catch-up")
check("enabled", j["enabled"], True)
check("maxMissedRuns", j["maxMissedRuns"], 2)
check("source", j["source"], "config")
EOF
ok "state --json: skippedCount 1, currentRunCount 3, lastRun Day 4 08:00, lastStatus ok"

"$sched" --state "$st" --config "$cfg" state >"$dir/table" 2>"$dir/state.err" || fail "state failed: $(cat "$dir/state.err")"
"$py" - "$dir/table" <<'EOF' || fail "the state table:
$(cat "$dir/table")"
import re, sys
rows = open(sys.argv[1]).read().split("\n")
header = re.split(r"  +", rows[0].strip())
want = ["NAME", "SCHEDULE", "NEXT", "LEFT", "LAST", "PASSED", "RESULT", "RUNS", "SKIPPED"]
if header != want:
    print(f"  header {header}, wanted {want}")
    sys.exit(1)
daily = [r for r in rows if r.startswith("daily ")]
if len(daily) != 1:
    print("  no row for daily")
    sys.exit(1)
cells = re.split(r"  +", daily[0].strip())
if cells[0] != "daily" or cells[1] != "0 8 * * * UTC" or cells[-3:] != ["ok", "3", "1"]:
    print(f"  row {cells}: wanted daily, '0 8 * * * UTC', ..., ok, 3 runs, 1 skipped")
    sys.exit(1)
if rows[-2:] != ["1 job listed.", ""]:
    print(f"  the last line: {rows[-2:]}")
    sys.exit(1)
EOF
ok "the state table: RESULT ok, RUNS 3, SKIPPED 1"

# Nothing is owed any more: a start at Day 4 10:00 catches up nothing.
"$sched" --state "$st" --config "$cfg" catchup --dry-run --at 2024-01-18T10:00:00Z --json >"$dir/plan2.json" 2>"$dir/plan.err" ||
  fail "catchup --dry-run --json failed: $(cat "$dir/plan.err")"
"$py" -c '
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
sys.exit(0 if j["runs"] == [] and j["skipped"]["count"] == 0 else 1)' "$dir/plan2.json" ||
  fail "after the catch-up, a start at Day 4 10:00 would still do something:
$(cat "$dir/plan2.json")"
ok "after the catch-up, nothing is owed"
