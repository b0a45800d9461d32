// Runner: SchedulerEngine with the state file as the definition of the jobs
// and the executor as their task. See runner.h.

#include "sched/runner.h"

#include <csignal>
#include <cstring>
#include <mutex>
#include <utility>

#include "command_task.h"
#include "file_lock.h"
#include "sched/error.h"
#include "sched/job_records.h"
#include "scheduler_engine.h"
#include "state_backend.h"
#include "state_watch.h"

namespace sched {

struct Runner::Impl {
  explicit Impl(RunnerConfig c)
      : config(std::move(c)),
        store(config.state_file, {std::chrono::seconds(5), config.log}),
        engine(std::make_shared<SchedulerEngine>(
            SchedulerConfig{config.settings.timezone, config.clock, config.log, config.log_level,
                            static_cast<std::size_t>(config.settings.max_concurrent), config.settings.default_catch_up,
                            config.settings.default_max_missed_runs},
            make_file_backend(store, config.log))) {}

  RunTask make_task(const JobRecord& record) {
    return [this, spec = command_spec(record, config.settings, config.kill_grace)](const RunContext& context) {
      return run_command(executor, spec, context, config.output);
    };
  }

  // Applies the file as it is now. A file that cannot be read is reported
  // once and the jobs stay as they are.
  void follow_file() {
    std::optional<StateDocument> doc;
    try {
      doc = store.load_if_changed(CorruptFile::refuse);
    } catch (const Error& e) {
      std::lock_guard lock(mutex);
      if (unreadable != e.what()) {
        unreadable = e.what();
        config.log(LogLevel::error, std::string("cannot read the state file now, jobs stay as they were: ") + e.what());
      }
      return;
    }
    {
      std::lock_guard lock(mutex);
      unreadable.clear();
    }
    if (!doc) return;  // the engine's own write: nothing new
    engine->sync(*doc, [this](const JobRecord& record) { return make_task(record); });
  }

  void on_file_event() {
    {
      std::lock_guard lock(mutex);
      if (!following) {
        changed_before_following = true;
        return;
      }
    }
    follow_file();
  }

  // Writes the config's jobs into the state; true if that changed it.
  bool merge_config() {
    if (!config.config) return false;
    std::vector<std::string> changes;
    // A store of its own: what it writes is news to the engine, which
    // follow_file() then reads (a copy of `store` would take it as seen).
    StateStore(config.state_file, {std::chrono::seconds(5), config.log}).update([&](StateDocument& doc) {
      changes = merge_config_jobs(doc, *config.config, clock().now());
      return !changes.empty();
    });
    for (const std::string& change : changes) config.log(LogLevel::info, change);
    return !changes.empty();
  }

  Clock& clock() const { return config.clock != nullptr ? *config.clock : SystemClock::instance(); }

  RunnerConfig config;
  StateStore store;
  Executor executor;
  std::shared_ptr<SchedulerEngine> engine;
  std::unique_ptr<StateWatch> watch;
  std::mutex mutex;         // guards unreadable, following, changed_before_following
  std::string unreadable;   // the last read error reported
  bool following = false;   // start() has made the first sync
  bool changed_before_following = false;
  bool started = false;
};

Runner::Runner(RunnerConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Runner::~Runner() { shutdown(); }

void Runner::start() {
  // Watching starts before the state is first read, so that a change made
  // by another command at any moment from then on is seen; changes before
  // the first sync are applied right after it.
  const std::filesystem::path& file = impl_->config.state_file;
  detail::make_folders(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."));
  impl_->watch = std::make_unique<StateWatch>(
      file, [this] { impl_->on_file_event(); }, [this] { impl_->engine->wake(); });
  impl_->engine->initialize();
  impl_->started = true;
  // The first sync uses the document initialize() read, unless the
  // config's jobs changed the file since.
  std::shared_ptr<const StateDocument> loaded = impl_->engine->take_loaded_document();
  const bool merged = impl_->merge_config();
  if (!merged) impl_->engine->sync(*loaded, [this](const JobRecord& record) { return impl_->make_task(record); });
  // Let go before anything else reads the file: the store's copy of it is
  // then this one alone, and its next write moves it instead of copying.
  loaded.reset();
  bool changed_meanwhile = false;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->following = true;
    changed_meanwhile = impl_->changed_before_following;
  }
  if (merged || changed_meanwhile) impl_->follow_file();
}

void Runner::reload(Config config) {
  impl_->config.config = std::move(config);
  impl_->merge_config();
  impl_->follow_file();
}

void Runner::stop_starting() { impl_->engine->stop_starting(); }

bool Runner::wait_runs_ended(std::chrono::milliseconds limit) { return impl_->engine->wait_runs_ended(limit); }

void Runner::interrupt_runs() { impl_->executor.interrupt_all(); }

void Runner::shutdown() {
  if (!impl_->started) return;
  impl_->watch.reset();
  impl_->engine->shutdown();
  impl_->started = false;
}

std::size_t Runner::running() const { return impl_->engine->running(); }

bool Runner::wait_quiet(std::chrono::milliseconds limit) { return impl_->engine->wait_quiet(limit); }

}  // namespace sched
