#include "state_backend.h"

#include <optional>
#include <utility>

#include "sched/error.h"

namespace sched {
namespace {

// Nothing outlives a Scheduler, so its engine's entries are the only copy of
// its records: a document here would only ever be written, never read back.
// Applying each change to one anyway would cost every commit a pass over all
// jobs (the engine indexes the document by name), which is what delayed the
// starts of 1,000 jobs due together (bench/fire_precision).
class MemoryBackend final : public StateBackend {
 public:
  StateDocument open() override { return {}; }
  bool commit(const std::function<void(StateDocument&)>& /*change*/) override { return true; }
  void close() override {}
};

class FileBackend final : public StateBackend {
 public:
  explicit FileBackend(const PersistentSchedulerConfig& config)
      : store_(config.state_file, {config.lock_wait, config.log}), log_(config.log) {}

  StateDocument open() override {
    lock_.emplace(RunnerLock::acquire(store_.file()));
    try {
      StateDocument doc;
      store_.update([&](StateDocument& current) {
        doc = current;
        return false;
      });
      return doc;
    } catch (...) {
      lock_.reset();
      throw;
    }
  }

  bool commit(const std::function<void(StateDocument&)>& change) override {
    try {
      store_.update([&](StateDocument& doc) {
        change(doc);
        return true;
      });
      return true;
    } catch (const Error& e) {
      log_(LogLevel::error, std::string("could not save state: ") + e.what());
      return false;
    }
  }

  void close() override { lock_.reset(); }

 private:
  StateStore store_;
  LogSink log_;
  std::optional<RunnerLock> lock_;
};

}  // namespace

std::unique_ptr<StateBackend> make_memory_backend() { return std::make_unique<MemoryBackend>(); }

std::unique_ptr<StateBackend> make_file_backend(const PersistentSchedulerConfig& config) {
  return std::make_unique<FileBackend>(config);
}

}  // namespace sched
