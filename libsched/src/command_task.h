#pragma once
// A job's shell command as a run of the engine: the command line, folder
// and environment from its record, the SCHED_* variables of the run
// (SPEC §3), and the executor's result as the run's outcome.

#include <chrono>

#include "sched/config.h"
#include "sched/executor.h"
#include "sched/job.h"
#include "sched/runner.h"
#include "scheduler_engine.h"

namespace sched {

// The command of `record` (which must have one), without the run's variables.
CommandSpec command_spec(const JobRecord& record, const SchedulerSettings& settings,
                         std::chrono::milliseconds kill_grace);

// Runs `spec` for the run `context` (adding SCHED_JOB, SCHED_SCHEDULED_AT,
// SCHED_RUN_ID, SCHED_CATCHUP, SCHED_SKIPPED, SCHED_RUN_COUNT), forwarding
// its output to `output`, and says how it ended.
RunOutcome run_command(Executor& executor, const CommandSpec& spec, const RunContext& context,
                       const JobOutputSink& output);

}  // namespace sched
