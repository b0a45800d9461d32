#pragma once
// The engine behind Scheduler and PersistentScheduler: one loop thread that
// decides what runs when, and worker threads that run tasks.
//
// Bookkeeping contract (SPEC §4-5):
//  - horizon: every fire <= horizon has been dealt with in memory (queued,
//    run or skipped). Planning starts after it, so nothing is planned twice.
//  - watermark (persisted): every fire <= watermark was run or deliberately
//    skipped. It moves when a run starts (in the same write that records the
//    start, before the task runs) and when fires are skipped.
//  - queued runs of one job start one after another, oldest first.
// All members are guarded by mutex_; state writes happen under it, so the
// order of writes is the order of decisions.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sched/catchup.h"
#include "sched/scheduler.h"
#include "state_backend.h"

namespace sched {

// Fires are whole seconds; the clock has milliseconds.
inline Instant whole_seconds(InstantMs t) { return date::floor<std::chrono::seconds>(t); }

class SchedulerEngine : public std::enable_shared_from_this<SchedulerEngine> {
 public:
  SchedulerEngine(SchedulerConfig config, std::unique_ptr<StateBackend> backend);
  ~SchedulerEngine();

  void initialize();
  void schedule(JobConfig job);
  void shutdown();

  std::optional<JobState> job_state(const std::string& name) const;
  std::map<std::string, JobState> all_job_states() const;
  void set_catch_up(const std::string& name, bool catch_up);
  void pause(const std::string& name);
  void resume(const std::string& name);
  void remove(const std::string& name);
  std::shared_ptr<Job> job(const std::string& name) const;
  std::vector<std::shared_ptr<Job>> jobs() const;
  std::optional<Instant> next_run(const std::string& name) const;
  bool is_running(const std::string& name) const;
  bool wait_idle(std::chrono::milliseconds limit) const;

 private:
  struct PendingRun {
    Instant at;
    RunTrigger trigger;
    std::uint64_t skipped;  // older fires skipped when this catch-up was planned
  };

  struct Entry {
    JobConfig config;
    Schedule schedule;
    CatchupPolicy policy;
    JobRecord record;  // this process's view of the job's state record
    Instant horizon;
    std::optional<Instant> next_fire;
    std::deque<PendingRun> queue;
    int running = 0;
    std::shared_ptr<Job> handle;
  };

  struct StartedRun {
    std::shared_ptr<Entry> entry;
    RunContext context;
  };

  void loop();
  void worker();
  void process_due(Instant now);
  void apply_plan(Entry& entry, const CatchupPlan& plan);
  void skip_fire(Entry& entry, Instant at, const char* why);
  void dispatch(InstantMs now);
  void finish(const StartedRun& run, InstantMs started, const std::optional<TaskError>& error);
  void commit_records(const std::vector<const Entry*>& entries);
  // Changes of one loop round are collected and written once, by flush().
  void mark_unsaved(const Entry& entry);
  void flush();
  void commit_record(const Entry& entry) { commit_records({&entry}); }
  bool idle_locked() const;
  Entry& entry_locked(const std::string& name) const;
  void log(LogLevel level, const std::string& message) const;

  SchedulerConfig config_;
  Clock& clock_;
  std::unique_ptr<StateBackend> backend_;
  Zone default_zone_;

  mutable std::mutex mutex_;
  std::condition_variable loop_cv_;          // wakes the loop: new work, a run ended, shutdown
  std::condition_variable work_cv_;          // wakes workers
  mutable std::condition_variable idle_cv_;  // wakes wait_idle()

  std::map<std::string, std::shared_ptr<Entry>> jobs_;
  std::map<std::string, JobRecord> stored_;  // records loaded at initialize
  std::deque<StartedRun> ready_;             // started (recorded) runs waiting for a worker
  std::vector<const Entry*> unsaved_;        // changed this round, not yet written
  std::size_t running_total_ = 0;
  bool initialized_ = false;
  bool stopping_ = false;
  InstantMs observed_{};  // the clock time the loop last acted on
  std::thread loop_thread_;
  std::vector<std::thread> workers_;
};

}  // namespace sched
