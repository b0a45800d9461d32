#pragma once
// Where libsched's warnings and events go. A sink is a plain function so that
// the CLI can print text or JSON lines and tests can collect messages.

#include <functional>
#include <optional>
#include <string>

namespace sched {

enum class LogLevel { debug, info, warning, error };

const char* to_string(LogLevel level) noexcept;

// Called from any thread; must be thread-safe.
using LogSink = std::function<void(LogLevel, const std::string&)>;

// Writes "sched: warning: message" lines to stderr (info and debug are dropped).
LogSink stderr_log_sink();

// The least level `sink` prints, where that is known: warning for
// stderr_log_sink(), empty for any other sink. A scheduler builds no message
// below it (SchedulerConfig::log_level).
std::optional<LogLevel> known_threshold(const LogSink& sink) noexcept;

}  // namespace sched
