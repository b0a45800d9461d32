#!/usr/bin/env bash
# The threaded parts of sched under ThreadSanitizer: the scheduler engine and
# its sync with the state file, the executor, the persistent scheduler, the
# state store and its locks, the in-process CLI, and `sched run` through the
# real binary (e2e.run, e2e.hostile, the kill -9 torture). Any data race,
# lock-order inversion or signal-unsafe call fails the run.
#
# Builds in build-tsan/ (RelWithDebInfo: TSan slows Debug code down a lot more
# and the stacks stay readable). All of sched_tests runs, not a list of tags:
# the single-threaded cases add a few seconds, and a new threaded test needs
# no tag to be covered.
#
# Environment:
#   BUILD_DIR  build folder, relative to the source tree (default: build-tsan)
#   JOBS       parallel build and test jobs (default: nproc)
#   SCHED_TSAN_CONFIGURE=0  skip the configure step (an existing build folder)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build-tsan}
jobs=${JOBS:-$(nproc)}
started=$SECONDS

step() { printf '\n==> [%d s] %s\n' $((SECONDS - started)) "$*"; }

if [[ ${SCHED_TSAN_CONFIGURE:-1} != 0 ]]; then
  step "configure ($build_dir, RelWithDebInfo, -DSCHED_SANITIZE=thread)"
  cmake -S . -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCHED_WARNINGS_AS_ERRORS=ON \
    -DSCHED_SANITIZE=thread \
    -DSCHED_BUILD_BENCHMARKS=OFF
fi

step "build sched_tests and sched (-j$jobs)"
cmake --build "$build_dir" -j "$jobs" --target sched_tests sched

# Every report goes to a file of its own (log_path), so that a report from a
# process whose exit status no test checks (a job's sched command, a runner
# killed on purpose) fails the run too. second_deadlock_stack: a lock-order
# report shows where both locks were taken. Options already in TSAN_OPTIONS
# come last, so they win.
reports=$(mktemp -d "${TMPDIR:-/tmp}/sched-tsan.XXXXXX")
print_reports() {
  local status=$? report found=0
  for report in "$reports"/tsan.*; do
    [[ -e $report ]] || continue
    found=1
    printf '\n==> ThreadSanitizer report %s\n' "${report##*/}"
    cat "$report"
  done
  rm -rf "$reports"
  if ((found)); then
    echo "FAILED: ThreadSanitizer reports above"
    exit 1
  fi
  exit "$status"
}
trap print_reports EXIT
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

step "sched_tests (all cases)"
"$build_dir/tests/sched_tests"

# The real binary: `sched run` with commands changing the state under it, and
# the kill -9 torture with concurrent clients. Not the tests under libfaketime
# (e2e.seed_scenario, e2e.time_faults): it reaches pthread_cond_timedwait in
# glibc past TSan's interceptor, and TSan then reports the waits' mutexes as
# locked twice.
step "end-to-end: e2e.run, e2e.hostile, reliability.kill9"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs" \
  -R '^(e2e\.(run|hostile)|reliability\.kill9)$'

echo "ThreadSanitizer section took $((SECONDS - started)) s"
