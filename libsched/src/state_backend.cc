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
  std::shared_ptr<const StateDocument> open() override { return std::make_shared<const StateDocument>(); }
  bool commit(const std::function<void(StateDocument&)>& /*change*/) override { return true; }
  void close() override {}
  bool durable() const override { return false; }
};

class FileBackend final : public StateBackend {
 public:
  FileBackend(StateStore store, LogSink log) : store_(std::move(store)), log_(std::move(log)) {}

  // The document is kept (load_and_keep): the first commit, and every one
  // after it while nobody else writes the file, skips the parse.
  std::shared_ptr<const StateDocument> open() override {
    lock_.emplace(RunnerLock::acquire(store_.file()));
    try {
      return store_.load_and_keep(CorruptFile::move_aside);
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
  bool durable() const override { return true; }

 private:
  StateStore store_;
  LogSink log_;
  std::optional<RunnerLock> lock_;
};

}  // namespace

std::unique_ptr<StateBackend> make_memory_backend() { return std::make_unique<MemoryBackend>(); }

std::unique_ptr<StateBackend> make_file_backend(const PersistentSchedulerConfig& config) {
  return make_file_backend(StateStore(config.state_file, {config.lock_wait, config.log}), config.log);
}

std::unique_ptr<StateBackend> make_file_backend(StateStore store, LogSink log) {
  return std::make_unique<FileBackend>(std::move(store), std::move(log));
}

}  // namespace sched
