// The per-job operations of SchedulerEngine: queries and the changes a
// caller asks for (catch-up setting, pause, resume, remove), each written to
// the state before it returns; and sync(), which takes the jobs from the
// state file for the sched command's runner.

#include <algorithm>

#include "sched/error.h"
#include "sched/job_records.h"
#include "scheduler_engine.h"

namespace sched {

SchedulerEngine::Entry& SchedulerEngine::entry_locked(const std::string& name) const {
  const auto it = jobs_.find(name);
  if (it == jobs_.end()) throw Error(ErrorCode::job_not_found, "no job named " + name);
  return *it->second;
}

std::optional<JobState> SchedulerEngine::job_state(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(name);
  if (it == jobs_.end()) return std::nullopt;
  return it->second->record;
}

std::map<std::string, JobState> SchedulerEngine::all_job_states() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, JobState> states;
  for (const auto& [name, entry] : jobs_) states.emplace(name, entry->record);
  return states;
}

void SchedulerEngine::set_catch_up(const std::string& name, bool catch_up) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(name);
  entry.policy.catch_up = catch_up;
  entry.record.catch_up = catch_up;
  commit_record(entry);
}

void SchedulerEngine::pause_locked(Entry& entry) {
  entry.record.enabled = false;
  // Queued runs that have not started are given up, and counted.
  for (const PendingRun& run : entry.queue) {
    if (run.trigger != RunTrigger::manual) skip_fire(entry, run.at, "the job was paused");
    if (run.request) entry.trigger_taken = run.request;  // dropped: cleared in the file
  }
  entry.queue.clear();
  entry.next_fire.reset();
  entry.version += 1;
  entry.record.next_run.reset();
}

void SchedulerEngine::resume_locked(Entry& entry, InstantMs from) {
  // Fires missed while paused are not owed: the watermark moves to `from`.
  entry.record.enabled = true;
  entry.record.watermark = std::max(entry.record.watermark.value_or(from), from);
  entry.horizon = std::max(entry.horizon, whole_seconds(from));
  entry.next_fire = entry.schedule->next(entry.horizon);
  entry.version += 1;
  entry.record.next_run = entry.next_fire ? std::optional<InstantMs>(*entry.next_fire) : std::nullopt;
}

void SchedulerEngine::pause(const std::string& name) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(name);
  if (!entry.record.enabled) return;
  pause_locked(entry);
  commit_record(entry);
  poke_loop_locked();
}

void SchedulerEngine::resume(const std::string& name) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(name);
  if (entry.record.enabled) return;
  resume_locked(entry, InstantMs{whole_seconds(clock_.now())});
  commit_record(entry);
  poke_loop_locked();
}

void SchedulerEngine::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  forget_locked(entry_locked(name));
  jobs_.erase(name);
  backend_->commit([&](StateDocument& doc) {
    std::erase_if(doc.jobs, [&](const JobRecord& record) { return record.name == name; });
  });
  poke_loop_locked();
  idle_cv_.notify_all();
}

std::map<std::string, std::shared_ptr<SchedulerEngine::Entry>>::iterator SchedulerEngine::forget_removed_locked(
    std::map<std::string, std::shared_ptr<Entry>>::iterator it, const std::string& not_started) {
  log(LogLevel::info, "job " + it->first + ": removed" +
                          (not_started.empty() ? "" : "; its run for " + not_started + " does not start") +
                          (it->second->running > 0 ? " (its running run goes on)" : ""));
  forget_locked(*it->second);
  return jobs_.erase(it);
}

void SchedulerEngine::sync(const StateDocument& doc, const std::function<RunTask(const JobRecord&)>& make_task) {
  std::lock_guard lock(mutex_);
  if (!initialized_ || stopping_) return;
  const InstantMs now_ms = clock_.now();
  const Instant now = whole_seconds(now_ms);
  // Entries this document has get its number; the others were removed.
  const std::uint64_t sync_number = ++syncs_;
  for (const JobRecord& record : doc.jobs) {
    if (!record.command) {
      if (unrunnable_.emplace(record.name, "no command").second) {
        log(LogLevel::warning, "job " + record.name + ": it has no command (a library job); sched run leaves it alone");
      }
      continue;
    }
    const auto found = jobs_.find(record.name);
    std::shared_ptr<Entry> entry = found == jobs_.end() ? nullptr : found->second;
    if (entry) entry->synced = sync_number;
    try {
      if (!entry) {
        // A job defined after this scheduler took the state (its config
        // merge, another command) missed nothing: the loop has it.
        const bool new_since_start = record.watermark && *record.watermark >= started_at_;
        entry = adopt_locked(record, make_task(record), now, !synced_ && !new_since_start);
        entry->synced = sync_number;
        jobs_[record.name] = entry;
        if (!(entry->record == record)) mark_unsaved(*entry);
        if (logs(LogLevel::debug)) {
          log(LogLevel::debug, "job " + record.name + ": scheduled" +
                                   (entry->next_fire ? ", next run " + format_rfc3339(*entry->next_fire)
                                                     : std::string(record.enabled ? ", never fires again" : ", paused")));
        }
      } else {
        if (!same_definition(entry->record, record)) {
          apply_definition_locked(*entry, record, make_task(record), now);
          mark_unsaved(*entry);
          log(LogLevel::info, "job " + record.name + ": definition changed: " + record.schedule +
                                  (record.timezone.empty() ? "" : " in " + record.timezone));
        }
        if (entry->record.enabled && !record.enabled) {
          pause_locked(*entry);
          mark_unsaved(*entry);
          log(LogLevel::info, "job " + record.name + ": paused");
        } else if (!entry->record.enabled && record.enabled) {
          resume_locked(*entry, record.watermark.value_or(now_ms));
          mark_unsaved(*entry);
          log(LogLevel::info, "job " + record.name + ": resumed" +
                                  (entry->next_fire ? ", next run " + format_rfc3339(*entry->next_fire) : ""));
        }
      }
      unrunnable_.erase(record.name);
    } catch (const Error& e) {
      if (unrunnable_[record.name] != e.what()) {
        unrunnable_[record.name] = e.what();
        log(LogLevel::error, "job " + record.name + ": cannot be scheduled: " + e.what());
      }
      continue;
    }
    // A request is cleared in the file by the write that records its run's
    // start (dispatch), or at once when it is dropped, never before: a
    // crash in between leaves it for the next scheduler.
    const auto& request = record.trigger_requested_at;
    if (request && request != entry->trigger_queued && request != entry->trigger_taken) {
      entry->trigger_queued = request;
      const Instant at = whole_seconds(*request);
      if (entry->record.protect && entry->running > 0) {
        entry->trigger_taken = request;
        mark_unsaved(*entry);
        log(LogLevel::warning, "job " + record.name + ": the manual run asked for at " + format_rfc3339(at) +
                                   " is skipped (the previous run is still going)");
      } else {
        enqueue(entry, {at, RunTrigger::manual, 0, request});
      }
    }
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second->synced == sync_number) {
      ++it;
      continue;
    }
    it = forget_removed_locked(it, "");
  }
  std::erase_if(unrunnable_, [&](const auto& item) { return doc.find(item.first) == nullptr; });
  synced_ = true;
  // The loop writes what this changed, with the starts of its next round:
  // at start-up the catch-up plan of every job and its first runs share
  // one write (of 9 MB and two fsyncs at 10,000 jobs), and READY=1 does
  // not wait for it.
  poke_loop_locked();
  idle_cv_.notify_all();
}

std::shared_ptr<Job> SchedulerEngine::job(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(name);
  return it == jobs_.end() ? nullptr : it->second->handle;
}

std::vector<std::shared_ptr<Job>> SchedulerEngine::jobs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Job>> handles;
  for (const auto& [name, entry] : jobs_) handles.push_back(entry->handle);
  return handles;
}

std::optional<Instant> SchedulerEngine::next_run(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(name);
  return it == jobs_.end() ? std::nullopt : it->second->next_fire;
}

bool SchedulerEngine::is_running(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(name);
  return it != jobs_.end() && it->second->running > 0;
}

}  // namespace sched
