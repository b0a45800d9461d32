#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own build folder, then runs each for
# SECONDS (default 60) on a copy of its seed corpus in fuzz/corpus/, so the
# repository's corpus is never changed. Exits non-zero when any target finds
# a crash, a sanitizer report, a leak, a timeout (an input taking over 10 s)
# or an out-of-memory (over 2048 MB), after printing the reproducer's path
# and the command that replays it.
#
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: cron state config)
#
# Environment:
#   BUILD_DIR   build folder, relative to the source tree (default: build-fuzz);
#               each run's corpus copies and findings go to BUILD_DIR/fuzz-run/
#   JOBS        parallel build jobs (default: nproc)
#   BUILD_LOCK  a file to hold a flock(1) on while configuring and building,
#               for machines where several builds share the CPUs
#
# To keep what a long run found, merge it into the seeds by hand:
#   build-fuzz/fuzz/cron_fuzz -merge=1 fuzz/corpus/cron build-fuzz/fuzz-run/cron/corpus
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz.sh: SECONDS must be a positive whole number, found \"$seconds\"" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]} > 0)) || targets=(cron state config)

build_dir=${BUILD_DIR:-build-fuzz}
jobs=${JOBS:-$(nproc)}
locked=()
[[ -n ${BUILD_LOCK:-} ]] && locked=(flock "$BUILD_LOCK")

# The longest input each target reads: a cron line with its control bytes,
# a state file of a few jobs, a config file of a few jobs.
declare -A max_len=([cron]=256 [state]=16384 [config]=4096)
for target in "${targets[@]}"; do
  if [[ -z ${max_len[$target]:-} ]]; then
    echo "fuzz.sh: unknown target \"$target\" (known: cron state config)" >&2
    exit 2
  fi
done

step() { printf '\n==> %s\n' "$*"; }

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz.sh: clang++ not found; scripts/deps.sh installs it (packages clang, libclang-rt-14-dev)" >&2
  exit 1
fi

runtime="$(clang++ -print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a"
if [[ ! -f $runtime ]]; then
  echo "fuzz.sh: libFuzzer's runtime $runtime is missing; scripts/deps.sh installs it (libclang-rt-14-dev)" >&2
  exit 1
fi

step "configure ($build_dir: clang++, libFuzzer, ASan + UBSan)"
"${locked[@]}" cmake -S . -B "$build_dir" \
  -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSCHED_DEVELOPER_MODE=OFF \
  -DSCHED_BUILD_FUZZERS=ON \
  -DSCHED_SANITIZE=fuzzer-no-link,address,undefined

step "build (-j$jobs)"
"${locked[@]}" cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/%/_fuzz}"

# Every sanitizer report ends the run with a saved input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for target in "${targets[@]}"; do
  run="$build_dir/fuzz-run/$target"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/findings" "$run/tmp"
  cp fuzz/corpus/"$target"/* "$run/corpus/"
  dict=()
  [[ -f fuzz/dict/$target.dict ]] && dict=(-dict="fuzz/dict/$target.dict")
  step "fuzz $target for $seconds s ($(find "$run/corpus" -type f | wc -l) seeds)"
  # The full log goes to $run/log; the console gets it without the line
  # libFuzzer prints for every new input.
  set +e
  TMPDIR="$run/tmp" "$build_dir/fuzz/${target}_fuzz" "$run/corpus" "${dict[@]}" \
    -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$run/findings/" -print_final_stats=1 2>&1 | tee "$run/log" | grep -v -E '^#[0-9]+\s+(NEW|REDUCE)'
  status=${PIPESTATUS[0]}
  set -e
  findings=$(find "$run/findings" -type f ! -name 'slow-unit-*' | sort)
  if ((status != 0)) || [[ -n $findings ]]; then
    failed+=("$target")
    echo "fuzz.sh: $target failed (exit $status); its log is $run/log" >&2
    for finding in $findings; do
      echo "fuzz.sh: reproducer: $finding" >&2
      echo "fuzz.sh:   replay with: $build_dir/fuzz/${target}_fuzz $finding" >&2
    done
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${targets[*]}: no findings in $seconds s each"
