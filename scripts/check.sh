#!/usr/bin/env bash
# Installs what is missing, builds sched with warnings as errors, and runs
# every test through ctest. Exits non-zero on the first failure.
#
# Environment:
#   BUILD_DIR   build folder, relative to the source tree (default: build)
#   BUILD_TYPE  CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   CMAKE_ARGS  extra arguments for the configure step, split on spaces;
#               they come last, so they override the defaults above
#   JOBS        parallel build and test jobs (default: nproc)
#   CTEST_EXCLUDE  a regular expression of test names not to run (ctest -E)
#   SCHED_SKIP_DEPS=1  do not run scripts/deps.sh (non-Debian systems)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build}
build_type=${BUILD_TYPE:-RelWithDebInfo}
read -r -a extra_args <<<"${CMAKE_ARGS:-}"

step() { printf '\n==> %s\n' "$*"; }

if [[ ${SCHED_SKIP_DEPS:-0} != 1 ]]; then
  step "dependencies"
  bash scripts/deps.sh
fi
jobs=${JOBS:-$(nproc)}

step "configure ($build_dir, $build_type)"
cmake -S . -B "$build_dir" \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DSCHED_WARNINGS_AS_ERRORS=ON \
  "${extra_args[@]}"

step "build (-j$jobs)"
cmake --build "$build_dir" -j "$jobs"

step "test (-j$jobs)"
exclude=()
[[ -n ${CTEST_EXCLUDE:-} ]] && exclude=(-E "$CTEST_EXCLUDE")
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs" "${exclude[@]}"
