#!/bin/sh
# Installs the build into a temporary prefix and builds a consumer project
# against it with find_package(sched). Usage: install_test.sh BUILD-DIR SOURCE-DIR
set -eu
umask 022  # the installed files' modes must not depend on the caller's umask
build=$1
source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/sched include/sched/schedule.h lib/cmake/sched/schedConfig.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f was not installed"; exit 1; }
done
ls "$tmp/prefix"/lib*/libsched.* >/dev/null || { echo "FAIL: libsched was not installed"; exit 1; }
cmake -S "$source/tests/install/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
got=$("$tmp/consumer/consumer")
want="2024-01-15T07:00:00.000Z
/nonexistent/sched.toml: no such file"
[ "$got" = "$want" ] || { echo "FAIL: consumer printed $got"; exit 1; }
"$tmp/prefix/bin/sched" --version >/dev/null
echo "1 passed, 0 failed"
