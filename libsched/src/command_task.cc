#include "command_task.h"

#include <cstring>
#include <string>

namespace sched {

CommandSpec command_spec(const JobRecord& record, const SchedulerSettings& settings,
                         std::chrono::milliseconds kill_grace) {
  CommandSpec spec;
  spec.shell = settings.shell;
  spec.command = record.command.value_or("");
  spec.workdir = record.workdir.value_or("");
  spec.env.assign(record.env.begin(), record.env.end());
  spec.timeout = record.timeout;
  spec.kill_grace = kill_grace;
  return spec;
}

RunOutcome run_command(Executor& executor, const CommandSpec& spec, const RunContext& context,
                       const JobOutputSink& output) {
  CommandSpec run = spec;
  run.env.emplace_back("SCHED_JOB", context.job_name);
  run.env.emplace_back("SCHED_SCHEDULED_AT", format_rfc3339(context.scheduled_at));
  run.env.emplace_back("SCHED_RUN_ID", context.run_id);
  run.env.emplace_back("SCHED_CATCHUP", context.catch_up ? "1" : "0");
  run.env.emplace_back("SCHED_SKIPPED", std::to_string(context.skipped));
  run.env.emplace_back("SCHED_RUN_COUNT", std::to_string(context.run_number));
  run.env.emplace_back("SCHED_TRIGGER", to_string(context.trigger));
  const CommandResult result = executor.run(run, [&](OutputStream stream, std::string_view line) {
    if (output) output(context.job_name, stream, line);
  });
  using Status = CommandResult::Status;
  switch (result.status) {
    case Status::exited:
      return RunOutcome{result.exit_code == 0 ? "ok" : "failed", result.exit_code, std::nullopt};
    case Status::signaled: {
      const char* name = ::sigabbrev_np(result.signal);
      return RunOutcome{"failed", result.exit_code,
                        "killed by signal " + std::to_string(result.signal) +
                            (name != nullptr ? std::string(" (SIG") + name + ")" : std::string())};
    }
    case Status::timed_out: return RunOutcome{"timeout", result.exit_code, std::nullopt};
    case Status::interrupted:
      return RunOutcome{"interrupted", result.exit_code < 0 ? std::nullopt : std::optional<int>(result.exit_code),
                        result.error.empty() ? std::nullopt : std::optional<std::string>(result.error)};
    case Status::failed_to_start: return RunOutcome{"failed", std::nullopt, result.error};
  }
  return RunOutcome{"failed", std::nullopt, "unknown result"};
}

}  // namespace sched
