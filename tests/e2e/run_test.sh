#!/bin/bash
# End-to-end test of `sched run` through the real binary and the real clock:
# jobs changed while it runs, signals and shutdown_grace, the runner lock,
# protect, timeouts, failures, config errors and SIGHUP, JSON logs, the
# systemd notify socket and the descriptors a job gets.
# Usage: run_test.sh PATH-TO-SCHED [CASE...]   (cases a-k, g last: the quick one;
# default: all). Prints `ok: ...` per check; stops at the first failure with
# what differed and the end of the runner's log.
set -u
sched=$1
shift
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(a b c d e f h i j k g)

export TZ=UTC LC_ALL=C
unset SCHED_STATE SCHED_CONFIG NOTIFY_SOCKET
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 is needed"; exit 1; }
root=$(mktemp -d /tmp/sched-e2e-run.XXXXXX)
export XDG_STATE_HOME=$root/xdg-state XDG_CONFIG_HOME=$root/xdg-config  # never the user's files

# Every process this script starts in the background, so that none outlives it.
pids=()
cleanup() {
  local p f alive
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  # Job processes that wrote their pid down (pid.*): kill what is left of them.
  for f in "$root"/*/pid.*; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    case $p in '' | *[!0-9]*) continue ;; esac
    kill -KILL "$p" 2>/dev/null
  done
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

current=""  # the case being run
dir=""      # its folder: state.json, sched.toml, log, err, ledger
runner=""   # the pid of its `sched run`

begin() {
  current="($1) $2"
  dir=$root/$1
  mkdir -p "$dir"
  runner=""
}

fail() {
  echo "FAIL: $current: $*"
  local f
  for f in "$dir/log" "$dir/err"; do
    [ -s "$f" ] && { echo "--- last lines of $f:"; tail -n 30 "$f" | sed 's/^/  /'; }
  done
  exit 1
}

ok() { echo "ok: $current: $*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for SECONDS WHAT CONDITION: evaluate CONDITION (shell code) every 0.1 s
# until it holds; fail naming WHAT after SECONDS (decimals allowed).
wait_for() {
  local limit=$1 what=$2 cond=$3 deadline
  deadline=$(($(now_ms) + $(awk -v s="$limit" 'BEGIN { printf "%d", s * 1000 }')))
  until eval "$cond" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.1
  done
}

# The runner's log without the leading timestamps.
events() { sed 's/^[^ ]* //' "$dir/log"; }
has_event() { events | grep -Fxq -- "$1"; }           # has_event EXACT-LINE
has_event_re() { events | grep -Exq -- "$1"; }        # has_event_re EXTENDED-REGEX
count_events_re() { events | grep -Exc -- "$1"; }    # how many lines match
expect_event() { has_event "$1" || fail "no log line: $1"; }
expect_event_re() { has_event_re "$1" || fail "no log line matching: $1"; }

lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# start_runner SCHED-ARGS...: `sched SCHED-ARGS...` in the background (its
# stdout to log, stderr to err); waits for its start line.
start_runner() {
  "$sched" "$@" >"$dir/log" 2>"$dir/err" </dev/null &
  runner=$!
  pids+=("$runner")
  wait_for 5 "the runner's start line" "grep -q 'scheduler started (pid $runner, ' '$dir/log'"
}

# stop_runner SIGNAL SECONDS: send SIGNAL, wait at most SECONDS for the runner
# to exit, check that it exits 0.
stop_runner() {
  kill -s "$1" "$runner" || fail "the runner (pid $runner) is gone before $1"
  wait_for "$2" "the runner to exit after $1" "! kill -0 $runner"
  wait "$runner"
  local rc=$?
  [ $rc -eq 0 ] || fail "the runner exited $rc after $1, wanted 0"
}

# field JOB KEY: the member KEY of JOB in `sched state --json`, as JSON text.
# doc KEY: a member of the document itself.
field() {
  "$sched" --state "$dir/state.json" state --json 2>/dev/null | "$py" -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps(next(j for j in d["jobs"] if j["name"] == sys.argv[1])[sys.argv[2]]))' "$1" "$2"
}
# fields JOB KEY...: several members from one snapshot, space-separated.
fields() {
  "$sched" --state "$dir/state.json" state --json 2>/dev/null | "$py" -c '
import json, sys
d = json.load(sys.stdin)
j = next(j for j in d["jobs"] if j["name"] == sys.argv[1])
print(" ".join(json.dumps(j[k]) for k in sys.argv[2:]))' "$@"
}
doc() {
  "$sched" --state "$dir/state.json" state --json 2>/dev/null | "$py" -c '
import json, sys
print(json.dumps(json.load(sys.stdin)[sys.argv[1]]))' "$1"
}
expect_field() {  # expect_field JOB KEY JSON-VALUE
  local got
  got=$(field "$1" "$2")
  [ "$got" = "$3" ] || fail "state --json: job $1: $2 is ${got:-(missing)}, wanted $3"
}

# Whether a process is gone: no such pid, or only a zombie left.
gone() {
  ! kill -0 "$1" 2>/dev/null && return 0
  [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = Z ]
}

second='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.000Z'

# ---------------------------------------------------------------------------
case_a() {
  begin a "add, pause, resume, remove and trigger reach a running scheduler"
  local st=$dir/state.json out n started first
  start_runner --state "$st" run

  "$sched" --state "$st" add tick --schedule '* * * * * *' \
    --command "echo \"\$SCHED_JOB \$SCHED_RUN_ID \$SCHED_SCHEDULED_AT \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED \$SCHED_RUN_COUNT\" >>'$dir/ledger'" \
    >"$dir/out" 2>"$dir/cmd_err" || fail "sched add tick failed: $(cat "$dir/cmd_err")"
  wait_for 3 "a run of the added job" "[ -s '$dir/ledger' ]"
  first=$(head -n 1 "$dir/ledger")
  [[ $first =~ ^tick\ tick@($second)\ ($second)\ schedule\ 0\ 0\ 1$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ||
    fail "the first run's SCHED_* environment: got '$first', wanted 'tick tick@T T schedule 0 0 1'"
  expect_event_re "info job tick: started the schedule run for $second"
  ok "an added job fires within 3 s, with SCHED_JOB/RUN_ID/SCHEDULED_AT/TRIGGER/CATCHUP/SKIPPED/RUN_COUNT"

  out=$("$sched" --state "$st" pause tick 2>&1) || fail "sched pause tick failed: $out"
  [ "$out" = "paused job tick" ] || fail "sched pause printed '$out'"
  wait_for 3 "the runner's 'job tick: paused'" "has_event 'info job tick: paused'"
  started=$(count_events_re 'info job tick: started the .*')
  wait_for 1 "the last run before the pause to write its line" "[ \$(lines '$dir/ledger') -eq $started ]"
  sleep 2.5  # nothing may happen now
  n=$(count_events_re 'info job tick: started the .*')
  [ "$n" -eq "$started" ] || fail "$((n - started)) run(s) started while paused"
  [ "$(lines "$dir/ledger")" -eq "$started" ] || fail "the ledger grew while paused"
  expect_field tick enabled false
  expect_field tick nextRun null
  ok "pause: no run for 2.5 s, enabled false, nextRun null"

  out=$("$sched" --state "$st" resume tick 2>&1) || fail "sched resume tick failed: $out"
  [ "$out" = "resumed job tick" ] || fail "sched resume printed '$out'"
  wait_for 3 "the runner's 'job tick: resumed'" "has_event_re 'info job tick: resumed, next run $second'"
  wait_for 3 "a run after resume" "[ \$(lines '$dir/ledger') -gt $started ]"
  [[ $(sed -n "$((started + 1))p" "$dir/ledger") =~ \ schedule\ 0\ 0\ [0-9]+$ ]] ||
    fail "the first run after resume is not an ordinary one: $(sed -n "$((started + 1))p" "$dir/ledger")"
  has_event_re 'info job tick: catching up .*|warning job tick: skipped [0-9]+ missed .*' &&
    fail "runs missed while paused were caught up or counted: $(events | grep -E 'tick: (catching|skipped [0-9])')"
  ok "resume: runs again, nothing owed for the paused time"

  out=$("$sched" --state "$st" remove tick 2>&1) || fail "sched remove tick failed: $out"
  [ "$out" = "removed job tick" ] || fail "sched remove printed '$out'"
  wait_for 3 "the runner's 'job tick: removed'" "has_event 'info job tick: removed'"
  started=$(count_events_re 'info job tick: started the .*')
  wait_for 1 "the last run before the removal to write its line" "[ \$(lines '$dir/ledger') -eq $started ]"
  sleep 2  # nothing may happen now
  [ "$(count_events_re 'info job tick: started the .*')" -eq "$started" ] || fail "a run started after remove"
  [ "$(lines "$dir/ledger")" -eq "$started" ] || fail "the ledger grew after remove"
  "$sched" --state "$st" state tick >/dev/null 2>&1
  [ $? -eq 4 ] || fail "sched state tick after remove: wanted exit 4 (no such job)"
  ok "remove: the runner drops the job, no run for 2 s"

  "$sched" --state "$st" add yearly --schedule '0 0 1 1 *' \
    --command "echo \"\$SCHED_JOB \$SCHED_TRIGGER \$SCHED_CATCHUP \$SCHED_SKIPPED \$SCHED_RUN_COUNT\" >>'$dir/manual'" \
    >"$dir/out" 2>"$dir/cmd_err" || fail "sched add yearly failed: $(cat "$dir/cmd_err")"
  out=$("$sched" --state "$st" trigger yearly 2>&1)
  [ $? -eq 0 ] || fail "sched trigger yearly failed: $out"
  [ "$out" = "asked the running scheduler (pid $runner) to run job yearly now" ] || fail "sched trigger printed '$out'"
  wait_for 3 "the manual run to end" "has_event_re 'info job yearly: the manual run for $second finished in [0-9]+ ms \\(exit code 0\\)'"
  expect_event_re "info job yearly: started the manual run for $second"
  sleep 1  # no second run
  [ "$(cat "$dir/manual")" = "yearly manual 0 0 1" ] ||
    fail "the ledger of the triggered job: '$(cat "$dir/manual")', wanted exactly 'yearly manual 0 0 1'"
  expect_field yearly lastTrigger '"manual"'
  expect_field yearly lastStatus '"ok"'
  expect_field yearly currentRunCount 1
  ok "trigger through the runner: one manual run, lastTrigger manual"

  stop_runner TERM 5
  [ "$(events | tail -n 1)" = "info stopped" ] || fail "the last log line is not 'info stopped'"
  ok "SIGTERM with nothing running: exit 0"
}

# ---------------------------------------------------------------------------
slow_job_config() {  # slow_job_config GRACE
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "$1"

[jobs.slow]
schedule = "0 0 1 1 *"
# Relative paths: the config file's folder is the default workdir.
command = 'echo \$\$ >pid.sh; sleep 30 & echo \$! >pid.sleep; wait'
EOF
}

trigger_slow() {
  local out
  out=$("$sched" --state "$dir/state.json" --config "$dir/sched.toml" trigger slow 2>&1) || fail "sched trigger slow failed: $out"
  wait_for 3 "the job's pid files" "[ -s '$dir/pid.sh' ] && [ -s '$dir/pid.sleep' ]"
}

expect_job_processes_gone() {
  local p
  for p in "$(cat "$dir/pid.sh")" "$(cat "$dir/pid.sleep")"; do
    wait_for 2 "the job's process $p to be gone" "gone $p"
  done
}

case_b() {
  begin b "SIGTERM while a job runs: shutdown_grace, then its process group is stopped"
  local t0 elapsed tail4
  slow_job_config 1s
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  trigger_slow
  expect_field slow lastStatus '"running"'
  expect_field slow running true
  [ "$(doc runner)" = "{\"pid\": $runner}" ] || fail "state --json: runner is $(doc runner), wanted {\"pid\": $runner}"
  ok "while it runs: lastStatus running, running true, runner {pid}"

  t0=$(now_ms)
  stop_runner TERM 8
  elapsed=$(($(now_ms) - t0))
  [ $elapsed -ge 900 ] || fail "the runner exited after $elapsed ms, before shutdown_grace 1s was over"
  tail4=$(events | tail -n 4)
  [ "$(sed -n 1p <<<"$tail4")" = "info stopping (SIGTERM): no new runs; waiting up to 1s for 1 running run" ] &&
    [ "$(sed -n 2p <<<"$tail4")" = "warning shutdown_grace 1s is over: stopping 1 running run(s)" ] &&
    [[ $(sed -n 3p <<<"$tail4") =~ ^warning\ job\ slow:\ the\ manual\ run\ for\ $second\ was\ interrupted\ after\ [0-9]+\ ms\ \(exit\ code\ 143\)$ ]] &&
    [ "$(sed -n 4p <<<"$tail4")" = "info stopped" ] || fail "the last 4 log lines:
$tail4"
  expect_job_processes_gone
  expect_field slow lastStatus '"interrupted"'
  expect_field slow running false
  [ "$(doc runner)" = null ] || fail "state --json: runner is $(doc runner) after the runner exited"
  ok "exit 0 after ${elapsed} ms, grace lines logged, lastStatus interrupted, the job's shell and its child are gone"

  begin b2 "a second SIGINT stops at once"
  slow_job_config 30s
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  trigger_slow
  t0=$(now_ms)
  kill -INT "$runner"
  wait_for 3 "the stopping line" "has_event 'info stopping (SIGINT): no new runs; waiting up to 30s for 1 running run'"
  kill -INT "$runner"
  wait_for 7 "the runner to exit after the second SIGINT" "! kill -0 $runner"
  wait "$runner" || fail "the runner exited $? after two SIGINTs, wanted 0"
  elapsed=$(($(now_ms) - t0))
  expect_event "warning second SIGINT: stopping 1 running run(s) now"
  expect_event_re "warning job slow: the manual run for $second was interrupted after [0-9]+ ms \\(exit code 143\\)"
  [ "$(events | tail -n 1)" = "info stopped" ] || fail "the last log line is not 'info stopped'"
  expect_job_processes_gone
  expect_field slow lastStatus '"interrupted"'
  ok "exit 0 ${elapsed} ms after the first SIGINT (shutdown_grace 30s), the job's processes are gone"
}

# ---------------------------------------------------------------------------
case_c() {
  begin c "one runner per state file"
  local st=$dir/state.json rc first
  start_runner --state "$st" run
  first=$runner
  timeout 10 "$sched" --state "$st" run >"$dir/out2" 2>"$dir/err2" </dev/null
  rc=$?
  [ $rc -eq 3 ] || fail "the second sched run exited $rc, wanted 3"
  [ "$(cat "$dir/err2")" = "sched run: another scheduler (pid $first) is using $st" ] ||
    fail "the second sched run's stderr: '$(cat "$dir/err2")', wanted 'sched run: another scheduler (pid $first) is using $st'"
  [ ! -s "$dir/out2" ] || fail "the second sched run printed on stdout: $(cat "$dir/out2")"
  kill -0 "$first" 2>/dev/null || fail "the first runner died"
  ok "the second one exits 3 at once with the first one's pid"
  stop_runner TERM 5
  start_runner --state "$st" run
  stop_runner TERM 5
  ok "after the first one stops, a new one starts (no stale lock)"
}

# ---------------------------------------------------------------------------
case_d() {
  begin d "protect: a fire that finds the last run still going is skipped and counted"
  local want at kind prev_kind="" prev_at=""
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"
shutdown_grace = "1s"

[jobs.prot]
schedule = "* * * * * *"
command = 'echo "start \$SCHED_SCHEDULED_AT" >>"$dir/ledger"; sleep 2.5; echo "end \$SCHED_SCHEDULED_AT" >>"$dir/ledger"'
EOF
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  wait_for 6 "a second run to start" "[ \$(grep -c '^start ' '$dir/ledger') -ge 2 ]"
  wait_for 2 "skippedCount >= 1" "[ \$(field prot skippedCount) -ge 1 ]"
  expect_event_re "warning job prot: skipped the run for $second \\(the previous run is still going\\)"
  stop_runner TERM 5
  # start A, end A, start B[, end B]: never two starts in a row.
  while read -r kind at; do
    case $prev_kind:$kind in
      :start | start:end | end:start) ;;
      *) fail "runs overlap: '$prev_kind $prev_at' then '$kind $at' in the ledger:
$(cat "$dir/ledger")" ;;
    esac
    [ "$kind" = end ] && [ "$at" != "$prev_at" ] && fail "run $prev_at ended as $at"
    prev_kind=$kind prev_at=$at
  done <"$dir/ledger"
  # A skipped fire never ran.
  for at in $(events | sed -nE "s/^warning job prot: skipped the run for ($second) .*/\\1/p"); do
    grep -q "^start $at\$" "$dir/ledger" && fail "the skipped fire $at ran"
  done
  ok "skippedCount $(field prot skippedCount), skip lines logged, starts and ends alternate"
}

# ---------------------------------------------------------------------------
case_e() {
  begin e "timeout 500ms stops the run's process group"
  local line ms
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"

[jobs.to]
schedule = "* * * * * *"
timeout = "500ms"
command = 'sleep 10 & echo \$! >"$dir/pid.\$SCHED_RUN_COUNT"; wait'
EOF
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  wait_for 3 "lastStatus timeout" "[ \"\$(field to lastStatus)\" = '\"timeout\"' ]"
  line=$(events | grep -E "^error job to: the schedule run for $second timed out after [0-9]+ ms and was stopped \\(exit code 143\\)$" | head -n 1)
  [ -n "$line" ] || fail "no 'timed out after N ms and was stopped (exit code 143)' line"
  ms=$(sed -E 's/.* after ([0-9]+) ms.*/\1/' <<<"$line")
  [ "$ms" -ge 500 ] && [ "$ms" -lt 1500 ] || fail "the run timed out after $ms ms, wanted 500 ms and a little"
  wait_for 2 "the first run's sleep to be gone" "gone \$(cat '$dir/pid.1')"
  stop_runner TERM 5
  ok "lastStatus timeout after $ms ms, the job's child is gone"
}

# ---------------------------------------------------------------------------
case_f() {
  begin f "a failing command is logged with its exit code and scheduling goes on"
  cat >"$dir/sched.toml" <<EOF
[scheduler]
timezone = "UTC"

[jobs.fail]
schedule = "* * * * * *"
command = 'echo boom >&2; exit 3'
EOF
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run
  # One snapshot: a run that starts resets lastStatus and lastExitCode.
  three_failed() {
    local count status code
    read -r count status code <<<"$(fields fail currentRunCount lastStatus lastExitCode)"
    [ "$count" -ge 3 ] && [ "$status" = '"failed"' ] && [ "$code" = 3 ]
  }
  wait_for 5 "three runs, the last one failed with exit code 3" three_failed
  expect_event_re "error job fail: the schedule run for $second failed after [0-9]+ ms \\(exit code 3\\)"
  expect_event "[fail:stderr] boom"
  stop_runner TERM 5
  ok "lastStatus failed, lastExitCode 3, runs go on, stderr forwarded"
}

# ---------------------------------------------------------------------------
case_g() {
  begin g "a bad config file: exit 2, every problem with its line, no state file"
  local rc cfg=$dir/sched.toml want
  cat >"$cfg" <<'EOF'
[scheduler]
timezone = "UTC"
colour = "blue"
EOF
  "$sched" --state "$dir/state.json" --config "$cfg" run >"$dir/out" 2>"$dir/err" </dev/null
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc, wanted 2"
  want="sched run: $cfg:3:1: unknown key \"colour\" in [scheduler]"
  [ "$(cat "$dir/err")" = "$want" ] || fail "stderr: '$(cat "$dir/err")', wanted '$want'"
  [ ! -s "$dir/out" ] || fail "stdout: $(cat "$dir/out")"
  [ "$(ls "$dir")" = "err
out
sched.toml" ] || fail "files were created: $(ls "$dir" | tr '\n' ' ')"
  ok "unknown key: exit 2, one exact line, no state file"

  cat >"$cfg" <<'EOF'
[scheduler]
timezone = "UTC"

[jobs.a]
schedule = "0 25 * * *"
command = "true"
EOF
  "$sched" --state "$dir/state.json" --config "$cfg" run >"$dir/out" 2>"$dir/err" </dev/null
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc, wanted 2"
  want="sched run: $cfg:5:12: jobs.a.schedule: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)"
  [ "$(cat "$dir/err")" = "$want" ] || fail "stderr: '$(cat "$dir/err")', wanted '$want'"
  [ ! -e "$dir/state.json" ] || fail "a state file was created"
  ok "bad schedule: exit 2, one exact line, no state file"

  cat >"$cfg" <<'EOF'
[scheduler]
timezone = "UTC"
colour = "blue"

[jobs.a]
schedule = "0 25 * * *"
command = "true"
EOF
  "$sched" --state "$dir/state.json" --config "$cfg" run >"$dir/out" 2>"$dir/err" </dev/null
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc, wanted 2"
  want="sched run: $cfg:3:1: unknown key \"colour\" in [scheduler]
sched run: $cfg:6:12: jobs.a.schedule: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)"
  [ "$(cat "$dir/err")" = "$want" ] || fail "stderr:
$(cat "$dir/err")
wanted (every line 'sched run: FILE:LINE:COL: message'):
$want"
  [ ! -e "$dir/state.json" ] || fail "a state file was created"
  ok "two problems: exit 2, two exact lines, no state file"
}

# ---------------------------------------------------------------------------
case_h() {
  begin h "SIGHUP reloads the config; a broken one is reported and the jobs go on"
  local cfg=$dir/sched.toml n
  cat >"$cfg" <<EOF
[scheduler]
timezone = "UTC"

[jobs.one]
schedule = "* * * * * *"
command = 'echo one >>"$dir/ledger"'
EOF
  start_runner --state "$dir/state.json" --config "$cfg" run
  cat >>"$cfg" <<EOF

[jobs.two]
schedule = "* * * * * *"
command = 'echo two >>"$dir/ledger"'
EOF
  kill -HUP "$runner"
  wait_for 3 "the reload" "has_event 'info SIGHUP: reloaded $cfg'"
  expect_event "info job two: added from $cfg"
  wait_for 3 "a run of the added job" "grep -q '^two\$' '$dir/ledger'"
  ok "SIGHUP with a new job: 'job two: added from FILE', and it runs"

  cat >>"$cfg" <<'EOF'
bogus = 1
EOF
  kill -HUP "$runner"
  wait_for 3 "the reload error" "has_event 'error SIGHUP: $cfg not reloaded, the jobs stay as they were:'"
  expect_event "error   $cfg:11:1: unknown key \"bogus\" in [jobs.two]"
  n=$(lines "$dir/ledger")
  wait_for 3 "runs of both jobs after the failed reload" \
    "[ \$(tail -n +$((n + 1)) '$dir/ledger' | grep -c '^one\$') -ge 1 ] && [ \$(tail -n +$((n + 1)) '$dir/ledger' | grep -c '^two\$') -ge 1 ]"
  kill -0 "$runner" 2>/dev/null || fail "the runner died"
  stop_runner TERM 5
  ok "SIGHUP with a broken config: reported line by line, both jobs go on"
}

# ---------------------------------------------------------------------------
case_i() {
  begin i "--log-format json: one JSON object per line"
  cat >"$dir/sched.toml" <<'EOF'
[scheduler]
timezone = "UTC"

[jobs.talk]
schedule = "* * * * * *"
command = 'echo "say \"hi\""; echo oops >&2; exit 1'
EOF
  start_runner --state "$dir/state.json" --config "$dir/sched.toml" run --log-format json
  wait_for 3 "a finished run" "grep -q 'the schedule run for .* failed after' '$dir/log'"
  stop_runner TERM 5
  "$py" - "$dir/log" <<'EOF' || fail "the JSON log (above)"
import json, re, sys
instant = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
seen = set()
for n, text in enumerate(open(sys.argv[1]), 1):
    def bad(why):
        print(f"  line {n}: {why}: {text.rstrip()}")
        sys.exit(1)
    try:
        line = json.loads(text)
    except ValueError as e:
        bad(f"not JSON ({e})")
    if not isinstance(line, dict) or not instant.match(line.get("time", "")):
        bad("no time")
    level = line.get("level")
    if level == "output":
        if set(line) != {"time", "level", "job", "stream", "line"} or line["stream"] not in ("stdout", "stderr"):
            bad("an output line needs exactly time, level, job, stream, line")
        seen.add((line["job"], line["stream"], line["line"]))
    elif level in ("debug", "info", "warning", "error"):
        if not isinstance(line.get("message"), str) or set(line) - {"time", "level", "job", "message"}:
            bad("an event needs time, level, message (and job)")
        m = re.match(r"job ([^ :]+):", line["message"])
        if m and line.get("job") != m.group(1):
            bad("an event about a job needs its job member")
        if not m and "job" in line:
            bad("a job member on an event about no job")
        seen.add((level, line["message"].split(" (")[0]))
    else:
        bad(f"level {level!r}")
want = {("talk", "stdout", 'say "hi"'), ("talk", "stderr", "oops"), ("info", "scheduler started"),
        ("info", "stopped")}
if not want <= seen:
    print(f"  missing: {want - seen}")
    sys.exit(1)
EOF
  ok "every line parses, with time/level/message (job when about one) or job/stream/line"
}

# ---------------------------------------------------------------------------
case_j() {
  begin j "NOTIFY_SOCKET: READY=1, RELOADING=1 and READY=1 on SIGHUP, STOPPING=1"
  local sock=$dir/notify.sock want
  "$py" - "$sock" "$dir/notes" <<'EOF' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(json.dumps(s.recv(4096).decode()) + "\n")
        out.flush()
EOF
  pids+=($!)
  wait_for 5 "the notify socket" "[ -S '$sock' ]"
  NOTIFY_SOCKET=$sock start_runner --state "$dir/state.json" run
  wait_for 3 "READY=1" "[ -s '$dir/notes' ]"
  [ "$(cat "$dir/notes")" = '"READY=1\nSTATUS=scheduling"' ] || fail "the first notification: $(cat "$dir/notes")"
  kill -HUP "$runner"
  wait_for 3 "two more notifications after SIGHUP" "[ \$(lines '$dir/notes') -ge 3 ]"
  stop_runner TERM 5
  wait_for 2 "STOPPING=1" "[ \$(lines '$dir/notes') -ge 4 ]"
  want='"READY=1\nSTATUS=scheduling"
"RELOADING=1"
"READY=1"
"STOPPING=1"'
  [ "$(cat "$dir/notes")" = "$want" ] || fail "the notifications:
$(cat "$dir/notes")
wanted:
$want"
  ok "READY=1 with STATUS, RELOADING=1 + READY=1 around SIGHUP, STOPPING=1"
}

# ---------------------------------------------------------------------------
case_k() {
  begin k "a job gets descriptors 0, 1, 2 only, and no blocked signals; every thread of the runner blocks the signals it waits for"
  local got
  cat >"$dir/sched.toml" <<'EOF'
[scheduler]
timezone = "UTC"

[jobs.fds]
schedule = "* * * * * *"
# The loop's glob opens the folder /proc/$$/fd itself (descriptor 3, while it
# reads it); `ls` in a child lists what the job's shell holds. The shell reads
# its own signal mask itself: around a fork, dash blocks every signal for a
# moment, so a child reading /proc/$$/status could see that.
command = '''for f in /proc/$$/fd/*; do echo "glob ${f##*/}"; done; ls /proc/$$/fd; readlink /proc/$$/fd/0
while read -r key value; do if [ "$key" = SigBlk: ]; then echo "$key $value"; fi; done </proc/$$/status'''
EOF
  # The runner gets an extra descriptor (7) of its own: the job must not see it.
  "$sched" --state "$dir/state.json" --config "$dir/sched.toml" run >"$dir/log" 2>"$dir/err" </dev/null 7>"$dir/extra" &
  runner=$!
  pids+=("$runner")
  wait_for 4 "a finished run" "has_event_re 'info job fds: the schedule run for $second finished in [0-9]+ ms \\(exit code 0\\)'"
  # SIGHUP, SIGINT and SIGTERM go to the main thread, which waits for them
  # in sigtimedwait (its mask shows them unblocked meanwhile): any other
  # thread that left them unblocked could take one, and its default action
  # would end the runner (status 143 for SIGTERM) instead of stopping it.
  local task key value blk threads_bad=""
  for task in /proc/"$runner"/task/*; do
    [ "${task##*/}" = "$runner" ] && continue
    blk=""
    while read -r key value; do [ "$key" = SigBlk: ] && blk=$value; done <"$task/status"
    (((16#$blk & 0x4003) == 0x4003)) || threads_bad+=" $(cat "$task/comm")=$blk"
  done
  [ -z "$threads_bad" ] || fail "threads of sched run that leave SIGHUP, SIGINT or SIGTERM unblocked:$threads_bad"
  stop_runner TERM 5
  got=$(events | grep '^\[fds\] ' | sed 's/^\[fds\] //' | awk '!seen[$0]++' | tr '\t' ' ')
  [ "$got" = "glob 0
glob 1
glob 2
glob 3
0
1
2
/dev/null
SigBlk: 0000000000000000" ] || fail "the job's descriptors and signal mask:
$got
wanted: the glob's 0 1 2 3, ls's 0 1 2, stdin /dev/null, SigBlk 0"
  ok "only 0 (/dev/null), 1, 2 open in the job's shell; no signal blocked"
}

start_ms=$(now_ms)
for c in "${cases[@]}"; do
  case $c in
    a | b | c | d | e | f | g | h | i | j | k) "case_$c" ;;
    *) echo "FAIL: unknown case $c"; exit 1 ;;
  esac
done
echo "all run cases passed in $((($(now_ms) - start_ms) / 1000)) s"
