#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages that building and testing sched
# needs, and only those that are missing. Safe to run again: when everything
# is present it changes nothing and does not touch the network.
#
# Runs apt-get directly as root, through sudo otherwise.
set -euo pipefail

packages=(
  g++ make cmake git pkg-config     # toolchain
  libhowardhinnant-date-dev tzdata  # time zones (libsched)
  nlohmann-json3-dev                # state file
  libtomlplusplus-dev               # config file
  libcli11-dev                      # command line
  catch2 faketime                   # tests
  libbenchmark-dev                  # benchmarks
  groff-base zsh fish               # man pages and completions (tests/e2e/docs_test.sh)
  python3                           # the end-to-end tests read JSON and a notify socket
  clang libclang-rt-14-dev          # libFuzzer and ThreadSanitizer builds (scripts/fuzz.sh, scripts/tsan.sh)
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: no dpkg/apt-get here; install by hand: ${packages[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "deps.sh: all ${#packages[@]} packages are installed"
  exit 0
fi

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "deps.sh: missing ${missing[*]}; run as root, or install sudo" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"
# sudo resets the environment, so the variable goes through env(1).
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y)
"${apt[@]}" update
"${apt[@]}" install --no-install-recommends "${missing[@]}"
