// run_job_now: `sched trigger` when no runner holds the state file.

#include <utility>

#include "command_task.h"
#include "sched/error.h"
#include "sched/job_records.h"
#include "sched/runner.h"

namespace sched {

std::string run_job_now(const std::filesystem::path& state_file, const SchedulerSettings& settings,
                        const std::optional<Config>& config, const std::string& job, const LogSink& log,
                        const JobOutputSink& output, Executor& executor, InstantMs now) {
  // Holding the runner lock for the whole run keeps a `sched run` from
  // starting meanwhile and running the job a second time.
  const RunnerLock runner = RunnerLock::acquire(state_file);
  StateStore store(state_file, {std::chrono::seconds(5), log});
  std::optional<JobRecord> record;
  store.update([&](StateDocument& doc) {
    bool changed = config && !merge_config_jobs(doc, *config, now).empty();
    JobRecord* found = doc.find(job);
    if (found == nullptr) return changed;
    if (!found->command) {
      throw Error(ErrorCode::invalid_job, "job " + job + " has no command (a library job); its program runs it");
    }
    found->run_count += 1;
    found->last_run = now;
    found->last_status = "running";
    found->last_trigger = to_string(RunTrigger::manual);
    found->last_started_at = now;
    found->last_finished_at.reset();
    found->last_duration.reset();
    found->last_exit_code.reset();
    found->last_error.reset();
    record = *found;
    return true;
  });
  if (!record) throw Error(ErrorCode::job_not_found, "no job named " + job);

  const Instant at = date::floor<std::chrono::seconds>(now);
  const RunContext context{job, at, job + "@" + format_rfc3339(at), RunTrigger::manual, false, 0, record->run_count};
  log(LogLevel::info, "job " + job + ": started the manual run for " + format_rfc3339(at));
  const auto started = std::chrono::steady_clock::now();
  const RunOutcome outcome = run_command(executor, command_spec(*record, settings, std::chrono::seconds(5)), context,
                                         output);
  const auto duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  store.update([&](StateDocument& doc) {
    JobRecord* found = doc.find(job);
    if (found == nullptr) return false;
    found->last_status = outcome.status;
    found->last_exit_code = outcome.exit_code;
    found->last_error = outcome.error;
    found->last_duration = duration;
    found->last_finished_at = now + duration;
    return true;
  });
  const auto [level, message] = describe_run_end(context, outcome, duration);
  log(level, message);
  return outcome.status;
}

}  // namespace sched
