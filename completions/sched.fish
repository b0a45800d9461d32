# fish completion for sched(1). Installed as
# ${datadir}/fish/vendor_completions.d/sched.fish.
#
# Job names come from `sched state --names`, run with the --state and --config
# options given on the command line (and SCHED_STATE, SCHED_CONFIG from the
# environment, as sched itself reads them).

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

# The words of the command line before the cursor: the subcommand, then the
# words after it that are not options or option values, one a line; with
# --schedule given, a last line "-s".
function __sched_args --description 'Print the subcommand and the arguments of a sched command line'
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l command
    set -l skip 0
    set -l schedule 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case -s --schedule '--schedule=*' '-s?*'
                set schedule 1
        end
        switch $token
            case '--*=*'
            case --state --config
                set skip 1
            case -s --schedule -c --command --tz --max-missed-runs --catch-up-window --timeout \
                --workdir --env --day-match --dst-gap --dst-repeat --log-format -n --count --after --at
                test -n "$command"; and set skip 1
            case '-*'
            case '*'
                if test -z "$command"
                    set command $token
                end
                echo $token
        end
    end
    test $schedule = 1; and echo -- -s
end

# Whether the word being completed is a job name.
function __sched_wants_job --description 'Whether sched expects a job name here'
    set -l args (__sched_args)
    set -l command $args[1]
    set -l schedule 0
    if contains -- -s $args
        set schedule 1
        set -e args[-1]
    end
    set -l count (math (count $args) - 1)
    switch "$command"
        case remove trigger state
            test $count -eq 0
        case pause resume
            # --all takes the place of the names.
            not contains -- --all (commandline -opc)
        case next
            test $count -eq 0 -a $schedule = 0
        case '*'
            return 1
    end
end

# The job names of the state that the command line uses, but those already
# given.
function __sched_jobs --description 'List the jobs of sched'
    set -l tokens (commandline -opc)
    set -l args
    set -l i 2
    while test $i -le (count $tokens)
        set -l token $tokens[$i]
        switch $token
            case --state --config
                set -l next (math $i + 1)
                if test $next -le (count $tokens)
                    set -a args $token (string replace -r -- '^~(?=/|$)' $HOME $tokens[$next])
                end
                set i $next
            case '--state=*' '--config=*'
                set -a args (string split -m 1 -- = $token)
                set args[-1] (string replace -r -- '^~(?=/|$)' $HOME $args[-1])
        end
        set i (math $i + 1)
    end
    set -l sched (string replace -r -- '^~(?=/|$)' $HOME $tokens[1])
    set -l given (__sched_args)
    for name in ($sched $args state --names 2>/dev/null </dev/null)
        contains -- $name $given[2..-1]; or echo $name
    end
end

set -l commands run add remove pause resume state catchup next trigger validate
set -l no_command "not __fish_seen_subcommand_from $commands"

complete -c sched -f

# The global options, before or after the subcommand.
complete -c sched -s h -l help -d 'Print help and exit'
complete -c sched -n $no_command -l version -d 'Print the version and exit'
complete -c sched -l state -r -F -d 'State file (default: ~/.local/state/sched/state.json)'
complete -c sched -l config -r -F -d 'Config file (default: ~/.config/sched/sched.toml)'
complete -c sched -s v -l verbose -d 'Say more (debug events of sched run)'
complete -c sched -s q -l quiet -d 'Say less: no warnings, no informational lines'

# The subcommands.
complete -c sched -n $no_command -a run -d 'Run the scheduler in the foreground'
complete -c sched -n $no_command -a add -d 'Add a job'
complete -c sched -n $no_command -a remove -d 'Remove a job'
complete -c sched -n $no_command -a pause -d 'Pause jobs'
complete -c sched -n $no_command -a resume -d 'Resume paused jobs'
complete -c sched -n $no_command -a state -d 'Show the jobs and their state'
complete -c sched -n $no_command -a catchup -d 'Show or perform the catch-up of missed runs'
complete -c sched -n $no_command -a next -d 'Print the upcoming fire times of a job or a schedule'
complete -c sched -n $no_command -a trigger -d 'Run a job now'
complete -c sched -n $no_command -a validate -d 'Check the config file'

# Job names: remove, pause, resume, state, next, trigger.
complete -c sched -n __sched_wants_job -a '(__sched_jobs)' -d Job

# sched run
set -l run '__fish_seen_subcommand_from run'
complete -c sched -n $run -l log-format -x -d 'Log format (default: the config\'s log_format, else text)' \
    -a "text\t'One line of text per event' json\t'One JSON object per line'"

# sched add, and the schedule options it shares with sched next
set -l add '__fish_seen_subcommand_from add'
set -l add_next '__fish_seen_subcommand_from add next'
complete -c sched -n $add_next -s s -l schedule -x -d 'Cron expression (5 or 6 fields, or a macro)' \
    -a '@yearly @annually @monthly @weekly @daily @midnight @hourly'
complete -c sched -n $add_next -l tz -x -d 'IANA time zone (default: the system zone)' -a '(__sched_zones)'
complete -c sched -n $add_next -l day-match -x -d 'When both day fields are restricted' \
    -a "any\t'A day matches either field (default)' all\t'A day must match both fields'"
complete -c sched -n $add_next -l dst-gap -x -d 'Fire times that a spring-forward skips' \
    -a "run-after\t'Fire at the first instant after the gap (default)' skip\t'Drop them'"
complete -c sched -n $add_next -l dst-repeat -x -d 'Fire times that a fall-back repeats' \
    -a "auto\t'Both for hour fields * and */n, else the first (default)' first\t'The first occurrence' both\t'Both occurrences'"
complete -c sched -n $add -s c -l command -x -d 'Shell command to run'
complete -c sched -n $add -l catch-up -d 'Catch up missed runs (default: the config\'s default_catch_up)'
complete -c sched -n $add -l no-catch-up -d 'Do not catch up missed runs'
complete -c sched -n $add -l max-missed-runs -x -d 'Catch up at most N missed runs, the most recent'
complete -c sched -n $add -l catch-up-window -x -d 'Skip missed runs older than this (500ms, 30s, 5m, 2h, 7d, 1h30m)'
complete -c sched -n $add -l protect -d 'Never run the job twice at once (default)'
complete -c sched -n $add -l no-protect -d 'Allow overlapping runs'
complete -c sched -n $add -l timeout -x -d 'Stop a run that takes longer (500ms, 30s, 5m, 2h, 7d, 1h30m)'
complete -c sched -n $add -l workdir -x -a '(__fish_complete_directories (commandline -ct))' \
    -d 'Folder the command runs in (default: this one)'
complete -c sched -n $add -l env -x -d 'Add KEY=VALUE to the command\'s environment (repeatable)'
complete -c sched -n $add -l paused -d 'Add the job paused'
complete -c sched -n $add -l replace -d 'Redefine the job if the name is taken'

# sched pause, sched resume
complete -c sched -n '__fish_seen_subcommand_from pause' -l all -d 'Pause every job'
complete -c sched -n '__fish_seen_subcommand_from resume' -l all -d 'Resume every job'

# sched state
set -l state '__fish_seen_subcommand_from state'
complete -c sched -n $state -l json -d 'Print a JSON document for scripts'
complete -c sched -n $state -l names -d 'Print only the job names, one a line'

# sched catchup
set -l catchup '__fish_seen_subcommand_from catchup'
complete -c sched -n $catchup -l dry-run -d 'Print what a start would run and skip, change nothing'
complete -c sched -n $catchup -l at -x -d 'Plan as if the scheduler started at this time'
complete -c sched -n $catchup -l json -d 'Print a JSON document for scripts'

# sched next (and its schedule options, above)
set -l next '__fish_seen_subcommand_from next'
complete -c sched -n $next -s n -l count -x -d 'How many fire times to print (1-100000, default 5)'
complete -c sched -n $next -l after -x -d 'Print the fire times strictly after this time (default: now)'
complete -c sched -n $next -l json -d 'Print a JSON document instead of text'
