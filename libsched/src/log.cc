#include "sched/log.h"

#include <cstdio>
#include <optional>
#include <string>

namespace sched {

const char* to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
  }
  return "info";
}

namespace {

// A plain function, not a lambda, so that known_threshold() can recognise it
// inside a LogSink.
void write_warnings_to_stderr(LogLevel level, const std::string& message) {
  if (level == LogLevel::debug || level == LogLevel::info) return;
  // One fputs per line keeps lines from several threads whole.
  const std::string line = std::string("sched: ") + to_string(level) + ": " + message + "\n";
  std::fputs(line.c_str(), stderr);
}

}  // namespace

LogSink stderr_log_sink() { return LogSink(&write_warnings_to_stderr); }

std::optional<LogLevel> known_threshold(const LogSink& sink) noexcept {
  using Function = void (*)(LogLevel, const std::string&);
  const Function* f = sink.target<Function>();
  if (f != nullptr && *f == &write_warnings_to_stderr) return LogLevel::warning;
  return std::nullopt;
}

}  // namespace sched
