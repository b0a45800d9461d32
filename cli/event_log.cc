#include "event_log.h"

#include <ostream>

#include <nlohmann/json.hpp>

namespace sched::cli {
namespace {

// "job NAME: ..." names its job.
std::string job_of(const std::string& message) {
  if (message.rfind("job ", 0) != 0) return "";
  const auto colon = message.find(':', 4);
  return colon == std::string::npos ? "" : message.substr(4, colon - 4);
}

}  // namespace

EventLog::EventLog(std::ostream& out, LogFormat format, int verbosity, std::function<InstantMs()> now)
    : shared_(new Shared{out, format, verbosity, std::move(now), {}, {}, {}, false}) {
  writer_ = std::thread([shared = shared_] {
    std::unique_lock lock(shared->mutex);
    for (;;) {
      shared->wake.wait(lock, [&] { return !shared->pending.empty() || shared->closing; });
      if (shared->pending.empty()) return;  // closing, and all written
      std::string batch;
      batch.swap(shared->pending);
      lock.unlock();
      shared->out << batch << std::flush;
      lock.lock();
    }
  });
}

EventLog::~EventLog() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
  }
  shared_->wake.notify_all();
  writer_.join();
}

void EventLog::Shared::put(const std::string& line) {
  bool first = false;
  {
    std::lock_guard lock(mutex);
    first = pending.empty();
    pending += line;
    pending += '\n';
  }
  // Lines added to a batch the writer has not taken yet go with it: only
  // the first of a batch wakes the writer (a burst of 16,000 lines woke it,
  // and switched threads, 16,000 times).
  if (first) wake.notify_one();
}

LogLevel EventLog::level() const {
  return shared_->verbosity < 0 ? LogLevel::error : shared_->verbosity > 0 ? LogLevel::debug : LogLevel::info;
}

LogSink EventLog::sink() {
  return [shared = shared_, minimum = level()](LogLevel level, const std::string& message) {
    if (level < minimum) return;
    std::string line;
    if (shared->format == LogFormat::json) {
      nlohmann::ordered_json record;
      record["time"] = format_rfc3339(shared->now());
      record["level"] = to_string(level);
      if (const std::string job = job_of(message); !job.empty()) record["job"] = job;
      record["message"] = message;
      line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = format_rfc3339(shared->now()) + " " + to_string(level) + " " + message;
    }
    shared->put(line);
  };
}

JobOutputSink EventLog::output() {
  return [shared = shared_](const std::string& job, OutputStream stream, std::string_view text) {
    std::string line;
    if (shared->format == LogFormat::json) {
      nlohmann::ordered_json record;
      record["time"] = format_rfc3339(shared->now());
      record["level"] = "output";
      record["job"] = job;
      record["stream"] = stream == OutputStream::out ? "stdout" : "stderr";
      record["line"] = std::string(text);
      line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = format_rfc3339(shared->now()) + " [" + job + (stream == OutputStream::out ? "" : ":stderr") + "] ";
      line += text;
    }
    shared->put(line);
  };
}

}  // namespace sched::cli
