// Scheduler and PersistentScheduler: the public faces of SchedulerEngine.

#include "sched/scheduler.h"

#include <string>

#include "sched/error.h"
#include "scheduler_engine.h"
#include "state_backend.h"

namespace sched {

const char* to_string(RunTrigger trigger) noexcept {
  switch (trigger) {
    case RunTrigger::schedule: return "schedule";
    case RunTrigger::catch_up: return "catch-up";
    case RunTrigger::manual: return "manual";
  }
  return "schedule";
}

void validate_job_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  };
  std::string problem;
  if (name.empty() || name.size() > 64) {
    problem = "it must have 1 to 64 characters";
  } else if (name.front() == '.' || name.front() == '-') {
    problem = "it must not start with '.' or '-'";
  } else {
    for (char c : name) {
      if (!allowed(c)) {
        problem = "only A-Z a-z 0-9 . _ - are allowed";
        break;
      }
    }
  }
  if (problem.empty()) return;
  std::string shown;
  for (char c : name.substr(0, 80)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
  throw Error(ErrorCode::invalid_job, "invalid job name \"" + shown + "\": " + problem);
}

std::optional<Instant> Job::next_run() const {
  const auto engine = engine_.lock();
  return engine ? engine->next_run(name_) : std::nullopt;
}

bool Job::is_running() const {
  const auto engine = engine_.lock();
  return engine && engine->is_running(name_);
}

Scheduler::Scheduler(SchedulerConfig config)
    : engine_(std::make_shared<SchedulerEngine>(std::move(config), make_memory_backend())) {}

Scheduler::Scheduler(std::shared_ptr<SchedulerEngine> engine) : engine_(std::move(engine)) {}

Scheduler::~Scheduler() { engine_->shutdown(); }

void Scheduler::initialize() { engine_->initialize(); }
void Scheduler::schedule(JobConfig job) { engine_->schedule(std::move(job)); }
void Scheduler::shutdown() { engine_->shutdown(); }
std::optional<JobState> Scheduler::get_job_state(const std::string& name) const { return engine_->job_state(name); }
std::map<std::string, JobState> Scheduler::get_all_job_states() const { return engine_->all_job_states(); }
void Scheduler::set_catch_up(const std::string& name, bool catch_up) { engine_->set_catch_up(name, catch_up); }
void Scheduler::pause_job(const std::string& name) { engine_->pause(name); }
void Scheduler::resume_job(const std::string& name) { engine_->resume(name); }
void Scheduler::stop_job(const std::string& name) { engine_->remove(name); }
std::shared_ptr<Job> Scheduler::get_job(const std::string& name) const { return engine_->job(name); }
std::vector<std::shared_ptr<Job>> Scheduler::list_jobs() const { return engine_->jobs(); }
bool Scheduler::wait_idle(std::chrono::milliseconds limit) const { return engine_->wait_idle(limit); }

PersistentScheduler::PersistentScheduler(PersistentSchedulerConfig config)
    : Scheduler(std::make_shared<SchedulerEngine>(static_cast<SchedulerConfig>(config), make_file_backend(config))) {}

}  // namespace sched
