#pragma once
// Scheduler and PersistentScheduler (SPEC §8): the seed's API in C++ naming.
// Both have the same methods, so one replaces the other in one line; the
// persistent one keeps job state in a file and catches up on fires missed
// while the process was down (SPEC §4, §5).
//
// Tasks run on worker threads (at most max_concurrent at once). A job's
// catch-up runs run one after another, oldest first.
//
// Thread safety: every public method may be called from any thread, but not
// from inside a task of the same scheduler (they would wait for it).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sched/clock.h"
#include "sched/job.h"
#include "sched/log.h"

namespace sched {

struct SchedulerConfig {
  std::string timezone;           // jobs' default zone; "" = the system's (Zone::system())
  Clock* clock = nullptr;         // nullptr = SystemClock::instance(); must outlive the scheduler
  LogSink log = stderr_log_sink();  // empty: nothing is logged
  // Messages below this level are neither built nor passed to `log`. Empty:
  // the level `log` is known to print from (known_threshold(): warning for
  // the default sink, so that its runs build no lines it would drop), else
  // debug (everything).
  std::optional<LogLevel> log_level;
  std::size_t max_concurrent = 16;  // runs at once, all jobs together
  bool default_catch_up = true;     // for jobs that do not say
  int default_max_missed_runs = 5;  // for jobs that do not say
};

struct PersistentSchedulerConfig : SchedulerConfig {
  std::filesystem::path state_file = ".scheduler-state.json";
  std::chrono::milliseconds save_interval{30000};  // checkpoint of informative fields (nextRun)
  std::chrono::milliseconds lock_wait{5000};       // bounded wait for the state file's lock
};

class SchedulerEngine;

// A live view of one job.
class Job {
 public:
  const std::string& name() const noexcept { return name_; }
  // The next fire time, or empty while paused or when it never fires again.
  std::optional<Instant> next_run() const;
  bool is_running() const;

 private:
  friend class SchedulerEngine;
  Job(std::string name, std::weak_ptr<SchedulerEngine> engine) : name_(std::move(name)), engine_(std::move(engine)) {}
  std::string name_;
  std::weak_ptr<SchedulerEngine> engine_;
};

class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config = {});
  virtual ~Scheduler();  // shutdown() if still running
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Loads state (persistent: takes the state file; throws Error(scheduler_running)
  // when another scheduler holds it) and starts the loop. Call once, first.
  void initialize();

  // Adds a job and plans its catch-up from its stored state. Throws
  // Error(invalid_schedule | unknown_zone | invalid_job | job_exists).
  void schedule(JobConfig job);

  // Stops scheduling, waits for running tasks to end, saves, releases the
  // state file. Idempotent.
  void shutdown();

  std::optional<JobState> get_job_state(const std::string& name) const;
  std::map<std::string, JobState> get_all_job_states() const;

  // These throw Error(job_not_found) for an unknown name.
  void set_catch_up(const std::string& name, bool catch_up);
  void pause_job(const std::string& name);
  void resume_job(const std::string& name);  // missed fires while paused are not owed
  void stop_job(const std::string& name);    // removes the job from the scheduler and the state

  std::shared_ptr<Job> get_job(const std::string& name) const;  // nullptr when unknown
  std::vector<std::shared_ptr<Job>> list_jobs() const;

  // Waits until the loop has seen the clock's current time and no run is
  // running or queued; for tests that drive a ManualClock. Returns false if
  // that did not happen within `limit` of real time.
  bool wait_idle(std::chrono::milliseconds limit = std::chrono::seconds{10}) const;

 protected:
  explicit Scheduler(std::shared_ptr<SchedulerEngine> engine);

 private:
  std::shared_ptr<SchedulerEngine> engine_;
};

class PersistentScheduler : public Scheduler {
 public:
  explicit PersistentScheduler(PersistentSchedulerConfig config = {});
};

}  // namespace sched
