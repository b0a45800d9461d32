#pragma once
// Where libsched's warnings and events go. A sink is a plain function so that
// the CLI can print text or JSON lines and tests can collect messages.

#include <functional>
#include <string>

namespace sched {

enum class LogLevel { debug, info, warning, error };

const char* to_string(LogLevel level) noexcept;

// Called from any thread; must be thread-safe.
using LogSink = std::function<void(LogLevel, const std::string&)>;

// Writes "sched: warning: message" lines to stderr (info and debug are dropped).
LogSink stderr_log_sink();

}  // namespace sched
