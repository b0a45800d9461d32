#!/usr/bin/env bash
# Installs what is missing, builds the sched binary, and shows it at work.
#
# When the binary has a `run` subcommand and examples/sched.toml exists, it
# starts `sched run` on that file in the foreground (Ctrl-C stops it), with
# its state in the build folder. Otherwise it prints the next fire times of a
# few example schedules with `sched next`.
#
# Environment: BUILD_DIR (default: build), JOBS (default: nproc),
# SCHED_SKIP_DEPS=1 to skip scripts/deps.sh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build}

step() { printf '\n==> %s\n' "$*"; }

if [[ ${SCHED_SKIP_DEPS:-0} != 1 ]]; then
  step "dependencies"
  bash scripts/deps.sh
fi
jobs=${JOBS:-$(nproc)}

step "build sched"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target sched -j "$jobs"

sched=$build_dir/cli/sched
# Prints the command as one would type it, then runs it.
show() {
  local line=sched arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=@+-]+$ ]]; then line+=" $arg"; else line+=" '$arg'"; fi
  done
  printf '\n$ %s\n' "$line"
  "$sched" "$@"
}

show --version

config=examples/sched.toml
if [[ -f $config ]] && "$sched" run --help >/dev/null 2>&1; then
  state=$build_dir/demo/state.json
  mkdir -p "$(dirname "$state")"
  step "sched run on $config (state: $state); Ctrl-C stops it"
  exec "$sched" --config "$config" --state "$state" run
fi

step "upcoming fire times"
# Every day at 08:00, New York time.
show next --schedule '0 8 * * *' -n 3 --tz America/New_York
# Every 15 minutes, in this machine's zone.
show next --schedule '*/15 * * * *' -n 4
# Weekdays at 09:00, as JSON for scripts.
show next --schedule '0 9 * * 1-5' --json -n 2
# 02:30 does not exist in New York on 2026-03-08 (clocks jump from 02:00 to
# 03:00): that night's run happens at 03:00 EDT instead of being lost.
show next --schedule '30 2 * * *' --tz America/New_York --after 2026-03-07T00:00:00Z -n 3
