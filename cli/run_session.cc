#include "run_session.h"

#include <malloc.h>

#include <algorithm>

#include "sched/config.h"

namespace sched::cli {

LogFormat log_format(const std::string& option, const Context& context) {
  const std::string& name = option.empty() ? context.settings.log_format : option;
  return name == "json" ? LogFormat::json : LogFormat::text;
}

RunnerConfig runner_config(const Context& context, EventLog& log) {
  RunnerConfig config;
  config.state_file = context.state_file;
  config.settings = context.settings;
  config.config = context.config;
  config.log = log.sink();
  config.log_level = log.level();
  config.output = log.output();
  return config;
}

void limit_malloc_arenas() { ::mallopt(M_ARENA_MAX, 2); }

void release_freed_memory() { ::malloc_trim(0); }

void stop_runner(Runner& runner, const BlockedSignals& signals, const LogSink& log, std::chrono::milliseconds grace,
                 const std::string& why) {
  runner.stop_starting();
  const std::size_t running = runner.running();
  log(LogLevel::info, "stopping (" + why + "): no new runs" +
                          (running == 0 ? std::string()
                                        : "; waiting up to " + format_duration(grace) + " for " +
                                              std::to_string(running) + " running run" + (running == 1 ? "" : "s")));
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (runner.running() > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) {
      log(LogLevel::warning, "shutdown_grace " + format_duration(grace) + " is over: stopping " +
                                 std::to_string(runner.running()) + " running run(s)");
      runner.interrupt_runs();
      break;
    }
    // Runs ending wake nothing here: look again at least every 100 ms.
    const int signal = signals.wait_for(std::min(left, std::chrono::milliseconds(100)));
    if (signal == SIGINT || signal == SIGTERM) {
      log(LogLevel::warning, std::string(signal == SIGINT ? "second SIGINT" : "second SIGTERM") + ": stopping " +
                                 std::to_string(runner.running()) + " running run(s) now");
      runner.interrupt_runs();
      break;
    }
  }
  runner.shutdown();
  log(LogLevel::info, "stopped");
}

}  // namespace sched::cli
