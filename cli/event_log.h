#pragma once
// The lines of `sched run`, `sched trigger` and `sched catchup`: one per
// event, and one per line a job prints, on one stream, as text or as JSON
// (one object per line). Text:
//   2026-11-26T08:00:00.012Z info job backup: started the schedule run for 2026-11-26T08:00:00.000Z
//   2026-11-26T08:00:01.250Z [backup] copied 3 files
//   2026-11-26T08:00:01.251Z [backup:stderr] warning: disk 91% full
// JSON:
//   {"time":"...","level":"info","job":"backup","message":"job backup: started ..."}
//   {"time":"...","level":"output","job":"backup","stream":"stdout","line":"copied 3 files"}
// Every line is written whole; safe from any thread. A writer thread takes
// the lines and writes and flushes them in batches, so that a burst of
// events (the catch-up plan of 10,000 jobs) costs a few write calls and
// wake-ups; a line is written about a millisecond after it was logged.
// Everything logged is written by the time the EventLog is destroyed.

#include <functional>
#include <iosfwd>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "sched/log.h"
#include "sched/runner.h"

namespace sched::cli {

enum class LogFormat { text, json };

class EventLog {
 public:
  // verbosity: -1 errors only (-q), 0 info and up, 1 debug and up (-v).
  EventLog(std::ostream& out, LogFormat format, int verbosity, std::function<InstantMs()> now);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  LogSink sink();
  JobOutputSink output();
  // The least level sink() writes: what the verbosity lets through.
  LogLevel level() const;

 private:
  struct Shared {
    std::ostream& out;
    LogFormat format;
    int verbosity;
    std::function<InstantMs()> now;
    std::mutex mutex;             // guards pending and closing
    std::condition_variable wake;  // lines are pending, or closing
    std::string pending;
    bool closing = false;
    void put(const std::string& line);
  };
  std::shared_ptr<Shared> shared_;
  std::thread writer_;
};

}  // namespace sched::cli
