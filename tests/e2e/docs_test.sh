#!/usr/bin/env bash
# Checks the documentation against the real binary: the man pages
# (man/sched.1, man/sched.toml.5), the bash, zsh and fish completions
# (completions/), and contrib/sched.service.
# Usage: docs_test.sh PATH-TO-SCHED SOURCE-DIR
#
#  - groff formats both pages without a warning, and they name the binary's version;
#  - the subcommands of `sched --help`: each has a SYNOPSIS line and a
#    subsection in sched(1), and is in each completion file;
#  - every option that `sched --help` and `sched SUBCOMMAND --help` print is
#    described in sched(1), in GLOBAL OPTIONS or in its subcommand's
#    subsection, and is in each completion file;
#  - the EXIT STATUS section lists exactly the codes of cli/exit_codes.h;
#  - every example block of sched(1) that starts with "$ sched" prints exactly
#    what the page shows (in a temporary HOME, TZ=UTC);
#  - sched.toml(5) describes every key that the config loader knows, and
#    `sched validate` accepts its EXAMPLE; cmake installs it;
#  - bash, zsh and fish load their completion, and completing gives what it
#    should: subcommands, every option of every subcommand, choice values,
#    zones, files, and the job names of a state file made by `sched add`
#    (from --state on the command line, or SCHED_STATE).
# zsh is driven through a pseudo-terminal (the zsh/zpty module): a real
# interactive zsh with compinit completes each line with TAB, and a wrapper
# around compadd writes down every match it offers.
set -u
umask 022  # sched refuses group-writable files: results must not depend on the caller's umask

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
man5=$src/man/sched.toml.5
bash_comp=$src/completions/sched.bash
zsh_comp=$src/completions/_sched
fish_comp=$src/completions/sched.fish
service=$src/contrib/sched.service

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$sched" "$man" "$man5" "$bash_comp" "$zsh_comp" "$fish_comp" "$service"; do
  if [[ -e $f ]]; then pass "$f exists"; else fail "$f is missing"; fi
done
((failed == 0)) || finish

# Nothing below may see the user's own state, config or shell setup.
export HOME=$tmp/home
mkdir -p "$HOME"
unset SCHED_STATE SCHED_CONFIG XDG_STATE_HOME XDG_CONFIG_HOME XDG_DATA_HOME XDG_CONFIG_DIRS ZDOTDIR
# `sched` on PATH is the binary under test (zsh and fish run it by name).
mkdir -p "$tmp/bin"
ln -s "$sched" "$tmp/bin/sched"
export PATH=$tmp/bin:$PATH

# words TEXT: the lines of TEXT on one line, for messages.
words() { tr '\n' ' ' <<<"$1" | sed 's/ *$//'; }
# has FILE REGEX: an extended regex matches a line of FILE.
has() { grep -qE -- "$2" "$1"; }
edge='([^A-Za-z0-9-]|$)'
# missing_from WANTED GOT: the lines of WANTED that are not lines of GOT.
missing_from() { LC_ALL=C comm -23 <(LC_ALL=C sort -u <<<"$1") <(LC_ALL=C sort -u <<<"$2") | grep .; }

# --- groff formats the pages without a warning; they are for this version -----
version=$("$sched" --version)
for page in "$man" "$man5"; do
  if groff -man -ww -z "$page" >"$tmp/groff" 2>&1 && [[ ! -s $tmp/groff ]]; then
    pass "groff -man -ww -z ${page#"$src"/} prints nothing"
  else
    fail "groff -man -ww -z ${page#"$src"/}:"
    sed 's/^/  /' "$tmp/groff"
  fi
  if grep -q "^\.TH [^ ]* [15] [^ ]* \"$version\"" "$page"; then
    pass "${page#"$src"/} is for $version"
  else
    fail "the .TH line of ${page#"$src"/} does not name \"$version\": $(grep '^\.TH' "$page")"
  fi
done

# The page as plain text, for searching: no font changes, \- as -.
plain_roff() { sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\(ti/~/g' \
  -e 's/\\(aq/'"'"'/g' -e 's/\\%//g' -e 's/\\&//g' -e 's/\\c$//' "$1"; }
plain_roff "$man" >"$tmp/man.txt"
plain_roff "$man5" >"$tmp/man5.txt"

# --- the subcommands and the options of each ------------------------------------
"$sched" --help >"$tmp/help" 2>&1 || fail "sched --help exits non-zero"
commands=$(sed -n '/^Subcommands:/,/^$/p' "$tmp/help" | sed -nE 's/^  ([a-z][a-z0-9-]*) .*/\1/p')
[[ -n $commands ]] || fail "found no subcommands in sched --help"
# options_of HELP-FILE: the options (long and short) of a --help text, one a line.
options_of() {
  sed -nE 's/^[[:space:]]+(-[^[:space:]]+).*/\1/p' "$1" | grep -oE -- '(^|,)--?[A-Za-z][A-Za-z0-9-]*' |
    sed 's/^,//' | LC_ALL=C sort -u
}
options_of "$tmp/help" >"$tmp/options.root"
for command in $commands; do
  if "$sched" "$command" --help >"$tmp/help.$command" 2>&1; then
    options_of "$tmp/help.$command" >"$tmp/options.$command"
  else
    fail "sched $command --help exits non-zero"
    : >"$tmp/options.$command"
  fi
done
[[ -s $tmp/options.root ]] || fail "found no options in sched --help"

# section TITLE: the lines of sched(1)'s .SH TITLE, or .SS "TITLE", up to the next.
section() {
  awk -v title="$1" '
    /^\.S[HS] / {
      t = $0; sub(/^\.S[HS] /, "", t); gsub(/"/, "", t)
      if (inside && ($1 == ".SH" || level == ".SS")) inside = 0
      if (t == title) { inside = 1; level = $1; next }
    }
    inside' "$tmp/man.txt"
}
section "GLOBAL OPTIONS" >"$tmp/man.root"
for command in $commands; do
  section "sched $command" >"$tmp/man.$command"
done

for command in $commands; do
  upper=$command
  missing=()
  has "$tmp/man.txt" "^\.SY \"sched $command\"" || missing+=("man page SYNOPSIS")
  [[ -s $tmp/man.$command ]] || missing+=("man page subsection \"sched $command\"")
  for f in "$bash_comp" "$zsh_comp" "$fish_comp"; do
    has "$f" "(^|[^A-Za-z0-9-])$command$edge" || missing+=("${f##*/}")
  done
  if ((${#missing[@]} == 0)); then
    pass "subcommand $upper is in the man page and the three completion files"
  else
    fail "subcommand $upper is missing from: ${missing[*]}"
  fi
done

# Every option in the man page (its subcommand's subsection; the root's in
# GLOBAL OPTIONS; -h/--help of a subcommand is described once, there) and in
# each completion file.
for command in root $commands; do
  while read -r option; do
    [[ -n $option ]] || continue
    where=$tmp/man.$command
    [[ $command != root && ($option == --help || $option == -h) ]] && where=$tmp/man.root
    name=${option#--}
    name=${name#-}
    missing=()
    has "$where" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("man page (${where##*man.})")
    has "$bash_comp" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("bash")
    has "$zsh_comp" "(^|[^A-Za-z0-9-])$option$edge" || missing+=("zsh")
    if [[ $option == --* ]]; then
      has "$fish_comp" "(^|[[:space:]])(-l|--long-option)[[:space:]]+$name$edge" || missing+=("fish")
    else
      has "$fish_comp" "(^|[[:space:]])(-s|--short-option)[[:space:]]+$name$edge" || missing+=("fish")
    fi
    label="sched${command/#root/} $option"
    label=${label/sched$command/sched $command}
    if ((${#missing[@]} == 0)); then
      pass "$label is in the man page and the three completion files"
    else
      fail "$label is missing from: ${missing[*]}"
    fi
  done <"$tmp/options.$command"
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
# after "$ ", continued by a trailing backslash) each followed by its output;
# a block right after a comment that starts with "example not run" is skipped.
# The blocks run in order, in one folder, with one HOME: a block may use the
# jobs an earlier block added.
awk -v dir="$tmp" '
  function replace(s, from, to,    out, i) {
    out = ""
    while ((i = index(s, from)) > 0) { out = out substr(s, 1, i - 1) to; s = substr(s, i + length(from)) }
    return out s
  }
  function plain(s) {
    s = replace(s, "\\-", "-"); s = replace(s, "\\(aq", "\047"); s = replace(s, "\\(dq", "\"")
    s = replace(s, "\\(ti", "~"); s = replace(s, "\\&", ""); s = replace(s, "\\e", "\\")
    return s
  }
  /^\.\\" example not run/ { norun = 1; next }
  /^\.EX/ { block = 1; first = 1; checked = 0; continued = 0; skip = norun; norun = 0; next }
  /^\.EE/ { block = 0; next }
  !block { next }
  {
    line = plain($0)
    if (first) { checked = (!skip && line ~ /^\$ sched /); first = 0 }
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
mkdir -p "$tmp/examples"
examples=0
while [[ -e $tmp/example.$((examples + 1)).cmd ]]; do
  examples=$((examples + 1))
  cmd_file=$tmp/example.$examples.cmd
  want_file=$tmp/example.$examples.want
  cmd=$(<"$cmd_file")
  shown=$(tr -s ' ' <<<"${cmd//$'\\\n'/ }")
  # `sched` in the example is the binary under test; TZ is fixed so that an
  # example that forgot --tz still prints the same thing everywhere.
  (cd "$tmp/examples" && SCHED=$sched TZ=UTC bash --norc --noprofile -c 'sched() { "$SCHED" "$@"; }
'"$cmd") >"$tmp/got" 2>&1 </dev/null
  if cmp -s "$want_file" "$tmp/got"; then
    pass "man page example: $shown"
  else
    fail "man page example: $shown"
    diff "$want_file" "$tmp/got" | sed 's/^/  /'
  fi
done
((examples > 0)) || fail "found no \"\$ sched\" example in the man page"

# --- sched.toml(5) ---------------------------------------------------------------
keys=$(grep -oE 'key == "[a-z_]+"' "$src/libsched/src/config.cc" | sed -E 's/.*"(.*)"/\1/' |
  grep -vxE 'scheduler|jobs' | LC_ALL=C sort -u)
missing=()
for key in $keys; do
  grep -qE "^\\\\fB$key\\\\fR = " "$man5" || missing+=("$key")
done
if [[ -n $keys ]] && ((${#missing[@]} == 0)); then
  pass "sched.toml(5) describes every key of the config loader: $(words "$keys")"
else
  fail "sched.toml(5) does not describe the keys: ${missing[*]-} (found: $(words "$keys"))"
fi
for what in '\[scheduler\]' '\[jobs\.NAME\]' DURATIONS '~' 'FILE:LINE:COLUMN' 'unknown key'; do
  has "$tmp/man5.txt" "$what" || fail "sched.toml(5) does not mention $what"
done
# The EXAMPLE section's first block is a config file that sched accepts.
sed -n '/^\.SH EXAMPLE/,/^\.EE/p' "$man5" | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
  sed -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\(ti/~/g' -e 's/\\(aq/'"'"'/g' -e 's/\\e/\\/g' \
    -e 's/\\&//g' >"$tmp/example.toml"
jobs_in_example=$(grep -c '^\[jobs\.' "$tmp/example.toml")
out=$("$sched" validate --config "$tmp/example.toml" 2>&1)
status=$?
if ((status == 0)) && [[ $out == "$tmp/example.toml: $jobs_in_example jobs, no problems" ]]; then
  pass "sched validate accepts the EXAMPLE of sched.toml(5) ($jobs_in_example jobs)"
else
  fail "sched validate --config EXAMPLE of sched.toml(5): exit $status: $out"
fi
if grep -qE 'man/sched\.toml\.5.*man5|man5.*man/sched\.toml\.5' "$src/cmake/install.cmake" ||
  grep -A1 -E 'man/sched\.toml\.5' "$src/cmake/install.cmake" | grep -q man5; then
  pass "cmake/install.cmake installs sched.toml.5 into man5"
else
  fail "cmake/install.cmake does not install man/sched.toml.5 into man5"
fi

# --- contrib/sched.service -------------------------------------------------------
missing=()
for line in 'Type=notify' 'ExecStart=/usr/local/bin/sched run' 'KillMode=mixed' 'KillSignal=SIGTERM' \
  'Restart=on-failure' 'TimeoutStopSec=' 'WantedBy=default.target'; do
  grep -q "^$line" "$service" || missing+=("$line")
done
if ((${#missing[@]} == 0)); then
  pass "contrib/sched.service is a Type=notify unit that stops sched with SIGTERM first"
else
  fail "contrib/sched.service lacks: ${missing[*]}"
fi

# --- a state file with two jobs, for the job-name completions ------------------
state=$tmp/jobs/state.json
mkdir -p "$tmp/jobs"
for job in backup report; do
  if ! out=$("$sched" --state "$state" add "$job" --schedule '@daily' --command true 2>&1); then
    fail "setup: sched --state STATE add $job --schedule @daily --command true: $out"
  fi
done
job_names=$("$sched" --state "$state" state --names 2>&1 | LC_ALL=C sort)
if [[ $job_names == $'backup\nreport' ]]; then
  pass "setup: sched state --names lists the two jobs"
else
  fail "setup: sched --state STATE state --names printed [$(words "$job_names")], wanted [backup report]"
fi
mkdir -p "$tmp/cfg/dir.d"
: >"$tmp/cfg/sched.toml"

# --- the bash completion ---------------------------------------------------------
# complete_bash LINE: loads the completion into a clean bash, finds the
# function that `complete -p sched` names, and prints what it offers at the end
# of LINE, one a line. LINE is split into COMP_WORDS as readline does: at
# blanks (outside quotes), and at "=", ":" and "@", which form words of their own.
complete_bash() {
  bash --norc --noprofile -c '
    file=$1 line=$2
    source "$file" || exit 3
    spec=$(complete -p sched 2>/dev/null) || { echo "complete -p sched: no completion"; exit 4; }
    fn=$(sed -nE "s/.* -F ([^ ]+) .*/\1/p" <<<"$spec")
    [[ -n $fn ]] || { echo "complete -p sched: no -F function: $spec"; exit 5; }
    COMP_WORDS=()
    word="" quote="" kind=""   # kind: w (word), b (breaks), or empty
    for ((i = 0; i < ${#line}; i++)); do
      c=${line:i:1}
      if [[ -n $quote ]]; then
        word+=$c
        [[ $c == "$quote" ]] && quote=""
        continue
      fi
      case $c in
        " ")
          [[ -n $kind ]] && COMP_WORDS+=("$word")
          word="" kind=""
          ;;
        "=" | ":" | "@")
          [[ $kind == w ]] && { COMP_WORDS+=("$word"); word=""; }
          word+=$c kind=b
          ;;
        *)
          [[ $kind == b ]] && { COMP_WORDS+=("$word"); word=""; }
          [[ $c == "'"'"'" || $c == "\"" ]] && quote=$c
          word+=$c kind=w
          ;;
      esac
    done
    COMP_WORDS+=("$word")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    "$fn" sched "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
  ' bash "$bash_comp" "$1"
}
# expect_bash "WANTED WORDS" LINE
expect_bash() {
  local want got
  want=$(tr ' ' '\n' <<<"$1" | grep . | LC_ALL=C sort)
  got=$(complete_bash "$2" 2>&1 | grep .)
  if [[ $got == "$want" ]]; then
    pass "bash: '$2<TAB>' offers $(words "$want")"
  else
    fail "bash: '$2<TAB>' offers [$(words "$got")], wanted [$(words "$want")]"
  fi
}
all_commands=$(LC_ALL=C sort <<<"$commands")
expect_bash "$(words "$all_commands")" 'sched '
expect_bash "next" 'sched ne'
expect_bash "pause" 'sched -v pa'
expect_bash "state" "sched --state $state st"
expect_bash "--state" 'sched --st'
expect_bash "--dst-gap" 'sched next --dst-g'
expect_bash "--day-match --dst-gap --dst-repeat" 'sched next --json --d'
expect_bash "run-after skip" 'sched next --dst-gap '
expect_bash "any all" 'sched next --day-match '
expect_bash "auto first both" 'sched next -s @daily --dst-repeat '
expect_bash "auto first both" 'sched add x -s @daily -c true --dst-repeat='
expect_bash "run-after" 'sched add x --dst-gap r'
expect_bash "text json" 'sched run --log-format '
expect_bash "json" 'sched run --log-format=j'
expect_bash "daily" 'sched next -s @da' # "@" is in COMP_WORDBREAKS
expect_bash "--dry-run" 'sched catchup --dr'
expect_bash "--names" 'sched state --na'
expect_bash "--all" 'sched resume --a'
expect_bash "--no-catch-up --no-protect" 'sched add x --no-'
expect_bash "$tmp/cfg/sched.toml" "sched --config $tmp/cfg/sch"
expect_bash "$tmp/cfg/dir.d" "sched add x --workdir $tmp/cfg/"
# Job names, from the state file that the command line names.
expect_bash "backup report" "sched --state $state remove "
expect_bash "report" "sched remove --state $state r"
expect_bash "report" "sched trigger --state=$state re"
expect_bash "backup report" "sched --state $state state "
expect_bash "backup report" "sched --state $state next "
expect_bash "" "sched --state $state next -s '0 8 * * *' b"
expect_bash "report" "sched --state $state pause backup "
expect_bash "backup" "sched --state $state resume -q report "
expect_bash "" "sched --state $state remove backup r"
expect_bash "" "sched --state $state add b"
expect_bash "backup report" "sched --state '$state' trigger "
got=$(SCHED_STATE=$state complete_bash 'sched pause ' | grep .)
if [[ $got == $'backup\nreport' ]]; then
  pass "bash: 'sched pause <TAB>' with SCHED_STATE set offers backup report"
else
  fail "bash: 'sched pause <TAB>' with SCHED_STATE set offers [$(words "$got")], wanted [backup report]"
fi

# Every option that --help prints is offered, for the root and each subcommand.
missing=()
for command in root $commands; do
  line="sched ${command/#root/} -"
  line=${line/sched  -/sched -}
  offered=$(complete_bash "$line")
  for option in $(missing_from "$(cat "$tmp/options.$command")" "$offered"); do
    missing+=("${line% -} $option")
  done
done
if ((${#missing[@]} == 0)); then
  pass "bash: completing - offers every option of sched and of each subcommand"
else
  fail "bash: not offered: ${missing[*]}"
fi

if [[ -f /usr/share/zoneinfo/Europe/Berlin ]]; then
  expect_bash "Europe/Berlin" 'sched next --tz Europe/Berl'
  expect_bash "Europe/Berlin" 'sched next --tz=Europe/Berl'
  expect_bash "Europe/Berlin" 'sched add x --tz Europe/Berl'
  zones=$(complete_bash 'sched next --tz ')
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
  fail "no /usr/share/zoneinfo/Europe/Berlin (Debian package tzdata, in scripts/deps.sh)"
fi

# --- the zsh completion ------------------------------------------------------------
if [[ $(head -n 1 "$zsh_comp") == "#compdef sched" ]]; then
  pass "zsh: $zsh_comp starts with #compdef sched"
else
  fail "zsh: $zsh_comp does not start with #compdef sched"
fi
# The lines to complete, and what each must offer: exactly these words, or
# at least these.
zsh_lines=() zsh_wants=()
zsh_expect() { zsh_lines+=("$3"); zsh_wants+=("$1 $2"); }
zsh_expect exactly "$(words "$all_commands")" 'sched '
zsh_expect exactly "pause" 'sched pa'
zsh_expect exactly "run-after skip" 'sched next --dst-gap '
zsh_expect exactly "text json" 'sched run --log-format '
zsh_expect exactly "backup report" "sched --state $state remove "
zsh_expect exactly "backup report" "sched trigger --state $state "
zsh_expect exactly "report" "sched --state=$state pause backup "
zsh_expect exactly "backup report" "sched --state $state next "
zsh_expect exactly "Europe" 'sched next --tz Euro'
for command in root $commands; do
  line="sched ${command/#root/} -"
  zsh_expect at-least "$(words "$(cat "$tmp/options.$command")")" "${line/sched  -/sched -}"
done
if ! command -v zsh >/dev/null 2>&1; then
  fail "zsh is not installed (scripts/deps.sh installs it): the zsh completion is not tested"
elif out=$(zsh -n "$zsh_comp" 2>&1) && [[ -z $out ]]; then
  pass "zsh -n $zsh_comp"
  cat >"$tmp/zsh-init.zsh" <<'EOF'
PS1='' RPS1='' PROMPT_EOL_MARK=''
zle_bracketed_paste=()
bindkey -e
fpath=("$DOCS_COMPDIR" $fpath)
autoload -Uz compinit && compinit -u -D
# Writes down every match offered, then adds them as usual.
compadd() {
  if (( ${@[(I)-[OAD]]} )); then
    builtin compadd "$@"
    return
  fi
  local -a __hits
  builtin compadd -O __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >>$_docs_out
  builtin compadd "$@"
}
_docs_complete() {
  _main_complete
  compstate[insert]=''
  compstate[list]=''
  print -r -- "${_comps[sched]-none}" >$_docs_out.done
}
zle -C docs-complete complete-word _docs_complete
bindkey '^I' docs-complete
print ready >"$DOCS_OUT/ready"
EOF
  cat >"$tmp/zsh-driver.zsh" <<'EOF'
# zsh -f zsh-driver.zsh LINE...: completes each LINE in an interactive zsh on a
# pseudo-terminal; the matches of line N go to $DOCS_OUT/zsh.N, and
# $DOCS_OUT/zsh.N.done names the function that completed sched.
zmodload zsh/zpty || exit 3
zpty docs zsh -f -i || exit 4
# wait_for FILE: drains the terminal until FILE exists (10 s at most).
wait_for() {
  local junk i
  for (( i = 0; i < 200; i++ )); do
    [[ -e $1 ]] && return 0
    while zpty -rt docs junk 2>/dev/null; do :; done
    sleep 0.05
  done
  return 1
}
zpty -w docs "source ${(q)DOCS_INIT}"
wait_for $DOCS_OUT/ready || { print -u2 "zsh did not start"; exit 5 }
integer n=0
for line; do
  (( n++ ))
  : >$DOCS_OUT/zsh.$n
  zpty -w docs "_docs_out=${(q)DOCS_OUT}/zsh.$n"
  zpty -w -n docs "$line"$'\t'
  wait_for $DOCS_OUT/zsh.$n.done || print -u2 "zsh: no completion for '$line'"
  zpty -w -n docs $'\C-u'
done
zpty -d docs
EOF
  mkdir -p "$tmp/zsh"
  DOCS_COMPDIR=${zsh_comp%/*} DOCS_INIT=$tmp/zsh-init.zsh DOCS_OUT=$tmp/zsh \
    timeout 120 zsh -f "$tmp/zsh-driver.zsh" "${zsh_lines[@]}" >"$tmp/zsh.log" 2>&1 ||
    fail "zsh: the completion driver failed: $(words "$(cat "$tmp/zsh.log")")"
  loaded=$(cat "$tmp/zsh/zsh.1.done" 2>/dev/null)
  if [[ $loaded == _sched ]]; then
    pass "zsh: compinit loads _sched from ${zsh_comp%/*} for sched"
  else
    fail "zsh: compinit does not complete sched with _sched from ${zsh_comp%/*} (got: ${loaded:-nothing})"
  fi
  for ((i = 0; i < ${#zsh_lines[@]}; i++)); do
    n=$((i + 1))
    kind=${zsh_wants[i]%% *}
    want=$(tr ' ' '\n' <<<"${zsh_wants[i]#* }" | grep . | LC_ALL=C sort -u)
    # An option that takes its value after "=" is offered as "--name=".
    got=$(sed 's/=$//' "$tmp/zsh/zsh.$n" 2>/dev/null | grep . | LC_ALL=C sort -u)
    if [[ $kind == exactly && $got == "$want" ]] || [[ $kind == at-least && -z $(missing_from "$want" "$got") ]]; then
      pass "zsh: '${zsh_lines[i]}<TAB>' offers $(words "$want")"
    elif [[ $kind == exactly ]]; then
      fail "zsh: '${zsh_lines[i]}<TAB>' offers [$(words "$got")], wanted [$(words "$want")]"
    else
      fail "zsh: '${zsh_lines[i]}<TAB>' does not offer [$(words "$(missing_from "$want" "$got")")]"
    fi
  done
else
  fail "zsh -n $zsh_comp: $out"
fi

# --- the fish completion -----------------------------------------------------------
# complete_fish LINE: what fish, loading completions/sched.fish from its
# completion path, offers at the end of LINE, one a line. (fish loads the
# completions of a command only when the command exists: sched is on PATH.)
complete_fish() {
  # shellcheck disable=SC2016 # fish expands $DOCS_DIR and $DOCS_LINE
  DOCS_DIR=${fish_comp%/*} DOCS_LINE=$1 fish --no-config -c \
    'set -p fish_complete_path $DOCS_DIR; complete --do-complete=$DOCS_LINE' 2>&1 |
    cut -f1 | grep . | LC_ALL=C sort -u
}
# expect_fish exactly|at-least "WANTED WORDS" LINE
expect_fish() {
  local kind=$1 want got
  want=$(tr ' ' '\n' <<<"$2" | grep . | LC_ALL=C sort -u)
  got=$(complete_fish "$3")
  if [[ $kind == exactly && $got == "$want" ]] || [[ $kind == at-least && -z $(missing_from "$want" "$got") ]]; then
    pass "fish: '$3<TAB>' offers $(words "$want")"
  elif [[ $kind == exactly ]]; then
    fail "fish: '$3<TAB>' offers [$(words "$got")], wanted [$(words "$want")]"
  else
    fail "fish: '$3<TAB>' does not offer [$(words "$(missing_from "$want" "$got")")]"
  fi
}
if ! command -v fish >/dev/null 2>&1; then
  fail "fish is not installed (scripts/deps.sh installs it): the fish completion is not tested"
elif out=$(fish --no-config -n "$fish_comp" 2>&1) && [[ -z $out ]]; then
  pass "fish -n $fish_comp"
  expect_fish exactly "$(words "$all_commands")" 'sched '
  expect_fish exactly "pause" 'sched pa'
  expect_fish exactly "run-after skip" 'sched next --dst-gap '
  expect_fish exactly "text json" 'sched run --log-format '
  expect_fish exactly "backup report" "sched --state $state remove "
  expect_fish exactly "backup report" "sched trigger --state $state "
  expect_fish exactly "report" "sched --state=$state pause backup "
  expect_fish exactly "backup report" "sched --state $state next "
  expect_fish exactly "" "sched --state $state next -s @daily "
  expect_fish exactly "Europe/Berlin" 'sched next --tz Europe/Berl'
  for command in root $commands; do
    line="sched ${command/#root/} -"
    line=${line/sched  -/sched -}
    # fish offers the long options for "--", the short ones for "-".
    expect_fish at-least "$(words "$(grep -- '^--' "$tmp/options.$command")")" "$line-"
    shorts=$(grep -E -- '^-[^-]' "$tmp/options.$command")
    [[ -z $shorts ]] || expect_fish at-least "$(words "$shorts")" "$line"
  done
else
  fail "fish -n $fish_comp: $out"
fi

finish
