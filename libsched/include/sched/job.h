#pragma once
// Jobs as the library sees them: what a caller defines (JobConfig), what a
// task learns about its run (RunContext), and a live handle (Job).

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include "sched/schedule.h"
#include "sched/state.h"
#include "sched/time.h"

namespace sched {

enum class RunTrigger : std::uint8_t {
  schedule,  // a fire at its time
  catch_up,  // a missed fire run after a downtime
  manual,    // asked for by trigger()
};
const char* to_string(RunTrigger trigger) noexcept;  // "schedule", "catch-up", "manual"

// What a task learns about the run it performs.
struct RunContext {
  std::string job_name;
  Instant scheduled_at;        // the fire time this run covers
  std::string run_id;          // "NAME@2024-01-15T08:00:00.000Z"
  RunTrigger trigger = RunTrigger::schedule;
  bool catch_up = false;       // trigger == catch_up
  std::uint64_t skipped = 0;   // older missed fires skipped when this catch-up was planned
  std::uint64_t run_number = 0;  // the job's run count including this run (1 for the first)
};

// A task that throws reports its exception to on_error and the log; the
// scheduler goes on.
struct TaskError {
  RunContext run;
  std::string message;          // what() of the exception, or "unknown exception"
  std::exception_ptr exception;
};

// A job as defined by a library caller. Unset optionals take the scheduler's
// defaults (SchedulerConfig / PersistentSchedulerConfig).
struct JobConfig {
  std::string name;       // 1-64 of A-Z a-z 0-9 . _ -, not starting with . or -
  std::string schedule;   // cron expression (cron.h)
  std::function<void(const RunContext&)> task;
  std::optional<std::string> timezone;         // IANA zone; default: the scheduler's
  std::optional<bool> catch_up;                // default: default_catch_up
  std::optional<int> max_missed_runs;          // default: default_max_missed_runs
  std::optional<std::chrono::milliseconds> catch_up_window;  // default: unlimited
  bool protect = true;    // a fire that finds the last run still going is skipped and counted
  bool enabled = true;    // false: added paused
  ScheduleOptions options;                     // day_match, dst_gap, dst_repeat
  std::function<void(const TaskError&)> on_error;
};

// The state of a job: the record the state file holds (state.h).
using JobState = JobRecord;

// Throws Error(invalid_job) unless `name` follows the rule in JobConfig.
void validate_job_name(std::string_view name);

}  // namespace sched
