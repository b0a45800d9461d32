#include "event_log.h"

#include <chrono>
#include <ostream>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

namespace sched::cli {
namespace {

// How long the writer lets lines gather once woken, before it takes them:
// the first line of a burst wakes it, and the rest of the burst goes in
// the same write instead of waking it again each. Without the pause, the
// 16,700 lines of a 10,000-job catch-up plan woke it about as many times
// and cost `sched run` 60-80 ms before it was ready (bench/scale.py, with
// and without -q). A line alone is written this much later.
constexpr std::chrono::milliseconds kGatherLines{1};

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
      if (!shared->closing) {
        lock.unlock();
        std::this_thread::sleep_for(kGatherLines);
        lock.lock();
      }
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
      const std::string_view name = to_string(level);
      line.reserve(26 + name.size() + message.size());
      append_rfc3339(line, shared->now());
      line += ' ';
      line += name;
      line += ' ';
      line += message;
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
      line.reserve(36 + job.size() + text.size());
      append_rfc3339(line, shared->now());
      line += " [";
      line += job;
      if (stream == OutputStream::err) line += ":stderr";
      line += "] ";
      line += text;
    }
    shared->put(line);
  };
}

}  // namespace sched::cli
