#include "scheduler_engine.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_map>
#include <string>
#include <utility>

#include "adaptive_mutex.h"
#include "sched/error.h"
#include "sched/job_records.h"

namespace sched {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A fire noticed at most this late is an ordinary run; older unrun fires were
// missed (suspend, SIGSTOP, clock set forward) and follow the catch-up rules.
constexpr seconds kOnTimeSlack{60};
// Wall-clock drift against elapsed time beyond this is a jump of the clock.
constexpr milliseconds kJumpTolerance{2000};
// A loop that comes round this long after its last deadline (or after its
// last round, when that deadline had passed) could not run: SIGSTOP, a
// suspend the clocks did not show, a starved machine. Every fire up to now
// was missed and follows the catch-up rules (SPEC §4).
constexpr milliseconds kLateWake{1000};
// Without a durable backend, the loop prepares the round of a fire instant
// this long before it (prepare_round()).
constexpr milliseconds kPrepareLead{10};
// start_prepared() starts runs after marking this many fires.
constexpr std::size_t kStartBatch = 16;
// The loop wakes at least this often even with nothing due.
constexpr std::chrono::hours kIdleWake{1};
// How long, at most, the loop waits for more runs to end before it books
// an end (with a durable backend). Real time, whatever the scheduler's clock.
constexpr milliseconds kGatherEnds{10};


std::string describe(Instant t) { return format_rfc3339(t); }

void append_duration(std::string& out, milliseconds d) {
  const auto s = std::chrono::duration_cast<seconds>(d).count();
  char digits[24];
  const auto put = [&](long long v, std::string_view unit) {
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
    out += unit;
  };
  if (s < 120) {
    put(d.count(), " ms");
  } else if (s < 7200) {
    put(s / 60, " min");
  } else {
    put(s / 3600, " h");
  }
}

std::string describe(milliseconds d) {
  std::string out;
  append_duration(out, d);
  return out;
}

}  // namespace

LogLevel run_end_level(const RunOutcome& outcome) {
  if (outcome.status == "ok") return LogLevel::info;
  return outcome.status == "interrupted" ? LogLevel::warning : LogLevel::error;
}

std::pair<LogLevel, std::string> describe_run_end(const RunContext& run, const RunOutcome& outcome,
                                                  milliseconds duration) {
  std::string line;
  append_run_end(line, run, outcome, duration);
  return {run_end_level(outcome), std::move(line)};
}

void append_run_end(std::string& line, const RunContext& run, const RunOutcome& outcome, milliseconds duration) {
  line += "job ";
  line += run.job_name;
  line += ": the ";
  line += to_string(run.trigger);
  line += " run for ";
  append_rfc3339(line, run.scheduled_at);
  const bool ok = outcome.status == "ok";
  const bool timed_out = outcome.status == "timeout";
  const bool interrupted = outcome.status == "interrupted";
  const bool failed = !ok && !timed_out && !interrupted;  // any other status reads as a failure
  line += ok          ? " finished in "
          : timed_out   ? " timed out after "
          : interrupted ? " was interrupted after "
                        : " failed after ";
  append_duration(line, duration);
  if (timed_out) line += " and was stopped";
  if (outcome.exit_code) {
    line += " (exit code ";
    line += std::to_string(*outcome.exit_code);
    line += ')';
  }
  if (failed && outcome.error) {
    line += ": ";
    line += *outcome.error;
  }
}

SchedulerEngine::SchedulerEngine(SchedulerConfig config, std::unique_ptr<StateBackend> backend)
    : config_(std::move(config)),
      clock_(config_.clock != nullptr ? *config_.clock : SystemClock::instance()),
      backend_(std::move(backend)),
      durable_(backend_->durable()),
      default_zone_(config_.timezone.empty() ? Zone::system() : Zone::locate(config_.timezone)),
      schedules_(default_zone_) {
  if (config_.default_max_missed_runs < 0) {
    throw Error(ErrorCode::invalid_argument, "default_max_missed_runs must be 0 or more");
  }
  // Without a sink, logs() is false for every level, so the sink is never called.
  least_level_ = !config_.log ? kLogsNothing
                              : static_cast<int>(config_.log_level.value_or(
                                    known_threshold(config_.log).value_or(LogLevel::debug)));
  // Workers hand each run on through both: 1,000 library runs due at once
  // started 20% later with waiters that slept at once (bench/fire_precision).
  detail::make_adaptive(mutex_);
  detail::make_adaptive(ready_mutex_);
}

SchedulerEngine::~SchedulerEngine() { shutdown(); }

void SchedulerEngine::log(LogLevel level, const std::string& message) const {
  if (logs(level)) config_.log(level, message);
}

std::shared_ptr<const StateDocument> SchedulerEngine::take_loaded_document() {
  std::lock_guard lock(mutex_);
  stored_.clear();
  return std::move(loaded_);
}

void SchedulerEngine::initialize() {
  std::unique_lock lock(mutex_);
  if (initialized_) throw Error(ErrorCode::invalid_argument, "initialize() was called twice");
  std::shared_ptr<const StateDocument> doc = backend_->open();
  // Runs recorded as started but never as ended died with an earlier
  // process. Their fires are at or below the watermark: they never rerun.
  // The document is the one the store keeps: changed, it is copied first.
  const auto running = [](const JobRecord& record) { return record.last_status == "running"; };
  const bool interrupted = std::any_of(doc->jobs.begin(), doc->jobs.end(), running);
  if (interrupted) {
    auto marked = std::make_shared<StateDocument>(*doc);
    for (JobRecord& record : marked->jobs) {
      if (!running(record)) continue;
      record.last_status = "interrupted";
      log(LogLevel::warning, "job " + record.name + ": its run for " +
                                 (record.last_run ? format_rfc3339(*record.last_run) : std::string("?")) +
                                 " was interrupted (the scheduler stopped before it ended); it will not run again");
    }
    doc = std::move(marked);
  }
  for (std::size_t i = 0; i < doc->jobs.size(); ++i) stored_.emplace(doc->jobs[i].name, i);
  loaded_ = std::move(doc);
  if (interrupted) {
    backend_->commit([](StateDocument& current) {
      for (JobRecord& record : current.jobs) {
        if (record.last_status == "running") record.last_status = "interrupted";
      }
    });
  }
  initialized_ = true;
  observed_ = clock_.now();
  started_at_ = observed_;
  loop_thread_ = std::thread([this] { loop(); });
  const std::size_t workers = std::max<std::size_t>(1, config_.max_concurrent);
  for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { worker(); });
}

void SchedulerEngine::schedule(JobConfig job) {
  validate_job_name(job.name);
  if (!job.task) throw Error(ErrorCode::invalid_job, "job " + job.name + ": no task to run");
  const int max_missed = job.max_missed_runs.value_or(config_.default_max_missed_runs);
  if (max_missed < 0) throw Error(ErrorCode::invalid_job, "job " + job.name + ": max_missed_runs must be 0 or more");

  std::unique_lock lock(mutex_);
  if (!initialized_ || stopping_) throw Error(ErrorCode::invalid_argument, "schedule() needs an initialized scheduler");
  if (jobs_.count(job.name) != 0) throw Error(ErrorCode::job_exists, "a job named " + job.name + " is already scheduled");

  const auto stored = stored_.find(job.name);
  JobRecord record = stored != stored_.end() ? loaded_->jobs[stored->second] : JobRecord{};
  record.name = job.name;
  record.schedule = job.schedule;
  record.timezone = job.timezone.value_or("");
  record.catch_up = job.catch_up.value_or(config_.default_catch_up);
  record.max_missed_runs = max_missed;
  record.catch_up_window = job.catch_up_window;
  record.protect = job.protect;
  record.day_match = to_string(job.options.day_match);
  record.dst_gap = to_string(job.options.dst_gap);
  record.dst_repeat = to_string(job.options.dst_repeat);
  // A pause survives restarts: a stored paused job stays paused.
  record.enabled = job.enabled && (stored == stored_.end() || loaded_->jobs[stored->second].enabled);

  RunTask task = [user_task = job.task](const RunContext& context) {
    user_task(context);
    return RunOutcome{};
  };
  const auto entry = adopt_locked(std::move(record), std::move(task), whole_seconds(clock_.now()), true);
  if (job.on_error) entry->on_error = std::make_shared<const ErrorHandler>(std::move(job.on_error));
  jobs_[job.name] = entry;
  stored_.erase(job.name);
  commit_record(*entry);
  poke_loop_locked();
}

std::shared_ptr<SchedulerEngine::Entry> SchedulerEngine::adopt_locked(JobRecord record, RunTask task, Instant now,
                                                                       bool at_start) {
  // Throws for a record that describes no valid schedule, before any change.
  std::shared_ptr<const Schedule> schedule = schedules_.shared_schedule(record);
  const CatchupPolicy policy = record_policy(record);
  if (policy.max_missed_runs < 0) {
    throw Error(ErrorCode::invalid_job, "job " + record.name + ": max_missed_runs must be 0 or more");
  }
  auto entry = std::make_shared<Entry>(Entry{.task = std::make_shared<const RunTask>(std::move(task)),
                                             .schedule = std::move(schedule),
                                             .policy = policy,
                                             .record = std::move(record)});
  JobRecord& r = entry->record;
  if (!r.watermark) r.watermark = InstantMs{now};
  if (*r.watermark > InstantMs{now} + std::chrono::hours{24}) {
    log(LogLevel::warning, "job " + r.name + ": its watermark " + format_rfc3339(*r.watermark) + " is " +
                               describe(std::chrono::duration_cast<milliseconds>(*r.watermark - now)) +
                               " in the future (was the clock reset?); it is moved to now");
    r.watermark = InstantMs{now};
  }
  const Instant watermark = whole_seconds(*r.watermark);
  entry->horizon = std::max(now, watermark);
  if (r.enabled && watermark < now && !at_start) {
    // A job that appears while the scheduler runs (sched add): its fires
    // since the watermark are the loop's, with the loop's rules, so a fire
    // due a moment before the scheduler read the file is an ordinary run.
    entry->horizon = watermark;
  } else if (r.enabled && watermark < now) {
    apply_plan(entry, plan_catchup(*entry->schedule, entry->policy, watermark, now));
  } else if (!r.enabled) {
    r.watermark = std::max(*r.watermark, InstantMs{now});
  }
  entry->next_fire = r.enabled ? entry->schedule->next(entry->horizon) : std::nullopt;
  r.next_run = entry->next_fire ? std::optional<InstantMs>(*entry->next_fire) : std::nullopt;
  entry->handle = std::shared_ptr<Job>(new Job(r.name, weak_from_this()));
  return entry;
}

void SchedulerEngine::apply_definition_locked(Entry& entry, const JobRecord& record, RunTask task, Instant now) {
  std::shared_ptr<const Schedule> schedule = schedules_.shared_schedule(record);
  const CatchupPolicy policy = record_policy(record);
  entry.task = std::make_shared<const RunTask>(std::move(task));
  entry.schedule = std::move(schedule);
  entry.version += 1;
  entry.policy = policy;
  JobRecord& r = entry.record;
  r.schedule = record.schedule;
  r.timezone = record.timezone;
  r.catch_up = record.catch_up;
  r.max_missed_runs = record.max_missed_runs;
  r.catch_up_window = record.catch_up_window;
  r.protect = record.protect;
  r.timeout = record.timeout;
  r.command = record.command;
  r.workdir = record.workdir;
  r.env = record.env;
  r.day_match = record.day_match;
  r.dst_gap = record.dst_gap;
  r.dst_repeat = record.dst_repeat;
  r.source = record.source;
  entry.horizon = std::max(entry.horizon, now);
  entry.next_fire = r.enabled ? entry.schedule->next(entry.horizon) : std::nullopt;
  r.next_run = entry.next_fire ? std::optional<InstantMs>(*entry.next_fire) : std::nullopt;
}

void SchedulerEngine::apply_plan(const std::shared_ptr<Entry>& entry_ptr, const CatchupPlan& plan) {
  Entry& entry = *entry_ptr;
  JobRecord& record = entry.record;
  if (plan.skipped() > 0) {
    record.skipped_count += plan.skipped();
    record.watermark = std::max(*record.watermark, InstantMs{*plan.last_skipped});
    // A catch-up plan of 10,000 jobs logs a line or two for each: built
    // only when wanted, in one string.
    if (logs(LogLevel::warning)) {
      std::string line = "job " + record.name + ": skipped " + std::to_string(plan.skipped()) + " missed run" +
                         (plan.skipped() == 1 ? "" : "s") + " from ";
      append_rfc3339(line, *plan.first_skipped);
      line += " to ";
      append_rfc3339(line, *plan.last_skipped);
      line += " (" + describe_skips(plan, entry.policy) + ")";
      log(LogLevel::warning, line);
    }
  }
  if (!plan.runs.empty() && logs(LogLevel::info)) {
    std::string line = "job " + record.name + ": catching up " + std::to_string(plan.runs.size()) + " missed run" +
                       (plan.runs.size() == 1 ? "" : "s") + ": ";
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      if (i > 0) line += ", ";
      append_rfc3339(line, plan.runs[i]);
    }
    log(LogLevel::info, line);
  }
  for (Instant at : plan.runs) enqueue(entry_ptr, {at, RunTrigger::catch_up, plan.skipped()});
}

void SchedulerEngine::skip_fire(Entry& entry, Instant at, const char* why) {
  entry.record.skipped_count += 1;
  entry.record.watermark = std::max(*entry.record.watermark, InstantMs{at});
  log(LogLevel::warning, "job " + entry.record.name + ": skipped the run for " + describe(at) + " (" + why + ")");
}

namespace {

void keep_earliest(std::optional<Instant>& earliest, const std::optional<Instant>& t) {
  if (t && (!earliest || *t < *earliest)) earliest = t;
}

}  // namespace

std::optional<Instant> SchedulerEngine::earliest_fire_locked() const {
  std::optional<Instant> earliest;
  for (const auto& [name, entry] : jobs_) {
    if (entry->record.enabled) keep_earliest(earliest, entry->next_fire);
  }
  return earliest;
}

void SchedulerEngine::mark_due(const std::shared_ptr<Entry>& entry, Instant now, bool missed_wake) {
  // On time, the fire due is the one planned (no fire lies between it and
  // now): no search back, which for 1,000 jobs due at once delayed them all.
  const std::optional<Instant> latest =
      *entry->next_fire == now ? entry->next_fire : entry->schedule->prev(now + seconds{1});
  mark_unsaved(*entry);
  if (latest && *latest > entry->horizon) {
    const bool on_time = !missed_wake && *latest >= now - kOnTimeSlack;
    const Instant missed_until = on_time ? *latest - seconds{1} : now;
    if (missed_until > entry->horizon) {
      const CatchupPlan plan = plan_catchup(*entry->schedule, entry->policy, entry->horizon, missed_until);
      if (plan.missed > 0) apply_plan(entry, plan);
    }
    if (on_time) {
      // Runs queued behind it (catch-up) are not "going": this one waits its turn.
      if (entry->record.protect && entry->running > 0) {
        skip_fire(*entry, *latest, "the previous run is still going");
      } else {
        enqueue(entry, {*latest, RunTrigger::schedule, 0});
      }
    }
  }
  entry->horizon = std::max(entry->horizon, now);
}

std::optional<Instant> SchedulerEngine::process_due(Instant now, bool missed_wake) {
  std::optional<Instant> earliest;
  for (auto& [name, entry] : jobs_) {
    if (!entry->record.enabled || !entry->next_fire) continue;
    if (*entry->next_fire > now) {
      keep_earliest(earliest, entry->next_fire);
      continue;
    }
    mark_due(entry, now, missed_wake);
    if (!durable_) {
      unadvanced_.push_back(entry);
    } else {
      entry->next_fire = entry->schedule->next(entry->horizon);
      entry->record.next_run = entry->next_fire ? std::optional<InstantMs>(*entry->next_fire) : std::nullopt;
      keep_earliest(earliest, entry->next_fire);
    }
  }
  return earliest;
}

void SchedulerEngine::prepare_round(std::unique_lock<std::mutex>& lock, Instant at) {
  PreparedRound round{at, pokes_, {}};
  std::vector<std::shared_ptr<const Schedule>> schedules;  // the entries' may be replaced meanwhile
  for (const auto& [name, entry] : jobs_) {
    if (!entry->record.enabled || !entry->next_fire) continue;
    if (*entry->next_fire != at) {
      keep_earliest(round.earliest_other, entry->next_fire);
      continue;
    }
    round.fires.push_back({entry, entry->version});
    schedules.push_back(entry->schedule);
  }
  lock.unlock();
  for (std::size_t i = 0; i < schedules.size(); ++i) round.fires[i].following = schedules[i]->next(at);
  lock.lock();
  prepared_ = std::move(round);
}

bool SchedulerEngine::prepared_for(InstantMs now, bool missed_wake) const {
  return prepared_ && prepared_->pokes == pokes_ && !missed_wake && whole_seconds(now) == prepared_->at;
}

std::optional<Instant> SchedulerEngine::start_prepared(InstantMs now) {
  const PreparedRound& round = *prepared_;  // the loop drops it after the round
  const Instant at = round.at;
  std::optional<Instant> earliest = round.earliest_other;
  std::size_t marked = 0;
  for (const PreparedFire& fire : round.fires) {
    const std::shared_ptr<Entry>& entry = fire.entry;
    // Removed or paused since: that change dealt with its fires.
    if (!entry->scheduled || !entry->record.enabled || !entry->next_fire) continue;
    if (entry->version != fire.version || *entry->next_fire != at) {
      // Changed since (while mutex_ was released): the ordinary way.
      if (*entry->next_fire > at) {
        keep_earliest(earliest, entry->next_fire);
        continue;
      }
      mark_due(entry, at, false);
      unadvanced_.push_back(entry);
      continue;
    }
    mark_due(entry, at, false);
    entry->next_fire = fire.following;
    entry->record.next_run = fire.following ? std::optional<InstantMs>(*fire.following) : std::nullopt;
    keep_earliest(earliest, fire.following);
    // The first runs start while the rest are marked.
    if (++marked % kStartBatch == 0) dispatch(now);
  }
  return earliest;
}

std::optional<Instant> SchedulerEngine::advance_fires(std::unique_lock<std::mutex>& lock) {
  if (unadvanced_.empty()) return std::nullopt;
  struct Advance {
    std::shared_ptr<Entry> entry;
    std::shared_ptr<const Schedule> schedule;  // the entry's may be replaced meanwhile
    Instant from;
    std::uint64_t version;
    std::optional<Instant> next{};
  };
  std::vector<Advance> advances;
  advances.reserve(unadvanced_.size());
  for (std::shared_ptr<Entry>& entry : unadvanced_) {
    const Entry& e = *entry;
    advances.push_back({std::move(entry), e.schedule, e.horizon, e.version});
  }
  unadvanced_.clear();
  lock.unlock();
  for (Advance& advance : advances) advance.next = advance.schedule->next(advance.from);
  lock.lock();
  std::optional<Instant> earliest;
  for (Advance& advance : advances) {
    Entry& entry = *advance.entry;
    // Changed meanwhile (paused, resumed, redefined, removed): the change set
    // its next fire, and woke the loop for another round.
    if (entry.version != advance.version || !entry.scheduled) continue;
    entry.next_fire = advance.next;
    entry.record.next_run = advance.next ? std::optional<InstantMs>(*advance.next) : std::nullopt;
    keep_earliest(earliest, advance.next);
  }
  return earliest;
}

bool SchedulerEngine::dispatch(InstantMs now, StartedRun* mine) {
  std::vector<StartedRun>& started = started_scratch_;
  started.clear();
  // What each start changed, to undo it if the write that records it fails
  // (only a durable write can).
  struct Undo {
    std::shared_ptr<Entry> entry;
    JobRecord record;
    PendingRun run;
    std::optional<InstantMs> trigger_taken;
  };
  std::vector<Undo> undo;
  const bool may_fail = durable_;
  // Entries passed over with runs still queued keep their places, at the front.
  std::vector<std::shared_ptr<Entry>> kept;
  while (!waiting_.empty() && !starting_stopped_ && running_total_ < config_.max_concurrent) {
    std::shared_ptr<Entry> entry = std::move(waiting_.front());
    waiting_.pop_front();
    while (!starting_stopped_ && !entry->queue.empty() && running_total_ < config_.max_concurrent) {
      const PendingRun& next = entry->queue.front();
      // A job's runs go one after another, except that a job without
      // protect may overlap an ordinary run with the one before it.
      const bool may_overlap = !entry->record.protect && next.trigger != RunTrigger::catch_up;
      if (entry->running > 0 && !may_overlap) break;
      JobRecord& record = entry->record;
      if (may_fail) undo.push_back({entry, record, next, entry->trigger_taken});
      if (next.request) entry->trigger_taken = next.request;  // the write clears the request
      record.run_count += 1;
      record.last_run = InstantMs{next.at};
      // A manual run covers no fire time: it leaves the watermark alone.
      if (next.trigger != RunTrigger::manual) record.watermark = std::max(*record.watermark, InstantMs{next.at});
      record.last_status = "running";
      record.last_trigger = to_string(next.trigger);
      record.last_started_at = now;
      record.last_finished_at.reset();
      record.last_duration.reset();
      record.last_exit_code.reset();
      record.last_error.reset();
      RunContext context{record.name, next.at, {}, next.trigger, next.trigger == RunTrigger::catch_up,
                         next.skipped, record.run_count};
      entry->queue.erase(entry->queue.begin());
      entry->running += 1;
      running_total_ += 1;
      started.push_back({entry, entry->task, entry->on_error, std::move(context)});
      mark_unsaved(*entry);
    }
    if (entry->queue.empty()) {
      entry->waiting = false;
    } else {
      kept.push_back(std::move(entry));
    }
  }
  waiting_.insert(waiting_.begin(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  // One durable write records every start of this round, with every other
  // change the round made, before any task runs. A run whose start could
  // not be written does not start: it goes back to its queue and the loop
  // tries again in a second; a crash meanwhile leaves its fire missed,
  // never run twice.
  std::vector<const Entry*> missing;
  if (!flush(&missing)) {
    for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
      it->entry->record = it->record;
      it->entry->trigger_taken = it->trigger_taken;
      it->entry->queue.insert(it->entry->queue.begin(), it->run);
      if (!it->entry->waiting) {
        it->entry->waiting = true;
        waiting_.push_back(it->entry);
      }
      it->entry->running -= 1;
      running_total_ -= 1;
    }
    if (!started.empty()) {
      log(LogLevel::error, std::to_string(started.size()) + " run" + (started.size() == 1 ? "" : "s") +
                               " not started: the state file could not be written; trying again in a second");
    }
    retry_at_ = now + seconds{1};
    return false;
  }
  retry_at_.reset();
  if (!missing.empty()) drop_removed_locked(missing, started);
  if (started.empty()) return false;
  std::size_t first = 0;
  if (mine != nullptr) *mine = std::move(started[first++]);
  const std::size_t to_wake = started.size() - first;
  if (to_wake == 0) return mine != nullptr;
  {
    std::lock_guard ready(ready_mutex_);
    for (std::size_t i = first; i < started.size(); ++i) ready_.push_back(std::move(started[i]));
  }
  // One worker is woken, and each worker that takes a run and leaves more
  // wakes the next (take_ready()): the workers wake one after another, and
  // those that come when the runs are taken go back to sleep. Woken all at
  // once, 16 workers on 2 cores took turns on the two mutexes: the 10th to
  // the 50th of 1,000 runs due together started 10-15 us apart instead of
  // about 1 us (bench/fire_precision).
  work_cv_.notify_one();
  return mine != nullptr;
}

bool SchedulerEngine::take_ready(StartedRun& run) {
  std::unique_lock ready(ready_mutex_);
  work_cv_.wait(ready, [&] { return !ready_.empty() || workers_closing_; });
  if (ready_.empty()) return false;  // closing, and every recorded start has run
  run = std::move(ready_.front());
  ready_.pop_front();
  if (!ready_.empty()) work_cv_.notify_one();  // the next worker, for the next run
  return true;
}

void SchedulerEngine::worker() {
  // The start and end lines of this worker's runs, built in one buffer
  // that keeps its capacity: a line is then no allocation (1,000 runs due
  // at once build 2,000 of them).
  std::string line;
  StartedRun run;
  bool have_run = take_ready(run);
  while (have_run) {
    RunContext& context = run.context;
    context.run_id.reserve(context.job_name.size() + 25);
    context.run_id += context.job_name;
    context.run_id += '@';
    append_rfc3339(context.run_id, context.scheduled_at);
    if (logs(LogLevel::info)) {
      line.clear();
      line += "job ";
      line += context.job_name;
      line += ": started the ";
      line += to_string(context.trigger);
      line += " run for ";
      line.append(context.run_id, context.job_name.size() + 1);  // the instant
      log(LogLevel::info, line);
    }
    // The duration is measured on the clock the wall clock's steps do not
    // move: set back during a run, the wall clock gave a negative duration,
    // which the state file cannot hold.
    const milliseconds started = clock_.elapsed();
    RunOutcome outcome;
    std::optional<TaskError> error;
    try {
      outcome = (*run.task)(context);
    } catch (const std::exception& e) {
      error = TaskError{context, e.what(), std::current_exception()};
    } catch (...) {
      error = TaskError{context, "unknown exception", std::current_exception()};
    }
    if (error) outcome = RunOutcome{"failed", std::nullopt, error->message};
    // The handler runs before the run counts as ended, so that whoever waits
    // for the run (shutdown, wait_idle) also waits for its error report.
    if (error && run.on_error) {
      try {
        (*run.on_error)(*error);
      } catch (...) {
        log(LogLevel::error, "job " + context.job_name + ": its on_error handler threw; ignored");
      }
    }
    const InstantMs ended = clock_.now();
    const milliseconds duration = std::max(milliseconds{0}, clock_.elapsed() - started);
    if (const LogLevel level = run_end_level(outcome); logs(level)) {
      line.clear();
      append_run_end(line, context, outcome, duration);
      log(level, line);
    }
    StartedRun next;
    bool handed_on = false;
    if (durable_) {
      // The loop books the end, with every other end and start of its
      // round, in one write. Handed over without mutex_, which the loop
      // holds while it writes: the ends of a write's duration all go in
      // the next one.
      {
        std::lock_guard ready(ready_mutex_);
        ended_.push_back({std::move(run), duration, ended, std::move(outcome)});
      }
      wake();
    } else {
      // Without a durable write to wait for, the slot just freed goes to
      // the next queued run at once, and to this thread: through the loop
      // each hand-over waited for the loop thread to wake and pass over
      // every job, which made 1,000 library jobs due together start tens
      // of ms late. The loop is woken only for queued runs this thread
      // could not take, or to see the engine idle (wait_idle) after the
      // last end: woken for every end, it passed over every job once per
      // end of a burst, holding mutex_ against the workers.
      std::lock_guard lock(mutex_);
      finish(run, duration, ended, outcome);
      const bool queued = has_queued_locked();
      handed_on = queued && dispatch(clock_.now(), &next);
      if (!handed_on && (queued || running_total_ == 0)) poke_loop_locked();
    }
    run = std::move(next);
    have_run = handed_on || take_ready(run);
  }
}

void SchedulerEngine::gather_ends(std::unique_lock<std::mutex>& lock, InstantMs due) {
  // Never past the next fire: an on-time start does not wait for ends.
  const auto until = std::chrono::steady_clock::now() + std::min<milliseconds>(kGatherEnds, due - clock_.now());
  for (;;) {
    std::size_t ended = 0;
    {
      std::lock_guard ready(ready_mutex_);
      ended = ended_.size();
    }
    if (ended == 0 || ended >= running_total_ || stopping_) return;
    if (loop_cv_.wait_until(lock, until) == std::cv_status::timeout) return;
  }
}

void SchedulerEngine::book_ended_locked() {
  std::vector<EndedRun> ended;
  {
    std::lock_guard ready(ready_mutex_);
    ended.swap(ended_);
  }
  for (const EndedRun& end : ended) finish(end.run, end.duration, end.ended, end.outcome);
}

void SchedulerEngine::enqueue(const std::shared_ptr<Entry>& entry, PendingRun run) {
  entry->queue.push_back(std::move(run));
  if (entry->waiting) return;
  entry->waiting = true;
  waiting_.push_back(entry);
}

void SchedulerEngine::forget_locked(Entry& entry) {
  entry.scheduled = false;
  std::erase(unsaved_, &entry);
  std::erase_if(waiting_, [&](const std::shared_ptr<Entry>& waiting) { return waiting.get() == &entry; });
}

void SchedulerEngine::finish(const StartedRun& run, milliseconds duration, InstantMs ended,
                             const RunOutcome& outcome) {
  Entry& entry = *run.entry;
  entry.running -= 1;
  running_total_ -= 1;
  JobRecord& record = entry.record;
  record.last_status = outcome.status;
  record.last_exit_code = outcome.exit_code;
  record.last_error = outcome.error;
  record.last_duration = duration;
  record.last_finished_at = ended;
  // The loop writes it, with every other result and start of its round: a
  // burst of runs ending together (a catch-up) shares one write.
  if (entry.scheduled) mark_unsaved(entry);
  idle_cv_.notify_all();
}

void SchedulerEngine::mark_unsaved(Entry& entry) {
  // In memory the records are the state: there is nothing to write.
  if (entry.unsaved || !durable_) return;
  entry.unsaved = true;
  unsaved_.push_back(&entry);
}

bool SchedulerEngine::flush(std::vector<const Entry*>* missing) {
  if (unsaved_.empty()) return true;
  if (!commit_records({unsaved_.begin(), unsaved_.end()}, false, missing)) return false;
  for (Entry* entry : unsaved_) entry->unsaved = false;
  unsaved_.clear();
  return true;
}

namespace {

// The fields only the scheduler that runs a job writes.
void copy_bookkeeping(const JobRecord& from, JobRecord& to) {
  to.run_count = from.run_count;
  to.last_run = from.last_run;
  to.next_run = from.next_run;
  to.watermark = to.watermark ? std::max(*to.watermark, *from.watermark) : from.watermark;
  to.last_status = from.last_status;
  to.last_trigger = from.last_trigger;
  to.last_exit_code = from.last_exit_code;
  to.last_duration = from.last_duration;
  to.last_started_at = from.last_started_at;
  to.last_finished_at = from.last_finished_at;
  to.last_error = from.last_error;
  to.skipped_count = from.skipped_count;
}

}  // namespace

InstantMs SchedulerEngine::durable_watermark(const Entry& entry, Instant now) const {
  // Up to now when no fire is pending, else up to the horizon; and below any
  // queued run that has not started, so that a crash leaves it to the next
  // start's catch-up instead of losing it.
  Instant mark = entry.next_fire && *entry.next_fire <= now ? entry.horizon : now;
  for (const PendingRun& run : entry.queue) {
    if (run.trigger != RunTrigger::manual) mark = std::min(mark, run.at - seconds{1});
  }
  return std::max(*entry.record.watermark, InstantMs{mark});
}

bool SchedulerEngine::commit_records(const std::vector<const Entry*>& entries, bool whole_records,
                                     std::vector<const Entry*>* missing) {
  const Instant now = whole_seconds(clock_.now());
  return backend_->commit([&](StateDocument& doc) {
    // The index views the names in doc.jobs, so new records are appended
    // only after the loop.
    std::unordered_map<std::string_view, JobRecord*> index;
    index.reserve(doc.jobs.size());
    for (JobRecord& record : doc.jobs) index.emplace(record.name, &record);
    std::vector<JobRecord> added;
    for (const Entry* entry : entries) {
      const auto found = index.find(entry->record.name);
      if (found == index.end()) {
        // Bookkeeping of a job someone removed from the file is dropped.
        if (whole_records) {
          added.push_back(entry->record);
        } else if (missing != nullptr) {
          missing->push_back(entry);
        }
        continue;
      }
      JobRecord* stored = found->second;
      if (whole_records) {
        // Members this version does not know stay as the file has them now.
        UnknownFields unknown = std::move(stored->unknown);
        const auto request = stored->trigger_requested_at;
        *stored = entry->record;
        stored->unknown = std::move(unknown);
        stored->trigger_requested_at = request;
      } else {
        copy_bookkeeping(entry->record, *stored);
      }
      stored->watermark = std::max(stored->watermark.value_or(InstantMs{}), durable_watermark(*entry, now));
      if (stored->trigger_requested_at && stored->trigger_requested_at == entry->trigger_taken) {
        stored->trigger_requested_at.reset();
      }
    }
    for (JobRecord& record : added) doc.jobs.push_back(std::move(record));
  });
}

void SchedulerEngine::drop_removed_locked(const std::vector<const Entry*>& missing, std::vector<StartedRun>& started) {
  for (const Entry* gone : missing) {
    if (gone->synced == 0 || !gone->scheduled) continue;
    std::string not_started;
    std::erase_if(started, [&](StartedRun& run) {
      if (run.entry.get() != gone) return false;
      run.entry->running -= 1;
      running_total_ -= 1;
      not_started += (not_started.empty() ? "" : ", ") + format_rfc3339(run.context.scheduled_at);
      return true;
    });
    const auto it = jobs_.find(gone->record.name);
    if (it != jobs_.end() && it->second.get() == gone) forget_removed_locked(it, not_started);  // may free `gone`
  }
  idle_cv_.notify_all();
}

void SchedulerEngine::loop() {
  std::unique_lock lock(mutex_);
  InstantMs last_wall = clock_.now();
  milliseconds last_elapsed = clock_.elapsed();
  InstantMs due_back = last_wall;  // when the loop should be round again, at the latest
  while (!stopping_) {
    // Woken before its deadline, by ends: see gather_ends().
    if (durable_ && clock_.now() < due_back) gather_ends(lock, due_back);
    loop_poked_ = false;
    const InstantMs now = clock_.now();
    const milliseconds elapsed = clock_.elapsed();
    const InstantMs expected = last_wall + (elapsed - last_elapsed);
    if (now + kJumpTolerance < expected) {
      log(LogLevel::warning, "the wall clock was set back by " + describe(std::chrono::duration_cast<milliseconds>(
                                                                    expected - now)) +
                                 "; fire times already dealt with will not run again");
      for (auto& [name, entry] : jobs_) {
        if (!entry->record.enabled) continue;
        // A fire at exactly `now` is still due; anything at or below the horizon is done.
        const Instant from = std::max(entry->horizon, whole_seconds(now) - seconds{1});
        entry->next_fire = entry->schedule->next(from);
        entry->version += 1;
        entry->record.next_run = entry->next_fire ? std::optional<InstantMs>(*entry->next_fire) : std::nullopt;
        mark_unsaved(*entry);
      }
    }
    bool missed_wake = now > due_back + kLateWake;
    if (now > expected + kJumpTolerance) {
      missed_wake = true;
      log(LogLevel::info, "the wall clock jumped forward by " +
                              describe(std::chrono::duration_cast<milliseconds>(now - expected)) +
                              " (suspend or clock change); missed runs follow the catch-up rules");
    }
    last_wall = now;
    last_elapsed = elapsed;

    book_ended_locked();
    // Once starting has stopped, fires are left to the next start's catch-up.
    std::optional<Instant> next_fire = starting_stopped_            ? earliest_fire_locked()
                                       : prepared_for(now, missed_wake) ? start_prepared(now)
                                                                        : process_due(whole_seconds(now), missed_wake);
    prepared_.reset();
    dispatch(now);
    keep_earliest(next_fire, advance_fires(lock));
    if (loop_poked_) continue;  // asked for while mutex_ was released
    observed_ = now;
    idle_cv_.notify_all();

    InstantMs deadline = retry_at_.value_or(now + kIdleWake);
    if (next_fire) deadline = std::min(deadline, InstantMs{*next_fire});
    due_back = std::max(deadline, now);
    InstantMs seen = now;
    if (!durable_ && !starting_stopped_ && next_fire && InstantMs{*next_fire} == deadline) {
      const InstantMs prepare_at = deadline - kPrepareLead;
      if (now < prepare_at) {
        clock_.wait_until(lock, loop_cv_, prepare_at, now);
        seen = clock_.now();
        // Woken for other work, or early, or past the instant: a round now.
        if (loop_poked_ || stopping_ || seen < prepare_at || seen >= deadline) continue;
        // Nothing is due before the deadline: this is a round at `seen`.
        observed_ = seen;
        idle_cv_.notify_all();
      }
      prepare_round(lock, *next_fire);
      if (loop_poked_ || stopping_) continue;  // asked for while mutex_ was released
    }
    clock_.wait_until(lock, loop_cv_, deadline, seen);
  }
}

bool SchedulerEngine::idle_locked() const {
  // Equality, not <=: after the clock is set back, a loop that last acted on
  // a later time has not yet seen the current one.
  if (observed_ != clock_.now() || running_total_ != 0 || !unsaved_.empty()) return false;
  return std::all_of(jobs_.begin(), jobs_.end(), [](const auto& job) { return job.second->queue.empty(); });
}

bool SchedulerEngine::quiet_locked() const {
  if (running_total_ != 0 || !unsaved_.empty()) return false;
  return std::all_of(jobs_.begin(), jobs_.end(), [](const auto& job) { return job.second->queue.empty(); });
}

bool SchedulerEngine::wait_quiet(milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, limit, [&] { return quiet_locked(); });
}

bool SchedulerEngine::wait_runs_ended(milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, limit, [&] { return running_total_ == 0; });
}

std::size_t SchedulerEngine::running() const {
  std::lock_guard lock(mutex_);
  return running_total_;
}

void SchedulerEngine::stop_starting() {
  {
    std::lock_guard lock(mutex_);
    starting_stopped_ = true;
    loop_poked_ = true;
    pokes_ += 1;
  }
  loop_cv_.notify_all();
}

void SchedulerEngine::wake() {
  {
    std::lock_guard lock(mutex_);
    loop_poked_ = true;
    pokes_ += 1;
  }
  loop_cv_.notify_all();
}

bool SchedulerEngine::wait_idle(milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, limit, [&] { return idle_locked(); });
}

void SchedulerEngine::shutdown() {
  {
    std::unique_lock lock(mutex_);
    if (!initialized_ || stopping_) return;
    stopping_ = true;
  }
  loop_cv_.notify_all();
  if (loop_thread_.joinable()) loop_thread_.join();
  {
    std::lock_guard ready(ready_mutex_);
    workers_closing_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  std::unique_lock lock(mutex_);
  book_ended_locked();
  std::vector<const Entry*> all;
  for (const auto& [name, entry] : jobs_) all.push_back(entry.get());
  if (!all.empty()) commit_records(all, false);
  backend_->close();
  idle_cv_.notify_all();
}

}  // namespace sched
