#pragma once
// Starting and stopping a Runner as `sched run` and `sched catchup` do.

#include <chrono>
#include <string>

#include "context.h"
#include "event_log.h"
#include "sched/runner.h"
#include "signals.h"

namespace sched::cli {

// The log format `sched run` uses: --log-format when given, else the config's.
LogFormat log_format(const std::string& option, const Context& context);

RunnerConfig runner_config(const Context& context, EventLog& log);

// Keeps the scheduler's threads to two malloc arenas. Its workers each read
// and write the whole state file now and then; with an arena per thread,
// freed memory of 10,000-job documents would stay reserved in each.
void limit_malloc_arenas();

// Gives back to the system the heap memory start-up used and freed (the
// state file's text, the loaded document, planning's temporaries): malloc
// keeps freed chunks resident, about 40 MB at 100,000 jobs.
void release_freed_memory();

// SPEC §6: no new runs; wait up to `grace` for running ones; then (or at
// once on a second SIGINT or SIGTERM) stop their process groups; save;
// release. `why` names what asked for the stop, for the log.
void stop_runner(Runner& runner, const BlockedSignals& signals, const LogSink& log, std::chrono::milliseconds grace,
                 const std::string& why);

}  // namespace sched::cli
