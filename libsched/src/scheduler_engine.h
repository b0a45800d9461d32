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
//  - the engine writes a job's whole record only when it defines the job
//    (schedule(), and pause/resume/set_catch_up of the library); every other
//    write copies only its bookkeeping onto the record as the file has it
//    now, so that changes other processes made to the file survive, and a
//    job removed from the file is never written back.
// All members but ready_ and ended_ (see there) are guarded by mutex_;
// state writes happen under it, so the order of writes is the order of
// decisions.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sched/catchup.h"
#include "sched/job_records.h"
#include "sched/schedule.h"
#include "sched/zone.h"
#include "sched/scheduler.h"
#include "state_backend.h"

namespace sched {

// Fires are whole seconds; the clock has milliseconds.
inline Instant whole_seconds(InstantMs t) { return date::floor<std::chrono::seconds>(t); }

// How a run ended, as its task reports it.
struct RunOutcome {
  std::string status = "ok";       // "ok" | "failed" | "timeout" | "interrupted" (JobRecord::last_status)
  std::optional<int> exit_code;    // shell jobs
  std::optional<std::string> error;  // one line, for "failed"
};
// What runs for a job. Library tasks are wrapped into one; an exception it
// throws is a failed run reported to on_error.
using RunTask = std::function<RunOutcome(const RunContext&)>;

// The log line of a run's end ("job NAME: the schedule run for T finished in
// 5 ms (exit code 0)", "... failed after ...", "... timed out after ...",
// "... was interrupted after ...") and its level.
std::pair<LogLevel, std::string> describe_run_end(const RunContext& run, const RunOutcome& outcome,
                                                  std::chrono::milliseconds duration);
// Its text, appended to `line`.
void append_run_end(std::string& line, const RunContext& run, const RunOutcome& outcome,
                    std::chrono::milliseconds duration);
// The level of that line, without building it.
LogLevel run_end_level(const RunOutcome& outcome);

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

  // For the sched command's runner, where the state file defines the jobs.
  //
  // The document initialize() loaded (runs left running already marked
  // interrupted), handed over once so that the first sync() needs no
  // second read; schedule() then finds no stored records.
  std::shared_ptr<const StateDocument> take_loaded_document();
  //
  // Makes the scheduled jobs those of `doc` that have a command: adopts new
  // ones (planning their catch-up from their watermark), drops removed ones
  // (their running runs end normally), applies changed definitions and
  // pauses and resumes, and queues the manual runs `sched trigger` asked
  // for. Unchanged jobs are left alone, so syncing with what the engine
  // itself wrote changes nothing and writes nothing.
  void sync(const StateDocument& doc, const std::function<RunTask(const JobRecord&)>& make_task);
  // Starts no more runs (queued ones stay unstarted, so their fires stay
  // missed and are caught up at the next start); running ones go on.
  void stop_starting();
  // Waits until no run is running, at most `limit`; true if none is.
  bool wait_runs_ended(std::chrono::milliseconds limit) const;
  // Waits until nothing is queued or running, at most `limit`.
  bool wait_quiet(std::chrono::milliseconds limit) const;
  std::size_t running() const;
  // Wakes the loop for another round: the wall clock was set (it looks at
  // the clock again), or a run ended (it books the end).
  void wake();

 private:
  struct PendingRun {
    Instant at;
    RunTrigger trigger;
    std::uint64_t skipped;  // older fires skipped when this catch-up was planned
    std::optional<InstantMs> request{};  // manual runs: the triggerRequestedAt it answers
  };

  using ErrorHandler = std::function<void(const TaskError&)>;

  struct Entry {
    // Shared with the workers running it: a start copies no closure.
    std::shared_ptr<const RunTask> task;
    std::shared_ptr<const ErrorHandler> on_error{};
    // Shared, so that the loop can compute next fires without mutex_.
    std::shared_ptr<const Schedule> schedule;
    CatchupPolicy policy;
    JobRecord record;  // this process's view of the job's state record
    Instant horizon{};
    std::optional<Instant> next_fire{};
    // A vector, not a deque: an empty std::deque allocates about 600 bytes,
    // 60 MB for 100,000 jobs that mostly have nothing queued; a queue holds
    // at most max_missed_runs catch-up runs and a fire or two.
    std::vector<PendingRun> queue{};
    int running = 0;
    std::shared_ptr<Job> handle{};
    std::optional<InstantMs> trigger_queued{};  // the manual-run request this engine has queued
    std::optional<InstantMs> trigger_taken{};   // the one it started or dropped: cleared in the file
    bool unsaved = false;  // in unsaved_
    bool waiting = false;  // in waiting_
    bool scheduled = true;  // in jobs_: forget_locked() clears it
    std::uint64_t synced = 0;  // the last sync() whose document has it
    // Bumped by every change to horizon or next_fire made outside the loop,
    // so that a next fire the loop computed without mutex_ is dropped when
    // the entry changed meanwhile.
    std::uint64_t version = 0;
  };

  // A run whose start is recorded, handed to a worker. The worker builds
  // what is only text (the run id, the log lines) outside mutex_.
  struct StartedRun {
    std::shared_ptr<Entry> entry;
    std::shared_ptr<const RunTask> task;
    std::shared_ptr<const ErrorHandler> on_error;
    RunContext context;  // without its run_id
  };

  // Creates the entry of a job from its record (definition and bookkeeping)
  // and applies the watermark rules. `at_start`: the fires since its
  // watermark were missed while no scheduler ran, and their catch-up is
  // planned now; otherwise the loop deals with them as with any late fire.
  std::shared_ptr<Entry> adopt_locked(JobRecord record, RunTask task, Instant now, bool at_start);
  void apply_definition_locked(Entry& entry, const JobRecord& record, RunTask task, Instant now);
  void pause_locked(Entry& entry);
  void resume_locked(Entry& entry, InstantMs from);
  void loop();
  void worker();
  // `missed_wake`: the loop came round late or the wall clock jumped
  // forward, so every fire up to `now` was missed; otherwise the newest fire,
  // if at most kOnTimeSlack old, is an ordinary run.
  // Without a durable backend the next fires of the jobs due are left to
  // advance_fires(), after the runs of this round started.
  // Returns the earliest next fire it knows: of the jobs not due, and of
  // those due whose next fire it computed. With advance_fires()'s, that is
  // the loop's next deadline, found without another pass over every job
  // under mutex_ while the runs of this round start.
  std::optional<Instant> process_due(Instant now, bool missed_wake);
  // Marks the fire of an enabled entry whose next fire is at or before
  // `now`: queues its run (or plans its catch-up, or skips it) and moves its
  // horizon to `now`. Its next fire is the caller's.
  void mark_due(const std::shared_ptr<Entry>& entry, Instant now, bool missed_wake);
  // Without a durable backend, the loop prepares the round of a fire instant
  // kPrepareLead before it: prepare_round() finds the jobs due then and
  // computes their following fires, changing nothing anyone can see. At the
  // instant, if the loop was not poked meanwhile, start_prepared() marks
  // only those jobs and starts their runs as it goes, instead of a pass
  // over every job and then the next fires (for 1,000 jobs due at once the
  // first run started 0.3 ms after its instant, the later ones while the
  // loop computed next fires on one of two cores). Otherwise the round is
  // an ordinary one. With a durable backend the round's write dominates.
  struct PreparedFire {
    std::shared_ptr<Entry> entry;
    std::uint64_t version;              // the entry's when prepared
    std::optional<Instant> following{};  // its fire after the prepared instant
  };
  struct PreparedRound {
    Instant at;
    std::uint64_t pokes;  // pokes_ when prepared
    std::vector<PreparedFire> fires;
    std::optional<Instant> earliest_other{};  // the earliest next fire of the jobs not due then
  };
  // Fills prepared_ for the instant `at`, the loop's next deadline, with
  // `lock` (mutex_) released while it computes the following fires.
  void prepare_round(std::unique_lock<std::mutex>& lock, Instant at);
  // Whether the round at `now` is prepared_'s, and nothing changed since.
  bool prepared_for(InstantMs now, bool missed_wake) const;
  // The round prepared_ prepared, at its instant: marks its fires and starts
  // their runs in batches. Returns the earliest next fire, as process_due().
  std::optional<Instant> start_prepared(InstantMs now);
  // Computes the next fires process_due() left, without holding `lock`
  // (mutex_) meanwhile: for 1,000 jobs due at once that is half a
  // millisecond in which their runs start and end. Used without a durable
  // backend only: with one, the next fires go in the write of the starts.
  // Returns the earliest of them.
  std::optional<Instant> advance_fires(std::unique_lock<std::mutex>& lock);
  // The earliest next fire of any enabled job (a pass over every job).
  std::optional<Instant> earliest_fire_locked() const;
  void apply_plan(const std::shared_ptr<Entry>& entry, const CatchupPlan& plan);
  void skip_fire(Entry& entry, Instant at, const char* why);
  // `mine`: the caller is a worker, which takes the first run started into
  // *mine (its hand-over costs no trip through ready_ and wakes no one);
  // returns whether it got one.
  bool dispatch(InstantMs now, StartedRun* mine = nullptr);
  bool has_queued_locked() const { return !waiting_.empty(); }
  // Wakes the loop for another round; one asked for while the loop had
  // mutex_ released (advance_fires) is not lost.
  void poke_loop_locked() {
    loop_poked_ = true;
    pokes_ += 1;
    loop_cv_.notify_all();
  }
  // Queues a run of the entry's job; dispatch() starts it.
  void enqueue(const std::shared_ptr<Entry>& entry, PendingRun run);
  // Drops a job's entry from the lists that point to it (it is leaving jobs_).
  void forget_locked(Entry& entry);
  // A run that ended, for the loop to book (durable backends).
  struct EndedRun {
    StartedRun run;
    std::chrono::milliseconds duration;  // on the steady clock, never negative
    InstantMs ended;                     // on the wall clock
    RunOutcome outcome;
  };
  // Group commit: woken by a run's end while other runs are still going,
  // the loop waits up to kGatherEnds (real time) for them to end too, so
  // that their ends, and the starts of the slots they free, share one
  // write. Without it each end of 16 short runs woke a round and a write
  // of its own. Never waits past `due`, the loop's next deadline.
  void gather_ends(std::unique_lock<std::mutex>& lock, InstantMs due);
  // Books the runs in ended_ (finish()).
  void book_ended_locked();
  // Takes the next started run off ready_; false when the workers are to end.
  bool take_ready(StartedRun& run);
  // Books the end of a run, under mutex_ (its log line is the worker's).
  void finish(const StartedRun& run, std::chrono::milliseconds duration, InstantMs ended, const RunOutcome& outcome);
  InstantMs durable_watermark(const Entry& entry, Instant now) const;
  // Writes the entries: their whole records, or only their bookkeeping.
  // `missing`, when given, gets the entries whose records the file no
  // longer has (bookkeeping only: another process removed the job).
  bool commit_records(const std::vector<const Entry*>& entries, bool whole_records,
                      std::vector<const Entry*>* missing = nullptr);
  // Changes of one loop round are collected and written once, by flush();
  // false when the write failed (the changes stay unsaved, for the next try).
  void mark_unsaved(Entry& entry);
  bool flush(std::vector<const Entry*>* missing);
  // After a write found that another process removed these jobs of the
  // file (`missing`): their runs in `started` do not start, for their
  // starts were not recorded, and the jobs are forgotten, as the next
  // sync() would. Library jobs (never synced) are left as they are.
  void drop_removed_locked(const std::vector<const Entry*>& missing, std::vector<StartedRun>& started);
  // Logs "job NAME: removed" (with the runs that do not start, if any) and
  // forgets the job; returns the next entry of jobs_.
  std::map<std::string, std::shared_ptr<Entry>>::iterator forget_removed_locked(
      std::map<std::string, std::shared_ptr<Entry>>::iterator it, const std::string& not_started);
  void commit_record(const Entry& entry) { commit_records({&entry}, true); }
  bool idle_locked() const;
  bool quiet_locked() const;
  Entry& entry_locked(const std::string& name) const;
  void log(LogLevel level, const std::string& message) const;
  // Whether a message of `level` is wanted: callers on hot paths build it only then.
  bool logs(LogLevel level) const { return static_cast<int>(level) >= least_level_; }

  SchedulerConfig config_;
  // The least level logged (SchedulerConfig::log_level resolved), as an int
  // so that a scheduler without a sink can log nothing at all.
  static constexpr int kLogsNothing = static_cast<int>(LogLevel::error) + 1;
  int least_level_ = 0;
  Clock& clock_;
  std::unique_ptr<StateBackend> backend_;
  bool durable_;  // backend_->durable()
  Zone default_zone_;
  ScheduleCache schedules_;  // the records' schedules, made once per text (guarded by mutex_)

  mutable std::mutex mutex_;
  std::condition_variable loop_cv_;          // wakes the loop: new work, a run ended, shutdown
  mutable std::condition_variable idle_cv_;  // wakes wait_idle(), wait_quiet(), wait_runs_ended()

  std::map<std::string, std::shared_ptr<Entry>> jobs_;
  std::shared_ptr<const StateDocument> loaded_;  // the document initialize() loaded
  std::map<std::string, std::size_t, std::less<>> stored_;  // its records not yet scheduled: name -> index
  std::map<std::string, std::string> unrunnable_;  // records sync() cannot run, with why (logged once)
  // Started (recorded) runs waiting for a worker, and ended ones waiting
  // for the loop, under a mutex of their own: a worker takes its run and
  // hands its end over while the loop holds mutex_ for a durable write.
  // Lock order: mutex_, then ready_mutex_. A run counts in running_total_
  // from its start until its end is booked.
  std::mutex ready_mutex_;
  std::condition_variable work_cv_;          // wakes workers (with ready_mutex_)
  std::deque<StartedRun> ready_;
  // Ended runs the loop has not booked yet (durable backends only; they
  // count in running_total_ until booked).
  std::vector<EndedRun> ended_;
  bool workers_closing_ = false;             // under ready_mutex_: workers end once ready_ is empty
  std::vector<Entry*> unsaved_;              // changed this round, not yet written (durable backends only)
  std::vector<StartedRun> started_scratch_;  // dispatch()'s, kept for its capacity
  std::vector<std::shared_ptr<Entry>> unadvanced_;  // due this round, next fire not yet computed
  // Entries that may have queued runs, in the order they got them, so that a
  // start costs no pass over every job. Entries with empty queues leave it
  // when dispatch() comes past them. A deque: each start takes from the
  // front, which for a vector moved every entry behind it (1,000 jobs due
  // at once cost a million moves a second).
  std::deque<std::shared_ptr<Entry>> waiting_;
  std::size_t running_total_ = 0;
  bool initialized_ = false;
  bool stopping_ = false;
  bool starting_stopped_ = false;  // stop_starting() was called
  bool loop_poked_ = false;        // poke_loop_locked() since the loop's round began
  std::uint64_t pokes_ = 0;        // pokes of the loop so far: a prepared round is stale after one
  std::optional<PreparedRound> prepared_;
  bool synced_ = false;            // sync() has run once: later adoptions are not at start
  std::uint64_t syncs_ = 0;        // sync() calls so far
  InstantMs started_at_{};         // when initialize() took the state
  std::optional<InstantMs> retry_at_;  // a write failed: the loop tries again then
  InstantMs observed_{};  // the clock time the loop last acted on
  std::thread loop_thread_;
  std::vector<std::thread> workers_;
};

}  // namespace sched
