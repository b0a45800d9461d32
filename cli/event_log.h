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
// Every line is written whole and flushed; safe from any thread.

#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>

#include "sched/log.h"
#include "sched/runner.h"

namespace sched::cli {

enum class LogFormat { text, json };

class EventLog {
 public:
  // verbosity: -1 errors only (-q), 0 info and up, 1 debug and up (-v).
  EventLog(std::ostream& out, LogFormat format, int verbosity, std::function<InstantMs()> now);

  LogSink sink();
  JobOutputSink output();

 private:
  struct Shared {
    std::ostream& out;
    LogFormat format;
    int verbosity;
    std::function<InstantMs()> now;
    std::mutex mutex;
  };
  std::shared_ptr<Shared> shared_;
};

}  // namespace sched::cli
