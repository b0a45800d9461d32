#include "sched/log.h"

#include <cstdio>
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

LogSink stderr_log_sink() {
  return [](LogLevel level, const std::string& message) {
    if (level == LogLevel::debug || level == LogLevel::info) return;
    // One fputs per line keeps lines from several threads whole.
    const std::string line = std::string("sched: ") + to_string(level) + ": " + message + "\n";
    std::fputs(line.c_str(), stderr);
  };
}

}  // namespace sched
