# bash completion for sched(1).                                -*- shell-script -*-
#
# Installed as ${datadir}/bash-completion/completions/sched, where the
# bash-completion package loads it on first use; it needs nothing from that
# package, so `source completions/sched.bash` works in any bash as well.

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

_sched() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=''
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local prefix=''

  # bash splits words at the characters of COMP_WORDBREAKS, "=" and "@" among
  # them: `--tz=Eur` arrives as `--tz` `=` `Eur`, `-s @da` as `-s` `@` `da`.
  # Complete the part after the break, for the option before it.
  if [[ $cur == "=" || $cur == "@" ]]; then
    [[ $cur == "@" ]] && prefix=@
    cur=
  elif [[ $prev == "=" || $prev == "@" ]] && ((COMP_CWORD > 1)); then
    [[ $prev == "@" ]] && prefix=@
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  elif [[ $cur == --*=* ]]; then
    # "=" is not in COMP_WORDBREAKS: the whole `--tz=Eur` is one word.
    prev=${cur%%=*}
    cur=${cur#*=}
  fi
  # With "@" a word break, readline replaces only the part after it.
  local strip=''
  [[ $prefix == @ ]] && strip=@

  # The subcommand: the first word after `sched` that is not an option.
  local command='' i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -* | = | @) ;;
      *)
        command=${COMP_WORDS[i]}
        break
        ;;
    esac
  done

  case $command in
    "")
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W '--help -h --version' -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -W 'next' -- "$cur")
      fi
      ;;
    next)
      case $prev in
        --tz)
          mapfile -t COMPREPLY < <(compgen -W "$(_sched_zones)" -- "$cur")
          return
          ;;
        --day-match)
          mapfile -t COMPREPLY < <(compgen -W 'any all' -- "$cur")
          return
          ;;
        --dst-gap)
          mapfile -t COMPREPLY < <(compgen -W 'run-after skip' -- "$cur")
          return
          ;;
        --dst-repeat)
          mapfile -t COMPREPLY < <(compgen -W 'auto first both' -- "$cur")
          return
          ;;
        -s | --schedule)
          # The macros; any other expression is typed by hand.
          local macros='@yearly @annually @monthly @weekly @daily @midnight @hourly'
          mapfile -t COMPREPLY < <(compgen -W "$macros" -- "$prefix$cur")
          [[ -n $strip ]] && COMPREPLY=("${COMPREPLY[@]#@}")
          return
          ;;
        -n | --count | --after)
          return
          ;;
      esac
      local options='--schedule -s --count -n --tz --after --json --day-match --dst-gap --dst-repeat
        --help -h'
      if [[ $cur == -* || -z $cur ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
      fi
      ;;
  esac
}

complete -F _sched sched
