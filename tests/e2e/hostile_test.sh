#!/bin/bash
# End-to-end test of hostile input through the real binary (SPEC §5):
#   a  job names that could leave their folder or break a line, refused by add
#   b  a state file edited by hand with such a name: refused by commands,
#      moved aside by `sched run`
#   c  state and config files that another user could have written, links
#   d  a 300 MB, a 100 MB and a 100,000-level nested state file: one clear
#      line, and the peak memory of sched printed (`peak RSS`): far below the
#      size of a file over the limit (256 MiB), one copy of a file under it
#   e  environment values with =, quotes and newlines, and a command with
#      quotes, reach the job intact through `sched add --env` and `sched run`
#   f  group-writable files (what umask 002 writes): accepted when the group
#      is the owner's private group, refused for every near miss; users and
#      groups of its own, bind-mounted over /etc/passwd and /etc/group in a
#      mount namespace (root and unshare(1) only)
# That a job sees no descriptor beyond 0-2 is case k of run_test.sh.
# Usage: hostile_test.sh PATH-TO-SCHED [CASE...]   (default: all)
set -u
sched=$(realpath "$1")
shift
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(a b c d e f)

export TZ=UTC LC_ALL=C
unset SCHED_STATE SCHED_CONFIG NOTIFY_SOCKET
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask
py=$(python3 -c 'import sys; print(sys.executable)') || { echo "FAIL: python3 is needed"; exit 1; }
root=$(mktemp -d /tmp/sched-e2e-hostile.XXXXXX)
chmod 755 "$root"  # case c runs sched as another user in here
export XDG_STATE_HOME=$root/xdg-state XDG_CONFIG_HOME=$root/xdg-config  # never the user's files

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

current=""
dir=""
begin() {
  current="($1) $2"
  dir=$root/$1
  mkdir -p "$dir"
}
fail() {
  echo "FAIL: $current: $*"
  [ -s "$dir/log" ] && { echo "--- last lines of $dir/log:"; tail -n 20 "$dir/log" | sed 's/^/  /'; }
  exit 1
}
ok() { echo "ok: $current: $*"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_for SECONDS WHAT CONDITION: CONDITION (shell code) every 0.1 s until it
# holds; fail naming WHAT after SECONDS.
wait_for() {
  local limit=$1 what=$2 cond=$3 deadline
  deadline=$(($(now_ms) + limit * 1000))
  until eval "$cond" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.1
  done
}

# expect CODE STDERR ARGS...: `sched ARGS...` exits CODE with exactly STDERR
# (one line, newline added) and prints nothing on stdout.
expect() {
  local code=$1 want=$2 got
  shift 2
  "$sched" "$@" >"$dir/out" 2>"$dir/err" </dev/null
  got=$?
  [ $got -eq "$code" ] || fail "sched $*: exit $got, wanted $code; stderr: $(cat "$dir/err")"
  [ "$(cat "$dir/err")" = "$want" ] || fail "sched $*: stderr
$(cat "$dir/err")
wanted
$want"
  [ -s "$dir/out" ] && fail "sched $*: printed on stdout: $(cat "$dir/out")"
  return 0
}

# peak_rss OUT ERR ARGS...: runs `sched ARGS...` to its end, its stdout and
# stderr to OUT and ERR; prints "EXIT PEAK-RSS-KB" (getrusage of the child,
# which counts python3's own pages at the fork too, about 9 MB: compare
# figures with each other, not with /usr/bin/time's).
peak_rss() {
  "$py" - "$sched" "$@" <<'EOF'
import resource, subprocess, sys
sched, out, err, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with open(out, "w") as o, open(err, "w") as e:
    code = subprocess.run([sched] + args, stdout=o, stderr=e, stdin=subprocess.DEVNULL).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}

# ---------------------------------------------------------------------------
case_a() {
  begin a "job names that could leave their folder or break a line are refused by add"
  local st=$dir/state.json only=": only A-Z a-z 0-9 . _ - are allowed" long
  long=$(printf 'x%.0s' $(seq 65))
  expect 2 "sched add: invalid job name \"..\": it must not start with '.' or '-'" \
    --state "$st" add .. -s @daily -c true
  expect 2 "sched add: invalid job name \"../../etc/x\": it must not start with '.' or '-'" \
    --state "$st" add ../../etc/x -s @daily -c true
  expect 2 "sched add: invalid job name \"a/b\"$only" --state "$st" add a/b -s @daily -c true
  expect 2 "sched add: invalid job name \"a?INFO forged\"$only" --state "$st" add $'a\nINFO forged' -s @daily -c true
  expect 2 "sched add: invalid job name \"a?b\"$only" --state "$st" add $'a\rb' -s @daily -c true
  expect 2 "sched add: invalid job name \"$long\": it must have 1 to 64 characters" \
    --state "$st" add "$long" -s @daily -c true
  [ -z "$(ls -A "$dir" | grep -v '^out$\|^err$')" ] || fail "files were created: $(ls -A "$dir")"
  "$sched" --state "$st" add "${long:1}" -s @daily -c true >/dev/null 2>&1 || fail "a 64-character name was refused"
  ok "'..', '../../etc/x', 'a/b', newline, carriage return, 65 characters: exit 2, one line, nothing written"
}

# ---------------------------------------------------------------------------
case_b() {
  begin b "a state file edited by hand with a hostile name"
  local st=$dir/state.json bytes problem aside runner
  bytes='{"version": "1.0", "jobs": [{"name": "ok", "schedule": "@daily", "command": "true"}, {"name": "../x\nINFO forged", "schedule": "@daily", "command": "true"}]}'
  printf '%s' "$bytes" >"$st"
  problem="corrupt state file $st: jobs[1].name: invalid job name \"../x?INFO forged\": it must not start with '.' or '-'"
  expect 1 "sched state: $problem" --state "$st" state
  expect 1 "sched add: $problem" --state "$st" add b -s @daily -c true
  expect 1 "sched pause: $problem" --state "$st" pause ok
  [ "$(cat "$st")" = "$bytes" ] || fail "the file changed"
  ok "state, add, pause: exit 1 with '$problem', the file unchanged"

  "$sched" --state "$st" run >"$dir/log" 2>&1 </dev/null &
  runner=$!
  pids+=("$runner")
  wait_for 5 "the runner's start line" "grep -q 'scheduler started (pid $runner, ' '$dir/log'"
  kill -TERM "$runner"
  wait "$runner" || fail "sched run exited $? after SIGTERM"
  grep -Eq "^[^ ]+ warning $(printf '%s' "$problem" | sed 's/[][\.*^$?/()+{}|]/\\&/g'); moved it to $st\.corrupt-[0-9]{8}T[0-9]{6}Z and started with an empty state$" "$dir/log" ||
    fail "no warning line for the moved file"
  aside=$(ls "$dir" | grep '^state\.json\.corrupt-')
  [ "$(cat "$dir/$aside")" = "$bytes" ] || fail "$aside does not hold the bytes"
  [ "$(wc -l <"$dir/log")" -eq 4 ] || fail "the forged name reached the log as a line of its own"
  ok "sched run: one warning line, the file moved to $aside with its bytes, an empty start"
}

# ---------------------------------------------------------------------------
case_c() {
  begin c "state and config files that another user could have written; links"
  local st=$dir/state.json conf=$dir/sched.toml u=$dir/user
  printf '%s' '{"version": "1.0", "jobs": []}' >"$st"
  printf '[jobs.x]\nschedule = "@daily"\ncommand = "true"\n' >"$conf"

  # A group that is not this user's private group (its name is not the
  # user's): a group-writable file of it is refused.
  local shared="" g
  if [ "$(id -u)" = 0 ]; then
    for g in adm users staff; do getent group "$g" >/dev/null && { shared=$g; break; }; done
  else
    for g in $(id -Gn); do [ "$g" != "$(id -un)" ] && { shared=$g; break; }; done
  fi
  if [ -n "$shared" ]; then
    chgrp "$shared" "$st"
    chmod 664 "$st"
    expect 1 "sched state: refusing $st: it is writable by group $shared (mode 0664); run chmod g-w $st" --state "$st" state
    expect 1 "sched run: refusing $st: it is writable by group $shared (mode 0664); run chmod g-w $st" --state "$st" run
    chmod 600 "$st"
    ok "a state file writable by group $shared: exit 1, one line naming the file, its mode, the fix"
  else
    echo "skipped: $current: no group other than this user's private group to give a file"
  fi
  chmod 606 "$conf"
  expect 2 "sched validate: refusing $conf: it is writable by others (mode 0606); run chmod o-w $conf" --config "$conf" validate
  expect 2 "sched run: refusing $conf: it is writable by others (mode 0606); run chmod o-w $conf" \
    --state "$st" --config "$conf" run
  chmod 644 "$conf"
  ok "world-writable config: exit 2; one line naming the file, its mode, the fix"

  ln -s "$st" "$dir/link.json"
  expect 1 "sched state: refusing $dir/link.json: it is a symbolic link to $st; name the file itself (every write of the state would replace the link)" \
    --state "$dir/link.json" state
  ln -s "$conf" "$dir/link.toml"
  "$sched" --config "$dir/link.toml" validate >/dev/null 2>&1 || fail "a linked config was refused"
  ok "a linked state file is refused; a linked config is followed"

  if [ "$(id -u)" != 0 ]; then
    echo "skipped: $current: files of other users need root"
    return
  fi
  chown 12345:12345 "$st" "$conf"
  local fix="run sched as uid 12345, or chown the file"
  expect 1 "sched state: refusing $st: owned by uid 12345, not by this user (uid 0); $fix" --state "$st" state
  expect 2 "sched validate: refusing $conf: owned by uid 12345, not by this user (uid 0); $fix" --config "$conf" validate
  ok "root refuses a user's state file (exit 1) and config (exit 2)"

  if ! command -v setpriv >/dev/null; then
    echo "skipped: $current: setpriv (util-linux) is needed to run sched as another user"
    return
  fi
  mkdir "$u"
  chown 12345:12345 "$u"
  chown 0:0 "$conf"
  as_user() { setpriv --reuid=12345 --regid=12345 --clear-groups "$sched" "$@"; }
  as_user --state "$u/state.json" --config "$conf" validate >/dev/null 2>"$dir/err" ||
    fail "uid 12345 refused a config of root's: $(cat "$dir/err")"
  as_user --state "$u/state.json" add b -s @daily -c true >/dev/null 2>"$dir/err" ||
    fail "uid 12345 could not add: $(cat "$dir/err")"
  [ "$(stat -c '%u %a' "$u/state.json")" = "12345 600" ] || fail "uid 12345's state: $(stat -c '%u %a' "$u/state.json")"
  chown 54321 "$u/state.json"
  chmod 644 "$u/state.json"  # readable: the owner check, not the mode, must refuse it
  as_user --state "$u/state.json" state >/dev/null 2>"$dir/err"
  [ $? -eq 1 ] && [ "$(cat "$dir/err")" = "sched state: refusing $u/state.json: owned by uid 54321, not by this user (uid 12345) or root; run sched as uid 54321, or chown the file" ] ||
    fail "uid 12345 on a file of uid 54321: $(cat "$dir/err")"
  ok "another user: root's config is trusted, a third user's state file is refused"

  # Under umask 0377 the lock file was once created 0400, and every later
  # command of its (non-root) owner failed to open it.
  mkdir "$u/masked"
  chown 12345:12345 "$u/masked"
  (umask 0377 && as_user --state "$u/masked/state.json" add a -s @daily -c true >/dev/null 2>"$dir/err" &&
    as_user --state "$u/masked/state.json" add b -s @daily -c true >/dev/null 2>>"$dir/err") ||
    fail "two adds under umask 0377: $(cat "$dir/err")"
  [ "$(stat -c '%a' "$u/masked/state.json" "$u/masked/state.json.lock" | tr '\n' ' ')" = "600 600 " ] ||
    fail "modes under umask 0377: $(stat -c '%n %a' "$u/masked/"*)"
  ok "umask 0377: state and lock files 0600, a second command still gets the lock"
}

# ---------------------------------------------------------------------------
case_d() {
  begin d "a 300 MB, a 100 MB and a 100,000-level nested state file"
  local st=$dir/state.json small=$dir/small.json base big hundred nested code kb
  printf '%s' '{"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "command": "true"}]}' >"$small"
  read -r code base <<<"$(peak_rss "$dir/out" "$dir/err" --state "$small" state)"
  [ "$code" -eq 0 ] || fail "sched state on a small file: exit $code"

  truncate -s 300000000 "$st"  # sparse: no disk taken
  read -r code big <<<"$(peak_rss "$dir/out" "$dir/err" --state "$st" state)"
  [ "$code" -eq 1 ] || fail "sched state on 300 MB: exit $code, wanted 1"
  [ "$(cat "$dir/err")" = "sched state: corrupt state file $st: the file is 300000000 bytes; a state file may be at most 268435456 bytes" ] ||
    fail "sched state on 300 MB: $(cat "$dir/err")"
  echo "peak RSS: sched state: small file ${base} kB, 300 MB file ${big} kB"
  # Reading the file would take 300,000 kB more than the small file does.
  [ "$big" -lt $((base + 50000)) ] || fail "peak RSS ${big} kB on a 300 MB file (small file: ${base} kB): it was read"
  ok "300 MB: exit 1, one line, peak RSS ${big} kB (small file ${base} kB)"

  # Under the limit the file is read once, and its first byte ends the parse.
  truncate -s 0 "$st" && truncate -s 100000000 "$st"
  read -r code hundred <<<"$(peak_rss "$dir/out" "$dir/err" --state "$st" state)"
  [ "$code" -eq 1 ] || fail "sched state on 100 MB of zeros: exit $code, wanted 1"
  [ "$(cat "$dir/err")" = "sched state: corrupt state file $st: line 1, column 1: unexpected byte 0x00; expected a value" ] ||
    fail "sched state on 100 MB of zeros: $(cat "$dir/err")"
  echo "peak RSS: sched state: 100 MB of zeros ${hundred} kB"
  # One copy of the text (100,000 kB) and no second one. A sanitizer's
  # shadow memory multiplies what an allocation costs: its figure is shown.
  if [ -n "${TSAN_OPTIONS:-}${ASAN_OPTIONS:-}" ]; then
    ok "100 MB of zeros: exit 1, one line, peak RSS ${hundred} kB (sanitizer build: not compared)"
  else
    [ "$hundred" -lt $((base + 150000)) ] || fail "peak RSS ${hundred} kB on a 100 MB file (small file: ${base} kB)"
    ok "100 MB of zeros: exit 1, one line, peak RSS ${hundred} kB"
  fi

  head -c 100000 /dev/zero | tr '\0' '[' >"$st"
  read -r code nested <<<"$(peak_rss "$dir/out" "$dir/err" --state "$st" state)"
  [ "$code" -eq 1 ] || fail "sched state on 100,000 [: exit $code, wanted 1"
  [ "$(cat "$dir/err")" = "sched state: corrupt state file $st: line 1, column 65: nesting deeper than 64 levels" ] ||
    fail "sched state on 100,000 [: $(cat "$dir/err")"
  echo "peak RSS: sched state: 100,000 nested [ ${nested} kB"
  ok "100,000 nested [: exit 1, one line, peak RSS ${nested} kB"
}

# ---------------------------------------------------------------------------
case_e() {
  begin e "environment values and commands with quotes reach the job intact"
  local st=$dir/state.json runner want
  local e1='a=b=c' e2="it's \"quoted\" \`not run\` \$HOME \\ done" e3=$'line 1\nline 2\n' e4='' e5=$'tab\there'
  # A command with single and double quotes, a $ and a backslash: python3
  # writes what it got, printf what the shell made of the quoted words.
  local command="\"$py\" -c 'import json, os, sys; json.dump({k: os.environ.get(k) for k in sys.argv[2:]}, open(sys.argv[1], \"w\"))' '$dir/env.json' E1 E2 E3 E4 E5; printf '%s|%s|%s\\n' \"it's\" 'say \"hi\"' '\$HOME\\' >'$dir/words'"
  "$sched" --state "$st" add quoted -s '* * * * * *' --tz UTC -c "$command" \
    --env "E1=$e1" --env "E2=$e2" --env "E3=$e3" --env "E4=$e4" --env "E5=$e5" >/dev/null 2>"$dir/err" ||
    fail "sched add: $(cat "$dir/err")"
  "$sched" --state "$st" run >"$dir/log" 2>&1 </dev/null &
  runner=$!
  pids+=("$runner")
  wait_for 5 "a run of the job" "[ -s '$dir/words' ] && [ -s '$dir/env.json' ] && grep -q 'finished in' '$dir/log'"
  kill -TERM "$runner"
  wait "$runner" || fail "sched run exited $? after SIGTERM"

  "$py" - "$dir/env.json" "$e1" "$e2" "$e3" "$e4" "$e5" <<'EOF' || fail "the job's environment differs"
import json, sys
got = json.load(open(sys.argv[1]))
want = {f"E{i}": v for i, v in enumerate(sys.argv[2:], 1)}
if got != want:
    print(f"got  {got!r}\nwant {want!r}")
    sys.exit(1)
EOF
  want="it's|say \"hi\"|\$HOME\\"
  [ "$(cat "$dir/words")" = "$want" ] || fail "the command's quoted words: $(cat "$dir/words"), wanted $want"
  "$py" - "$st" "$command" <<'EOF' || fail "the state file does not hold the command as given"
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
sys.exit(0 if job["command"] == sys.argv[2] else 1)
EOF
  ok "E1='$e1', quotes, backquotes, \$ and \\, newlines, an empty value, a tab; the command's quotes"
}

# ---------------------------------------------------------------------------
case_f() {
  begin f "group-writable files: accepted for the owner's private group only"
  if [ "$(id -u)" != 0 ]; then
    echo "skipped: $current: needs root (users and groups of its own in a mount namespace)"
    return
  fi
  if ! command -v setpriv >/dev/null || ! unshare --mount true 2>/dev/null; then
    echo "skipped: $current: setpriv and unshare --mount (util-linux) are needed"
    return
  fi
  if [ -e /var/run/nscd/socket ]; then
    echo "skipped: $current: nscd would answer from the machine's databases"
    return
  fi
  # One user per rule of file_checks.h, each with a 0664 state file and
  # config of its primary group. The ids are far from the machine's own.
  cp /etc/passwd "$dir/passwd"
  cp /etc/group "$dir/group"
  cat >>"$dir/passwd" <<'EOF'
ann:x:42001:42001::/nonexistent:/bin/sh
ben:x:42002:42002::/nonexistent:/bin/sh
cal:x:42003:42003::/nonexistent:/bin/sh
dan:x:42004:42004::/nonexistent:/bin/sh
eve:x:42005:42004::/nonexistent:/bin/sh
fay:x:42006:42100::/nonexistent:/bin/sh
gus:x:42007:42007::/nonexistent:/bin/sh
EOF
  cat >>"$dir/group" <<'EOF'
ann:x:42001:
ben:x:42002:ben
cal:x:42003:eve
dan:x:42004:
team:x:42100:
EOF
  # as USER ARGS...: `sched ARGS...` as USER (and its primary group), with
  # the databases above in place of the machine's.
  as() {
    local ids
    ids=$(awk -F: -v u="$1" '$1 == u {print $3 " " $4}' "$dir/passwd")
    shift
    unshare --mount sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"' \
      sh "$dir/passwd" "$dir/group" setpriv --reuid="${ids% *}" --regid="${ids#* }" --clear-groups "$sched" "$@"
  }
  local user group why home code
  while read -r user group why; do
    home=$dir/$user
    mkdir "$home"
    printf '%s' '{"version": "1.0", "jobs": []}' >"$home/state.json"
    printf '[jobs.x]\nschedule = "@daily"\ncommand = "true"\n' >"$home/sched.toml"
    chown -R "$(awk -F: -v u="$user" '$1 == u {print $3 ":" $4}' "$dir/passwd")" "$home"
    chmod 664 "$home/state.json" "$home/sched.toml"
    as "$user" --state "$home/state.json" state >"$dir/out" 2>"$dir/err"
    code=$?
    if [ "$why" = "-" ]; then
      [ $code -eq 0 ] && [ ! -s "$dir/err" ] || fail "$user's 0664 state file: exit $code: $(cat "$dir/err")"
      as "$user" --config "$home/sched.toml" validate >"$dir/out" 2>"$dir/err" ||
        fail "$user's 0664 config was refused: $(cat "$dir/err")"
      ok "$user, group $group: 0664 state file and config accepted"
      continue
    fi
    [ $code -eq 1 ] && [ "$(cat "$dir/err")" = "sched state: refusing $home/state.json: it is writable by group $group (mode 0664); run chmod g-w $home/state.json" ] ||
      fail "$user's 0664 state file: exit $code: $(cat "$dir/err")"
    as "$user" --config "$home/sched.toml" validate >"$dir/out" 2>"$dir/err"
    code=$?
    [ $code -eq 2 ] && [ "$(cat "$dir/err")" = "sched validate: refusing $home/sched.toml: it is writable by group $group (mode 0664); run chmod g-w $home/sched.toml" ] ||
      fail "$user's 0664 config: exit $code: $(cat "$dir/err")"
    ok "$user, group $group (${why//_/ }): 0664 state file refused (exit 1), config refused (exit 2)"
  done <<'EOF'
ann ann -
ben ben -
cal cal it_lists_another_member
dan dan it_is_another_user's_primary_group
fay team it_is_not_named_after_the_user
gus 42007 it_is_not_in_the_group_database
EOF

  chmod 666 "$dir/ann/sched.toml"
  as ann --config "$dir/ann/sched.toml" validate >"$dir/out" 2>"$dir/err"
  code=$?
  [ $code -eq 2 ] && [ "$(cat "$dir/err")" = "sched validate: refusing $dir/ann/sched.toml: it is writable by others (mode 0666); run chmod o-w $dir/ann/sched.toml" ] ||
    fail "ann's 0666 config: exit $code: $(cat "$dir/err")"
  ok "ann: writable by others is refused, private group or not"
}

start_ms=$(now_ms)
for c in "${cases[@]}"; do
  case $c in
    a | b | c | d | e | f) "case_$c" ;;
    *) echo "FAIL: unknown case $c"; exit 1 ;;
  esac
done
echo "all hostile cases passed in $((($(now_ms) - start_ms) / 1000)) s"
