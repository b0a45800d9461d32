# fish completion for sched(1). Installed as
# ${datadir}/fish/vendor_completions.d/sched.fish.

# The IANA zone names of the tz database, such as Europe/Berlin.
function __sched_zones --description 'List the IANA time zones of the tz database'
    set -l dir /usr/share/zoneinfo
    test -d $dir; or return
    # Zone files start with a capital letter; posix/ and right/ repeat them,
    # and Factory is a placeholder that sched does not accept.
    find -L $dir \( -name posix -o -name right \) -prune -o -type f -print 2>/dev/null |
        string replace -- "$dir/" '' |
        string match -r -- '^[A-Z]\S*$' |
        string match -v -- Factory |
        sort
end

set -l commands next
set -l no_command "not __fish_seen_subcommand_from $commands"
set -l next '__fish_seen_subcommand_from next'

complete -c sched -f

# sched
complete -c sched -n $no_command -s h -l help -d 'Print help and exit'
complete -c sched -n $no_command -l version -d 'Print the version and exit'
complete -c sched -n $no_command -a next -d 'Print the upcoming fire times of a schedule'

# sched next
complete -c sched -n $next -s h -l help -d 'Print the options of sched next and exit'
complete -c sched -n $next -s s -l schedule -x -d 'Cron expression (5 or 6 fields, or a macro)' \
    -a '@yearly @annually @monthly @weekly @daily @midnight @hourly'
complete -c sched -n $next -s n -l count -x -d 'How many fire times to print (1-100000, default 5)'
complete -c sched -n $next -l tz -x -d 'IANA time zone (default: the system zone)' -a '(__sched_zones)'
complete -c sched -n $next -l after -x -d 'Print the fire times strictly after this time (default: now)'
complete -c sched -n $next -l json -d 'Print a JSON document instead of text'
complete -c sched -n $next -l day-match -x -d 'When both day fields are restricted' \
    -a "any\t'A day matches either field (default)' all\t'A day must match both fields'"
complete -c sched -n $next -l dst-gap -x -d 'Fire times that a spring-forward skips' \
    -a "run-after\t'Fire at the first instant after the gap (default)' skip\t'Drop them'"
complete -c sched -n $next -l dst-repeat -x -d 'Fire times that a fall-back repeats' \
    -a "auto\t'Both for hour fields * and */n, else the first (default)' first\t'The first occurrence' both\t'Both occurrences'"
