#!/bin/bash
# Time faults through the real binary (SPEC §4): the wall clock jumping
# forward, the wall clock set back, and the runner stopped with SIGSTOP.
#
# The faked clock is libfaketime with a timestamp file that holds an offset
# from the real clock, rewritten while `sched run` runs (FAKETIME_NO_CACHE=1:
# read at every clock call). CLOCK_MONOTONIC stays real
# (FAKETIME_DONT_FAKE_MONOTONIC=1), so the runner sees the wall clock move
# against elapsed time, as it does when the clock is set. A faked jump does
# not fire the runner's TFD_TIMER_CANCEL_ON_SET timerfd (only a real clock
# set does), so the runner sees it when its loop next wakes: the cases that
# need it to see a jump at once keep an every-second job, whose deadline
# wakes the loop every second.
#
# Cases (default: all, in this order):
#   a  jump forward 5 h 30 s, landing 30 s after an hourly fire: the newest 2
#      of the 5 missed fires run as catch-up, 3 are skipped
#   a2 jump forward 5 h 5 min (the newest missed fire is 5 min old): the same
#   b  clock set back 10 s, then 2 h 30 s: the warning, no fire at or before
#      the watermark runs again, runs go on after it
#   c  SIGSTOP for 5 s of a runner with an every-second job, max 2: at most 2
#      runs for the fires up to the wake, all catch-up, the rest skipped
#   d  SIGSTOP across the fire of an every-minute job with catch-up off: the
#      fire is skipped and counted, not run late
# The jumps are not whole hours: the runner measures them against elapsed
# time to the millisecond, so an exact 2 h could read 7199.999 s.
# Usage: time_faults_test.sh PATH-TO-SCHED [CASE...]
# Prints `ok: ...` per check; a case stops at its first failure with what
# differed and the runner's log; every case runs, and the exit status is 1
# if any failed.
set -u
sched=$1
shift
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(a a2 b c d)

export TZ=UTC LC_ALL=C
unset SCHED_STATE SCHED_CONFIG NOTIFY_SOCKET FAKETIME FAKETIME_TIMESTAMP_FILE
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
root=$(mktemp -d /tmp/sched-e2e-time.XXXXXX)
export XDG_STATE_HOME=$root/xdg-state XDG_CONFIG_HOME=$root/xdg-config  # never the user's files
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT TERM HUP

# Each case runs in a subshell of its own: these are its globals.
current=""  # the case being run
dir=""      # its folder: state.json, sched.toml, log, err, ledgers, faketime
runner=""   # the pid of its `sched run`

begin() {
  current="($1) $2"
  dir=$root/$1
  mkdir -p "$dir"
  runner=""
  # A runner still alive when the case ends (it failed) is stopped, then killed.
  trap 'end_runner' EXIT
}

end_runner() {
  [ -n "$runner" ] || return 0
  kill -CONT "$runner" 2>/dev/null
  kill -TERM "$runner" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    kill -0 "$runner" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$runner" 2>/dev/null
}

fail() {
  echo "FAIL: $current: $*"
  local f
  for f in "$dir/log" "$dir/err"; do
    [ -s "$f" ] && { echo "--- last lines of $f:"; tail -n 25 "$f" | sed 's/^/  /'; }
  done
  for f in "$dir"/ledger*; do
    [ -s "$f" ] && { echo "--- $f:"; tail -n 25 "$f" | sed 's/^/  /'; }
  done
  exit 1
}

ok() { echo "ok: $current: $*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECONDS WHAT CONDITION: evaluate CONDITION (shell code) every 0.05 s
# until it holds; fail naming WHAT after SECONDS (decimals allowed).
wait_for() {
  local limit=$1 what=$2 cond=$3 deadline
  deadline=$(($(now_ms) + $(awk -v s="$limit" 'BEGIN { printf "%d", s * 1000 }')))
  until eval "$cond" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.05
  done
}

# The runner's log without the leading timestamps.
events() { sed 's/^[^ ]* //' "$dir/log"; }
has_event() { events | grep -Fxq -- "$1"; }     # has_event EXACT-LINE
has_event_re() { events | grep -Exq -- "$1"; }  # has_event_re EXTENDED-REGEX
expect_event() { has_event "$1" || fail "no log line: $1"; }
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# The faked clock: $dir/faketime holds the offset in seconds from the real
# clock. The file is replaced by a rename, so a reader never sees it half written.
offset=0
set_offset() {
  offset=$1
  printf '%+d\n' "$offset" >"$dir/faketime.new" && mv -f "$dir/faketime.new" "$dir/faketime"
}
# fake_start 'YYYY-MM-DD HH:MM:SS': the faked clock reads that UTC time (plus
# the real clock's fraction of a second) from now on, and flows.
fake_start() { set_offset $(($(date -u -d "$1Z" +%s) - $(date +%s))); }
# fake_shift SECONDS: the faked wall clock jumps by SECONDS (negative: back).
fake_shift() { set_offset $((offset + $1)); }

# start_runner [--faked] SCHED-ARGS...: `sched SCHED-ARGS...` in the background
# (stdout to log, stderr to err), under the faked clock with --faked; waits
# for its start line.
start_runner() {
  local faked=()
  if [ "$1" = --faked ]; then
    shift
    faked=(env "LD_PRELOAD=$faketime_lib" "FAKETIME_TIMESTAMP_FILE=$dir/faketime" FAKETIME_NO_CACHE=1
      FAKETIME_DONT_FAKE_MONOTONIC=1)
  fi
  "${faked[@]}" "$sched" "$@" >"$dir/log" 2>"$dir/err" </dev/null &
  runner=$!
  wait_for 5 "the runner's start line" "grep -q 'scheduler started (pid $runner, ' '$dir/log'"
}

# stop_runner: SIGTERM, wait at most 5 s, check that it exits 0 and said nothing on stderr.
stop_runner() {
  kill -TERM "$runner" || fail "the runner (pid $runner) is gone before SIGTERM"
  wait_for 5 "the runner to exit after SIGTERM" "! kill -0 $runner"
  wait "$runner"
  local rc=$?
  runner=""
  [ $rc -eq 0 ] || fail "the runner exited $rc after SIGTERM, wanted 0"
  [ ! -s "$dir/err" ] || fail "the runner wrote on stderr: $(cat "$dir/err")"
}

# fields JOB KEY...: members of JOB in `sched state --json`, as JSON text, space-separated.
fields() {
  "$sched" --state "$dir/state.json" state --json 2>/dev/null | "$py" -c '
import json, sys
d = json.load(sys.stdin)
j = next(j for j in d["jobs"] if j["name"] == sys.argv[1])
print(" ".join(json.dumps(j[k]) for k in sys.argv[2:]))' "$@"
}
expect_fields() {  # expect_fields JOB "KEY..." "JSON-VALUES"
  local got
  # shellcheck disable=SC2086  # the keys are words
  got=$(fields "$1" $2)
  [ "$got" = "$3" ] || fail "state --json: job $1: $2 are '$got', wanted '$3'"
}

# expect_ledger FILE WANT: the ledger is exactly WANT.
expect_ledger() {
  [ "$(cat "$1" 2>/dev/null)" = "$2" ] || fail "the ledger $(basename "$1"):
$(sed 's/^/  /' "$1" 2>/dev/null)
wanted:
$(sed 's/^/  /' <<<"$2")"
}

# A config with an hourly job (max_missed_runs 2) and, with `ticker`, an
# every-second job with catch-up off whose deadline wakes the loop each second.
# Each job appends `SCHEDULED-AT TRIGGER CATCHUP SKIPPED` to its ledger.
write_config() {  # write_config [ticker]
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "5s"

[jobs.hourly]
schedule = "0 * * * *"
max_missed_runs = 2
command = 'echo "\$SCHED_SCHEDULED_AT \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED" >>"$dir/ledger.hourly"'
EOF
  [ "${1:-}" = ticker ] && cat >>"$dir/sched.toml" <<EOF

[jobs.ticker]
schedule = "* * * * * *"
catch_up = false
command = 'echo "\$SCHED_SCHEDULED_AT \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED" >>"$dir/ledger.ticker"'
EOF
}

# ---------------------------------------------------------------------------
# jump_forward SECONDS: the common part of cases a and a2. The hourly job runs
# at 11:00 on time; then the clock jumps SECONDS forward, past 12:00-16:00.
# The loop wakes within a second: a run ends, or the ticker's deadline comes.
jump_forward() {
  local shift=$1 t0 ms
  write_config ticker
  fake_start "2024-01-15 10:59:57"
  start_runner --faked --state "$dir/state.json" --config "$dir/sched.toml" run
  wait_for 8 "the 11:00 run to end" \
    "has_event_re 'info job hourly: the schedule run for 2024-01-15T11:00:00\\.000Z finished in [0-9]+ ms \\(exit code 0\\)'"
  ok "the 11:00 run, on time under the faked clock"

  fake_shift "$shift"
  t0=$(now_ms)
  wait_for 3 "the runner to notice the jump" \
    "has_event 'info the wall clock jumped forward by 5 h (suspend or clock change); missed runs follow the catch-up rules'"
  ms=$(($(now_ms) - t0))
  ok "the runner logs the 5 h jump ${ms} ms (real) after it (its loop wakes every second for the ticker)"

  wait_for 5 "a run for 16:00 to end" \
    "has_event_re 'info job hourly: the [a-z-]+ run for 2024-01-15T16:00:00\\.000Z finished in [0-9]+ ms \\(exit code 0\\)'"
  stop_runner
  expect_ledger "$dir/ledger.hourly" "2024-01-15T11:00:00.000Z schedule 0 0
2024-01-15T15:00:00.000Z catch-up 1 3
2024-01-15T16:00:00.000Z catch-up 1 3"
  expect_event "warning job hourly: skipped 3 missed runs from 2024-01-15T12:00:00.000Z to 2024-01-15T14:00:00.000Z (over max_missed_runs 2)"
  expect_event "info job hourly: catching up 2 missed runs: 2024-01-15T15:00:00.000Z, 2024-01-15T16:00:00.000Z"
  expect_fields hourly "skippedCount currentRunCount lastRun lastTrigger lastStatus" \
    '3 3 "2024-01-15T16:00:00.000Z" "catch-up" "ok"'
  ok "15:00 and 16:00 ran as catch-up (SCHED_CATCHUP=1, SCHED_SKIPPED=3), 12:00-14:00 skipped: skippedCount 3"
}

case_a() {
  begin a "the wall clock jumps forward 5 h 30 s, to 30 s after an hourly fire"
  # 11:00:00 -> 16:00:30. 16:00 is one of the missed fires (watermark, now]
  # like the others, however recent.
  jump_forward $((5 * 3600 + 30))
}

case_a2() {
  begin a2 "the wall clock jumps forward 5 h 5 min, to 5 min after an hourly fire"
  jump_forward $((5 * 3600 + 5 * 60))
}

# ---------------------------------------------------------------------------
# ticker_consecutive: the ticker's ledger is one run per second, oldest first,
# none twice and none left out, every one an ordinary run.
ticker_consecutive() {
  "$py" - "$dir/ledger.ticker" <<'EOF' || fail "the ticker's ledger is not one ordinary run per second, none twice"
import sys
from datetime import datetime, timedelta
rows = [line.split() for line in open(sys.argv[1])]
at = [datetime.strptime(r[0], "%Y-%m-%dT%H:%M:%S.%fZ") for r in rows]
for prev, cur in zip(at, at[1:]):
    if cur - prev != timedelta(seconds=1):
        print(f"  {cur} follows {prev}")
        sys.exit(1)
bad = [r for r in rows if r[1:] != ["schedule", "0", "0"]]
if bad:
    print(f"  not ordinary runs: {bad}")
    sys.exit(1)
EOF
}

case_b() {
  begin b "the wall clock set back: no fire at or before the watermark runs again"
  local last n got
  write_config ticker
  fake_start "2024-01-15 11:59:55"
  start_runner --faked --state "$dir/state.json" --config "$dir/sched.toml" run
  wait_for 12 "the ticker's run for 12:00:02" "grep -q '^2024-01-15T12:00:02\\.000Z ' '$dir/ledger.ticker'"
  wait_for 2 "the 12:00 run to end" \
    "has_event_re 'info job hourly: the schedule run for 2024-01-15T12:00:00\\.000Z finished in [0-9]+ ms \\(exit code 0\\)'"
  ok "runs from 11:59:56 on, 12:00 on time"

  # 10 s back: the faked clock passes again over fires that ran (the ticker's
  # and 12:00), and reaches the watermark about 10 s later.
  fake_shift -10
  wait_for 3 "the set-back warning" \
    "has_event_re 'warning the wall clock was set back by [0-9]+ ms; fire times already dealt with will not run again'"
  got=$(events | sed -nE 's/^warning the wall clock was set back by ([0-9]+) ms; .*/\1/p' | head -n 1)
  [ "$got" -ge 9990 ] && [ "$got" -le 10010 ] || fail "the warning says the clock was set back by $got ms, wanted 10000 ms"
  last=$(tail -n 1 "$dir/ledger.ticker" | cut -d' ' -f1)
  ok "warning: set back by $got ms; the ticker's last run before it: $last"
  # The ticker runs again once the faked clock is past its watermark.
  n=$(lines "$dir/ledger.ticker")
  wait_for 15 "the ticker to run again, for the second after $last" "[ \$(lines '$dir/ledger.ticker') -ge $((n + 2)) ]"
  ticker_consecutive
  expect_ledger "$dir/ledger.hourly" "2024-01-15T12:00:00.000Z schedule 0 0"
  ok "the ticker goes on from the second after $last: no fire twice, none lost; 12:00 ran once"

  # 2 h 30 s back: the warning; the faked clock is 2 h before every watermark.
  n=$(lines "$dir/ledger.ticker")
  fake_shift $((-2 * 3600 - 30))
  wait_for 5 "the 2 h set-back warning" \
    "has_event 'warning the wall clock was set back by 2 h; fire times already dealt with will not run again'"
  sleep 3  # nothing may run now
  [ "$(lines "$dir/ledger.ticker")" -eq "$n" ] || fail "the ticker ran after the clock was set back 2 h 30 s:
$(tail -n +$((n + 1)) "$dir/ledger.ticker")"
  last=$(tail -n 1 "$dir/ledger.ticker" | cut -d' ' -f1)
  stop_runner
  expect_ledger "$dir/ledger.hourly" "2024-01-15T12:00:00.000Z schedule 0 0"
  "$sched" --state "$dir/state.json" state --json >"$dir/state.out" 2>"$dir/state.err" ||
    fail "state --json failed: $(cat "$dir/state.err")"
  "$py" - "$dir/state.out" "$last" <<'EOF' || fail "state --json after the set-backs"
import json, sys
jobs = {j["name"]: j for j in json.load(open(sys.argv[1]))["jobs"]}
want = {
    "hourly": {"currentRunCount": 1, "skippedCount": 0, "lastRun": "2024-01-15T12:00:00.000Z"},
    "ticker": {"skippedCount": 0, "lastRun": sys.argv[2]},
}
bad = False
for name, members in want.items():
    for key, value in members.items():
        if jobs[name][key] != value:
            print(f"  {name}.{key} is {jobs[name][key]!r}, wanted {value!r}")
            bad = True
    # RFC 3339 UTC with milliseconds: text order is time order.
    if jobs[name]["watermark"] < jobs[name]["lastRun"]:
        print(f"  {name}.watermark {jobs[name]['watermark']} moved back below lastRun {jobs[name]['lastRun']}")
        bad = True
sys.exit(1 if bad else 0)
EOF
  ok "warning: set back by 2 h (2 h 30 s); no run for 3 s; watermarks not moved back, nothing skipped or repeated"
}

# ---------------------------------------------------------------------------
case_c() {
  begin c "SIGSTOP for 5 s of a runner with an every-second job, max_missed_runs 2"
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "5s"

[jobs.tick]
schedule = "* * * * * *"
max_missed_runs = 2
command = 'echo "\$SCHED_SCHEDULED_AT \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED" >>"$dir/ledger.tick"'
EOF
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  wait_for 4 "two runs" "[ \$(lines '$dir/ledger.tick') -ge 2 ]"
  kill -STOP "$runner"
  sleep 5  # the fault itself: the runner is stopped for 5 s
  kill -CONT "$runner"
  wait_for 5 "the catch-up line" "has_event_re 'info job tick: catching up .*'"
  wait_for 5 "two ordinary runs after the catch-up" \
    "[ \$(sed -n '/ catch-up /,\$p' '$dir/ledger.tick' | grep -c ' schedule 0 0\$') -ge 2 ]"
  stop_runner
  "$sched" --state "$dir/state.json" state --json >"$dir/state.out" 2>"$dir/state.err" ||
    fail "state --json failed: $(cat "$dir/state.err")"
  # A: the last run before the stop; B: the first after it. SPEC §4: of the
  # fires in (A, wake], the newest max_missed_runs run as catch-up, oldest
  # first, and the older ones are skipped and counted; none runs otherwise.
  "$py" - "$dir/ledger.tick" "$dir/log" "$dir/state.out" <<'EOF' || fail "the runs around the stop"
import json, sys
from datetime import datetime, timedelta
S = timedelta(seconds=1)
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
def f(d): return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"
rows = [line.split() for line in open(sys.argv[1])]
log = [line.rstrip("\n").split(" ", 1) for line in open(sys.argv[2])]
state = json.load(open(sys.argv[3]))["jobs"][0]
problems = []
at = [t(r[0]) for r in rows]
gaps = [i for i in range(1, len(at)) if at[i] - at[i - 1] != S]
if len(gaps) != 1 or at[gaps[0]] <= at[gaps[0] - 1]:
    print(f"  wanted one run per second with one gap (the stop), got {len(gaps)} breaks")
    sys.exit(1)
A, B = at[gaps[0] - 1], at[gaps[0]]
skipped = round((B - A) / S) - 1
plan = [ts for ts, msg in log if msg.startswith("info job tick: catching up ")]
wake = t(plan[0])
print(f"  last run before the stop {f(A)}, wake {f(wake)}, {skipped} fires skipped")
if wake - A < 4 * S:
    problems.append(f"the wake {f(wake)} is less than 4 s after the last run {f(A)}: the stop did not hold")
catch_up = [r for r in rows if r[1] == "catch-up"]
want = [[f(B), "catch-up", "1", str(skipped)], [f(B + S), "catch-up", "1", str(skipped)]]
if catch_up != want:
    problems.append(f"catch-up runs {catch_up}, wanted {want}")
others = [r for r in rows if r[1] != "catch-up" and r[1:] != ["schedule", "0", "0"]]
if others:
    problems.append(f"runs that are neither catch-up nor ordinary: {others}")
upto_wake = [" ".join(r[:2]) for r in rows if A < t(r[0]) <= wake]
if len(upto_wake) > 2 or any("catch-up" not in r for r in upto_wake):
    problems.append(f"the fires in ({f(A)}, wake {f(wake)}] ran {len(upto_wake)} times: {upto_wake}; "
                    "SPEC §4 allows max_missed_runs (2), all catch-up")
line = (f"job tick: skipped {skipped} missed runs from {f(A + S)} to {f(B - S)} (over max_missed_runs 2)")
if ["warning " + line] != [msg for _, msg in log if msg.startswith("warning job tick: skipped ")]:
    problems.append(f"no log line (or more than one skip line): warning {line}")
if [msg for _, msg in log if msg.startswith("info job tick: catching up ")] != [
        f"info job tick: catching up 2 missed runs: {f(B)}, {f(B + S)}"]:
    problems.append(f"the catching-up line: {[m for _, m in log if 'catching up' in m]}")
if state["skippedCount"] != skipped:
    problems.append(f"skippedCount is {state['skippedCount']}, wanted {skipped}")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF
  ok "2 catch-up runs for the fires up to the wake, the older ones skipped and counted, then one run per second"
}

# ---------------------------------------------------------------------------
case_d() {
  begin d "SIGSTOP across the fire of an every-minute job with catch-up off"
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "5s"

[jobs.minutely]
schedule = "* * * * *"
catch_up = false
command = 'echo "\$SCHED_SCHEDULED_AT \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED" >>"$dir/ledger.minutely"'
EOF
  fake_start "2024-01-15 10:59:57"
  start_runner --faked --state "$dir/state.json" --config "$dir/sched.toml" run
  kill -STOP "$runner"
  sleep 6  # the fault itself: stopped from about 10:59:57 to 11:00:03
  kill -CONT "$runner"
  wait_for 3 "the 11:00 fire to be dealt with" "has_event_re '.*job minutely: (started|skipped) .*'"
  sleep 1  # a run, if one started, writes its line
  stop_runner
  [ ! -s "$dir/ledger.minutely" ] || fail "the 11:00 fire, missed while the runner was stopped, ran:
$(cat "$dir/ledger.minutely")"
  expect_event "warning job minutely: skipped 1 missed run from 2024-01-15T11:00:00.000Z to 2024-01-15T11:00:00.000Z (catch-up is off)"
  expect_fields minutely "skippedCount currentRunCount" "1 0"
  ok "11:00 skipped and counted (catch-up is off), not run 3 s late"
}

start_ms=$(now_ms)
failed=()
for c in "${cases[@]}"; do
  case $c in
    a | a2 | b | c | d) ("case_$c") || failed+=("$c") ;;
    *) echo "FAIL: unknown case $c"; exit 1 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED cases: ${failed[*]} (of ${cases[*]}) in $((($(now_ms) - start_ms) / 1000)) s"
  exit 1
fi
echo "all time-fault cases passed in $((($(now_ms) - start_ms) / 1000)) s"
