#pragma once
// The scheduler of `sched run`: the state file defines the jobs, and each
// run is a shell command (executor.h). It takes the state file for as long
// as it lives, merges the config file's jobs into it, plans every job's
// catch-up, then fires jobs; it follows the changes other `sched` commands
// make to the file (add, remove, pause, resume, trigger) as soon as the file
// changes (inotify), and looks at the clock again whenever the wall clock is
// set (timerfd). SPEC §4-§6.
//
// Thread safety: the methods are called from one thread (the command's);
// the log and output sinks are called from the runner's threads.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sched/clock.h"
#include "sched/config.h"
#include "sched/executor.h"
#include "sched/log.h"
#include "sched/state.h"

namespace sched {

// One line a job printed, without its newline.
using JobOutputSink = std::function<void(const std::string& job, OutputStream stream, std::string_view line)>;

struct RunnerConfig {
  std::filesystem::path state_file;
  SchedulerSettings settings;     // shell, zone, limits, shutdown_grace
  std::optional<Config> config;   // its jobs are merged into the state at start
  Clock* clock = nullptr;         // nullptr: SystemClock::instance()
  LogSink log;                    // one line per event
  LogLevel log_level = LogLevel::debug;  // below it, events are neither built nor logged
  JobOutputSink output;           // every line of every job's output
  std::chrono::milliseconds kill_grace{5000};  // SIGTERM, then SIGKILL after this
};

class Runner {
 public:
  explicit Runner(RunnerConfig config);
  ~Runner();  // shutdown()
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Takes the state file (Error(scheduler_running) at once when another
  // scheduler has it), merges the config's jobs, marks runs a dead process
  // left as interrupted, plans every job's catch-up and starts.
  void start();

  // Merges `config`'s jobs again (SIGHUP) and applies the changes.
  void reload(Config config);

  // Stopping, in steps: no new runs; wait for running ones; stop the rest
  // (SIGTERM to their process groups, then SIGKILL; they are recorded as
  // interrupted); save and release the state file.
  void stop_starting();
  bool wait_runs_ended(std::chrono::milliseconds limit);
  void interrupt_runs();
  void shutdown();

  std::size_t running() const;
  // Waits until no run is queued or running (the catch-up is done), at most `limit`.
  bool wait_quiet(std::chrono::milliseconds limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `sched trigger` without a runner: takes the state file, records a manual
// run of `job` (no fire time is covered: its watermark stays), runs it in the
// foreground and records the result. Throws Error(scheduler_running) when a
// runner holds the file, Error(job_not_found), Error(invalid_job) for a job
// without a command. Returns the run's status: "ok", "failed", "timeout" or
// "interrupted" (executor.interrupt_all() was called, e.g. on SIGINT).
std::string run_job_now(const std::filesystem::path& state_file, const SchedulerSettings& settings,
                        const std::optional<Config>& config, const std::string& job, const LogSink& log,
                        const JobOutputSink& output, Executor& executor, InstantMs now);

}  // namespace sched
