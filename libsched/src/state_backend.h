#pragma once
// Where a scheduler keeps its job records: in memory (Scheduler) or in the
// state file (PersistentScheduler). The engine only ever changes records
// through commit(), which sees the freshest document: for the file, the one
// on disk, re-read under its lock, so changes made by other processes are
// never overwritten with an older view.

#include <functional>
#include <memory>

#include "sched/scheduler.h"
#include "sched/state.h"

namespace sched {

class StateBackend {
 public:
  virtual ~StateBackend() = default;
  // Takes ownership of the state (the runner lock, for a file) and loads it.
  // Never null. For a file, shared with its store, which keeps it for the
  // next commit: read-only.
  virtual std::shared_ptr<const StateDocument> open() = 0;
  // Applies `change` to the current document and saves it. Returns whether
  // it was saved; a failure is logged and does not throw, so the scheduler
  // goes on (the seed's promise), but a run whose start was not saved must
  // not start.
  virtual bool commit(const std::function<void(StateDocument&)>& change) = 0;
  // Releases what open() took.
  virtual void close() = 0;
  // Whether a commit costs a durable write (the file: a parse, the whole
  // text and two fsyncs). Such commits are worth batching: the engine then
  // starts runs in rounds, one write for all the starts of a round.
  virtual bool durable() const = 0;
};

std::unique_ptr<StateBackend> make_memory_backend();
std::unique_ptr<StateBackend> make_file_backend(const PersistentSchedulerConfig& config);
// The same on a given store: copies of a store share what it last wrote, so
// a runner reading the file through its own copy of `store` skips the parse
// of the versions the engine wrote.
std::unique_ptr<StateBackend> make_file_backend(StateStore store, LogSink log);

}  // namespace sched
