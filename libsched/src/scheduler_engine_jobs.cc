// The per-job operations of SchedulerEngine: queries and the changes a
// caller asks for (catch-up setting, pause, resume, remove). Each change is
// written to the state before it returns.

#include <algorithm>

#include "sched/error.h"
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

void SchedulerEngine::pause(const std::string& name) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(name);
  if (!entry.record.enabled) return;
  entry.record.enabled = false;
  // Queued runs that have not started are given up, and counted.
  for (const PendingRun& run : entry.queue) skip_fire(entry, run.at, "the job was paused");
  entry.queue.clear();
  entry.next_fire.reset();
  entry.record.next_run.reset();
  commit_record(entry);
  loop_cv_.notify_all();
}

void SchedulerEngine::resume(const std::string& name) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_locked(name);
  if (entry.record.enabled) return;
  // Fires missed while paused are not owed: the watermark moves to now.
  const Instant now = whole_seconds(clock_.now());
  entry.record.enabled = true;
  entry.record.watermark = std::max(*entry.record.watermark, InstantMs{now});
  entry.horizon = std::max(entry.horizon, now);
  entry.next_fire = entry.schedule.next(entry.horizon);
  entry.record.next_run = entry.next_fire ? std::optional<InstantMs>(*entry.next_fire) : std::nullopt;
  commit_record(entry);
  loop_cv_.notify_all();
}

void SchedulerEngine::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::erase(unsaved_, &entry_locked(name));
  jobs_.erase(name);
  backend_->commit([&](StateDocument& doc) {
    std::erase_if(doc.jobs, [&](const JobRecord& record) { return record.name == name; });
  });
  loop_cv_.notify_all();
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
