# bash completion for sched(1).                                -*- shell-script -*-
#
# Installed as ${datadir}/bash-completion/completions/sched, where the
# bash-completion package loads it on first use; it needs nothing from that
# package, so `source completions/sched.bash` works in any bash as well.
#
# Job names come from `sched state --names`, run with the --state and
# --config options given earlier on the command line (and SCHED_STATE,
# SCHED_CONFIG from the environment, as sched itself reads them).

# The IANA zone names of the tz database, such as Europe/Berlin (computed once).
_sched_zones() {
  if [[ -z ${_sched_zone_list+set} ]]; then
    local dir=/usr/share/zoneinfo
    _sched_zone_list=
    if [[ -d $dir ]]; then
      # Zone files start with a capital letter; posix/ and right/ repeat them,
      # and Factory is a placeholder that sched does not accept.
      _sched_zone_list=$(cd "$dir" && find -L . \( -name posix -o -name right \) -prune \
        -o -type f -print 2>/dev/null | sed -n '/^\.\/Factory$/d; s|^\./\([A-Z][^ ]*\)$|\1|p' |
        LC_ALL=C sort)
    fi
  fi
  printf '%s\n' "$_sched_zone_list"
}

# _sched_path WORD: WORD as the shell would pass it, for the simple cases a
# command line holds: one pair of quotes around it, a leading ~ or ~/.
_sched_path() {
  local word=$1
  if [[ $word == \'*\' || $word == \"*\" ]] && ((${#word} >= 2)); then
    word=${word:1:${#word}-2}
  fi
  [[ $word == \~ || $word == \~/* ]] && word=$HOME${word:1}
  printf '%s' "$word"
}

# The names of the jobs, one a line, from the state that the command line
# being completed would use. Prints nothing when sched cannot tell.
_sched_job_names() {
  local -a args=()
  local i word
  for ((i = 1; i < ${#_sched_words[@]} && i < _sched_cword; i++)); do
    word=${_sched_words[i]}
    case $word in
      --state | --config)
        ((i + 1 < _sched_cword)) || break
        args+=("$word" "$(_sched_path "${_sched_words[i + 1]}")")
        ((i++))
        ;;
      --state=* | --config=*)
        args+=("${word%%=*}" "$(_sched_path "${word#*=}")")
        ;;
    esac
  done
  local sched
  sched=$(_sched_path "${_sched_words[0]}")
  "$sched" "${args[@]}" state --names 2>/dev/null </dev/null
}

# _sched_reply PREFIX-LENGTH WORD...: the candidates WORD... in COMPREPLY,
# each without its first PREFIX-LENGTH characters (the part of the word that
# readline does not replace, before a "=", ":" or "@" of COMP_WORDBREAKS).
_sched_reply() {
  local strip=$1 word
  shift
  COMPREPLY=()
  for word in "$@"; do
    [[ -n $word ]] && COMPREPLY+=("${word:strip}")
  done
}

_sched() {
  # bash splits the command line at the characters of COMP_WORDBREAKS ("=",
  # ":" and "@" among them): `--tz=Eur` arrives as `--tz` `=` `Eur`, `-s @da`
  # as `-s` `@` `da`. Glue back the pieces that have no blank between them,
  # using COMP_LINE, so that every word is one argument of sched.
  local -a _sched_words=()
  local _sched_cword=0 line=${COMP_LINE-} i piece glued
  for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
    piece=${COMP_WORDS[i]}
    glued=1
    while [[ -n $line && $line == [[:space:]]* ]]; do
      line=${line:1}
      glued=0
    done
    ((i == 0)) && glued=0
    if ((glued && ${#_sched_words[@]} > 0)); then
      _sched_words[${#_sched_words[@]} - 1]+=$piece
    else
      _sched_words+=("$piece")
    fi
    [[ $line == "$piece"* ]] && line=${line:${#piece}}
  done
  _sched_cword=$((${#_sched_words[@]} - 1))

  local cur=${_sched_words[_sched_cword]}
  local prev=''
  ((_sched_cword > 0)) && prev=${_sched_words[_sched_cword - 1]}
  # --option=value: complete the value for the option.
  if [[ $cur == --*=* ]]; then
    prev=${cur%%=*}
    cur=${cur#*=}
  fi
  # What readline replaces: the current word after its last "=", ":" or "@".
  local replaced=${COMP_WORDS[COMP_CWORD]}
  [[ $replaced == [=:@]* && ${#replaced} -eq 1 ]] && replaced=
  local strip=$((${#cur} - ${#replaced}))
  ((strip < 0)) && strip=0

  # The options that take a value (the value is the next word).
  local value_options='--state --config -s --schedule -c --command --tz --max-missed-runs
    --catch-up-window --timeout --workdir --env --day-match --dst-gap --dst-repeat --log-format
    -n --count --after --at'
  local global_options='--state --config --verbose -v --quiet -q --help -h'

  # The subcommand (the first word that is neither an option nor an option's
  # value), the words after it that are not options, and whether -s was given.
  local command='' word has_schedule=0
  local -a positionals=()
  for ((i = 1; i < _sched_cword; i++)); do
    word=${_sched_words[i]}
    case $word in
      -s | --schedule | --schedule=* | -s?*) has_schedule=1 ;;
    esac
    case $word in
      --*=*) ;;
      -*)
        if [[ " ${value_options//$'\n'/ } " == *" $word "* ]]; then
          # Before the subcommand only the global ones take a value.
          if [[ -n $command || $word == --state || $word == --config ]]; then
            ((i++))
          fi
        fi
        ;;
      *)
        if [[ -z $command ]]; then
          command=$word
        else
          positionals+=("$word")
        fi
        ;;
    esac
  done

  # The value of an option.
  case $prev in
    --state | --config)
      compopt -o filenames 2>/dev/null
      local -a files
      mapfile -t files < <(compgen -f -- "$cur")
      _sched_reply "$strip" "${files[@]}"
      return
      ;;
    --workdir)
      if [[ -n $command ]]; then
        compopt -o filenames 2>/dev/null
        local -a dirs
        mapfile -t dirs < <(compgen -d -- "$cur")
        _sched_reply "$strip" "${dirs[@]}"
        return
      fi
      ;;
  esac
  if [[ -n $command ]]; then
    local -a values=()
    case $prev in
      --tz) mapfile -t values < <(compgen -W "$(_sched_zones)" -- "$cur") ;;
      --day-match) mapfile -t values < <(compgen -W 'any all' -- "$cur") ;;
      --dst-gap) mapfile -t values < <(compgen -W 'run-after skip' -- "$cur") ;;
      --dst-repeat) mapfile -t values < <(compgen -W 'auto first both' -- "$cur") ;;
      --log-format) mapfile -t values < <(compgen -W 'text json' -- "$cur") ;;
      -s | --schedule)
        # The macros; any other expression is typed by hand.
        local macros='@yearly @annually @monthly @weekly @daily @midnight @hourly'
        mapfile -t values < <(compgen -W "$macros" -- "$cur")
        ;;
      -c | --command | -n | --count | --after | --at | --max-missed-runs | --catch-up-window | \
        --timeout | --env)
        COMPREPLY=()
        return
        ;;
      *) prev='' ;;
    esac
    if [[ -n $prev ]]; then
      _sched_reply "$strip" "${values[@]}"
      return
    fi
  fi

  local options='' names=0
  case $command in
    "")
      if [[ $cur == -* ]]; then
        options="$global_options --version"
      else
        local commands='run add remove pause resume state catchup next trigger validate'
        local -a found
        mapfile -t found < <(compgen -W "$commands" -- "$cur")
        _sched_reply "$strip" "${found[@]}"
        return
      fi
      ;;
    run) options='--log-format' ;;
    add)
      options='--schedule -s --command -c --tz --catch-up --no-catch-up --max-missed-runs
        --catch-up-window --protect --no-protect --timeout --workdir --env --day-match --dst-gap
        --dst-repeat --paused --replace'
      # The first word is the new job's name: nothing to offer.
      ((${#positionals[@]} == 0)) && [[ $cur != -* ]] && return
      ;;
    remove | trigger)
      options=''
      ((${#positionals[@]} == 0)) && names=1
      ;;
    pause | resume)
      options='--all'
      names=1
      # --all takes the place of the names.
      for ((i = 1; i < _sched_cword; i++)); do
        [[ ${_sched_words[i]} == --all ]] && names=0
      done
      ;;
    state)
      options='--json --names'
      ((${#positionals[@]} == 0)) && names=1
      ;;
    next)
      options='--schedule -s --count -n --tz --after --json --day-match --dst-gap --dst-repeat'
      ((${#positionals[@]} == 0 && !has_schedule)) && names=1
      ;;
    catchup) options='--dry-run --at --json' ;;
    validate) options='' ;;
    *) return ;;
  esac

  if [[ $cur == -* ]] || ((!names)); then
    [[ -n $command ]] && options="$options $global_options"
    local -a found
    mapfile -t found < <(compgen -W "$options" -- "$cur")
    _sched_reply "$strip" "${found[@]}"
    return
  fi

  # Job names; pause and resume take several, each once.
  local -a jobs=()
  local name given
  while IFS= read -r name; do
    [[ -n $name && $name == "$cur"* ]] || continue
    for given in "${positionals[@]}"; do
      [[ $given == "$name" ]] && continue 2
    done
    jobs+=("$name")
  done < <(_sched_job_names)
  _sched_reply "$strip" "${jobs[@]}"
}

complete -F _sched sched
