#!/usr/bin/env bash
# Checks the documentation against the real binary: the man page
# (man/sched.1) and the bash, zsh and fish completions (completions/).
# Usage: docs_test.sh PATH-TO-SCHED SOURCE-DIR
#
#  - groff formats the man page without a warning;
#  - the man page's version is the binary's;
#  - every long option that `sched --help` and `sched next --help` print, and
#    every subcommand, appears in the man page and in each completion file;
#  - the EXIT STATUS section lists exactly the codes of cli/exit_codes.h;
#  - every example block of the man page that starts with "$ sched" prints
#    exactly what the page shows;
#  - bash loads the completion, and completing words gives what it should;
#  - zsh and fish parse their files (skipped when the shell is not installed).
set -u

if (($# != 2)); then
  echo "usage: $0 PATH-TO-SCHED SOURCE-DIR" >&2
  exit 2
fi
sched=$1
src=$2
# Absolute paths: the examples run in a temporary folder.
[[ $sched == /* ]] || sched=$PWD/$sched
[[ $src == /* ]] || src=$PWD/$src
man=$src/man/sched.1
bash_comp=$src/completions/sched.bash
zsh_comp=$src/completions/_sched
fish_comp=$src/completions/sched.fish

passed=0
failed=0
skipped=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "skip: $*"; }
finish() {
  ((skipped == 0)) || echo "($skipped skipped)"
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$sched" "$man" "$bash_comp" "$zsh_comp" "$fish_comp"; do
  if [[ -e $f ]]; then pass "$f exists"; else fail "$f is missing"; fi
done
((failed == 0)) || finish

# --- (a) groff formats the page without a warning ---------------------------
if command -v groff >/dev/null 2>&1; then
  if groff -man -ww -z "$man" >"$tmp/groff" 2>&1 && [[ ! -s $tmp/groff ]]; then
    pass "groff -man -ww -z prints nothing"
  else
    fail "groff -man -ww -z $man:"
    sed 's/^/  /' "$tmp/groff"
  fi
else
  skip "groff is not installed (Debian package groff-base, in scripts/deps.sh): man page not formatted"
fi

# The page as plain text, for searching: no font changes, \- as -.
sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' "$man" >"$tmp/man.txt"

version=$("$sched" --version)
if grep -q "^\.TH SCHED 1 [^ ]* \"$version\"" "$man"; then
  pass "the man page is for $version"
else
  fail "the .TH line of the man page does not name \"$version\": $(grep '^\.TH' "$man")"
fi

# --- (b) every long option and subcommand is documented and completed --------
"$sched" --help >"$tmp/help" 2>&1 || fail "sched --help exits non-zero"
"$sched" next --help >"$tmp/next-help" 2>&1 || fail "sched next --help exits non-zero"
options=$(cat "$tmp/help" "$tmp/next-help" | grep -E '^[[:space:]]+-' |
  grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u)
commands=$(sed -n '/^Subcommands:/,/^$/p' "$tmp/help" | sed -nE 's/^  ([a-z][a-z0-9-]*) .*/\1/p')
if [[ -z $options || -z $commands ]]; then
  fail "found no options or no subcommands in sched --help and sched next --help"
fi

# words TEXT: the lines of TEXT on one line, for messages.
words() { tr '\n' ' ' <<<"$1" | sed 's/ *$//'; }

# has FILE REGEX: an extended regex matches a line of FILE.
has() { grep -qE -- "$2" "$1"; }
edge='([^A-Za-z0-9-]|$)'
for option in $options; do
  name=${option#--}
  missing=()
  has "$tmp/man.txt" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("man page")
  has "$bash_comp" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("bash")
  has "$zsh_comp" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("zsh")
  has "$fish_comp" "(^|[[:space:]])(-l|--long-option)[[:space:]]+$name$edge" || missing+=("fish")
  if ((${#missing[@]} == 0)); then
    pass "$option is in the man page and the three completions"
  else
    fail "$option is missing from: ${missing[*]}"
  fi
done
for command in $commands; do
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$command")
  missing=()
  has "$tmp/man.txt" "^\.SY \"sched $command\"" || missing+=("man page SYNOPSIS")
  has "$tmp/man.txt" "^\.SH \"?$upper\"?$" || missing+=("man page section $upper")
  for f in "$bash_comp" "$zsh_comp" "$fish_comp"; do
    has "$f" "(^|[^A-Za-z0-9-])$command$edge" || missing+=("${f##*/}")
  done
  if ((${#missing[@]} == 0)); then
    pass "subcommand $command is in the man page and the three completions"
  else
    fail "subcommand $command is missing from: ${missing[*]}"
  fi
done

# --- the exit codes of cli/exit_codes.h, and only those, are documented -------
codes=$(sed -nE 's/^[[:space:]]*kExit[A-Za-z]+[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' \
  "$src/cli/exit_codes.h" | LC_ALL=C sort -u)
documented=$(sed -n '/^\.SH "EXIT STATUS"/,/^\.SH /p' "$man" | sed -nE 's/^\.B ([0-9]+)$/\1/p' |
  LC_ALL=C sort -u)
if [[ -n $codes && $codes == "$documented" ]]; then
  pass "EXIT STATUS lists the exit codes of cli/exit_codes.h: $(words "$codes")"
else
  fail "EXIT STATUS lists [$(words "$documented")], cli/exit_codes.h has [$(words "$codes")]"
fi

# --- the man page's examples print what the page shows ------------------------
# Every .EX block whose first line starts with "$ sched" holds commands (lines
# after "$ ", continued by a trailing backslash) each followed by its output.
awk -v dir="$tmp" '
  function replace(s, from, to,    out, i) {
    out = ""
    while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
    return out s
  }
  function plain(s) {
    s = replace(s, "\\-", "-"); s = replace(s, "\\(aq", "\047"); s = replace(s, "\\(dq", "\"")
    s = replace(s, "\\&", ""); s = replace(s, "\\e", "\\")
    return s
  }
  /^\.EX/ { block = 1; first = 1; checked = 0; continued = 0; next }
  /^\.EE/ { block = 0; next }
  !block { next }
  {
    line = plain($0)
    if (first) { checked = (line ~ /^\$ sched /); first = 0 }
    if (!checked) next
    if (continued) { print line > (dir "/example." n ".cmd"); continued = (line ~ /\\$/); next }
    if (line ~ /^\$ /) {
      n++
      print substr(line, 3) > (dir "/example." n ".cmd")
      printf "" > (dir "/example." n ".want")
      continued = (line ~ /\\$/)
      next
    }
    print line > (dir "/example." n ".want")
  }
' "$man"
examples=0
while [[ -e $tmp/example.$((examples + 1)).cmd ]]; do
  examples=$((examples + 1))
  cmd_file=$tmp/example.$examples.cmd
  want_file=$tmp/example.$examples.want
  cmd=$(<"$cmd_file")
  shown=$(tr -s ' ' <<<"${cmd//$'\\\n'/ }")
  # `sched` in the example is the binary under test; TZ is fixed so that an
  # example that forgot --tz still prints the same thing everywhere.
  (cd "$tmp" && SCHED=$sched TZ=UTC bash --norc --noprofile -c 'sched() { "$SCHED" "$@"; }
'"$cmd") >"$tmp/got" 2>&1 </dev/null
  if cmp -s "$want_file" "$tmp/got"; then
    pass "man page example: $shown"
  else
    fail "man page example: $shown"
    diff "$want_file" "$tmp/got" | sed 's/^/  /'
  fi
done
((examples > 0)) || fail "found no \"\$ sched\" example in the man page"

# --- (c) the bash completion ---------------------------------------------------
# complete_bash WORD...: loads the completion into a clean bash, finds the
# function that `complete -p sched` names, and prints what it offers for the
# command line WORD... (the last word is the one being completed), one a line.
complete_bash() {
  bash --norc --noprofile -c '
    file=$1
    shift
    source "$file" || exit 3
    spec=$(complete -p sched 2>/dev/null) || { echo "complete -p sched: no completion"; exit 4; }
    fn=$(sed -nE "s/.* -F ([^ ]+) .*/\1/p" <<<"$spec")
    [[ -n $fn ]] || { echo "complete -p sched: no -F function: $spec"; exit 5; }
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn" sched "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
  ' bash "$bash_comp" "$@"
}
# expect_bash "WANTED WORDS" WORD...
expect_bash() {
  local want got
  want=$(tr ' ' '\n' <<<"$1" | LC_ALL=C sort)
  shift
  got=$(complete_bash "$@" 2>&1)
  if [[ $got == "$want" ]]; then
    pass "bash: '$*<TAB>' offers $(words "$want")"
  else
    fail "bash: '$*<TAB>' offers [$(words "$got")], wanted [$(words "$want")]"
  fi
}
expect_bash "next" sched ne
expect_bash "--dst-gap" sched next --dst-g
expect_bash "--day-match --dst-gap --dst-repeat" sched next --json --d
expect_bash "run-after skip" sched next --dst-gap ""
expect_bash "any all" sched next --day-match ""
expect_bash "auto first both" sched next -s @daily --dst-repeat ""
expect_bash "daily" sched next -s @ da # "@" is in COMP_WORDBREAKS

# Every long option that --help prints is offered.
top_offered=$(complete_bash sched --)
next_offered=$(complete_bash sched next --)
missing=()
while read -r option; do
  grep -qx -- "$option" <<<"$top_offered" || missing+=("sched $option")
done < <(grep -E '^[[:space:]]+-' "$tmp/help" | grep -oE -- '--[a-z][a-z0-9-]*')
while read -r option; do
  grep -qx -- "$option" <<<"$next_offered" || missing+=("sched next $option")
done < <(grep -E '^[[:space:]]+-' "$tmp/next-help" | grep -oE -- '--[a-z][a-z0-9-]*')
if ((${#missing[@]} == 0)); then
  pass "bash: completing -- offers every long option of sched and sched next"
else
  fail "bash: not offered: ${missing[*]}"
fi

if [[ -f /usr/share/zoneinfo/Europe/Berlin ]]; then
  expect_bash "Europe/Berlin" sched next --tz Europe/Berl
  expect_bash "Europe/Berlin" sched next --tz = Europe/Berl # --tz=Europe/Berl
  zones=$(complete_bash sched next --tz "")
  count=$(grep -c . <<<"$zones")
  # A few of the offered zones, spread over the list, must be accepted.
  rejected=()
  for i in 1 $((count / 4)) $((count / 2)) $((3 * count / 4)) "$count"; do
    zone=$(sed -n "${i}p" <<<"$zones")
    "$sched" next -s @daily --tz "$zone" -n 1 >/dev/null 2>&1 || rejected+=("$zone")
  done
  if ((count > 300)) && grep -qx UTC <<<"$zones" && ((${#rejected[@]} == 0)); then
    pass "bash: --tz offers the $count zones of /usr/share/zoneinfo, and sched accepts them"
  else
    fail "bash: --tz offers $count zones (UTC: $(grep -cx UTC <<<"$zones")); sched rejects: ${rejected[*]-}"
  fi
else
  skip "no /usr/share/zoneinfo/Europe/Berlin (package tzdata): zone completion not tested"
fi

# --- (d) zsh and fish parse their files ----------------------------------------
if [[ $(head -n 1 "$zsh_comp") == "#compdef sched" ]]; then
  pass "zsh: $zsh_comp starts with #compdef sched"
else
  fail "zsh: $zsh_comp does not start with #compdef sched"
fi
if command -v zsh >/dev/null 2>&1; then
  if out=$(zsh -n "$zsh_comp" 2>&1) && [[ -z $out ]]; then
    pass "zsh -n $zsh_comp"
  else
    fail "zsh -n $zsh_comp: $out"
  fi
else
  skip "zsh is not installed: $zsh_comp not parsed"
fi
if command -v fish >/dev/null 2>&1; then
  if out=$(fish --no-config -n "$fish_comp" 2>&1) && [[ -z $out ]]; then
    pass "fish -n $fish_comp"
  else
    fail "fish -n $fish_comp: $out"
  fi
else
  skip "fish is not installed: $fish_comp not parsed"
fi

finish
