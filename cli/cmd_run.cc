// `sched run`: the scheduler in the foreground (SPEC §6).

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "run_session.h"
#include "sched/error.h"
#include "sd_notify.h"

namespace sched::cli {
namespace {

struct RunOptions {
  std::string log_format;  // empty: the config's log_format
};

void reload_config(Runner& runner, const GlobalOptions& globals, const Io& io, const LogSink& log) {
  const std::filesystem::path file = config_path(globals, io);
  if (file.empty()) {
    log(LogLevel::warning, "SIGHUP: no config file to reload");
    return;
  }
  try {
    runner.reload(load_config(file));
    log(LogLevel::info, "SIGHUP: reloaded " + file.string());
  } catch (const Error& e) {
    log(LogLevel::error, "SIGHUP: " + file.string() + " not reloaded, the jobs stay as they were:");
    std::string text = e.what();
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      log(LogLevel::error, "  " + text.substr(start, end - start));
      start = end + 1;
    }
  }
}

int run_scheduler(const RunOptions& o, const GlobalOptions& globals, Io& io) {
  const Context context = resolve_context(globals, io);
  limit_malloc_arenas();
  // The socket is systemd's line to this process, not to its jobs: taken
  // out of the environment before any thread or job exists.
  const auto notify_socket = io.env("NOTIFY_SOCKET");
  ::unsetenv("NOTIFY_SOCKET");
  // Before any thread exists (the event log's writer is one): a thread
  // that does not block SIGTERM may take it, and its default action ends
  // the process with status 143 instead of a graceful stop.
  const BlockedSignals signals;
  EventLog events(io.out, log_format(o.log_format, context), globals.quiet ? -1 : globals.verbose, io.now);
  const LogSink log = events.sink();
  Runner runner(runner_config(context, events));
  runner.start();
  release_freed_memory();
  log(LogLevel::info, "scheduler started (pid " + std::to_string(::getpid()) + ", state " +
                          context.state_file.string() +
                          (context.config ? ", config " + context.config->file.string() : std::string()) + ")");
  sd_notify(notify_socket, "READY=1\nSTATUS=scheduling");
  for (;;) {
    const int signal = signals.wait();
    if (signal == SIGHUP) {
      sd_notify(notify_socket, "RELOADING=1");
      reload_config(runner, globals, io, log);
      sd_notify(notify_socket, "READY=1");
      continue;
    }
    sd_notify(notify_socket, "STOPPING=1");
    stop_runner(runner, signals, log, context.settings.shutdown_grace, signal == SIGINT ? "SIGINT" : "SIGTERM");
    return kExitOk;
  }
}

}  // namespace

Command register_run(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* app = root.add_subcommand("run", "Run the scheduler in the foreground: catch up, then fire jobs");
  app->add_option("--log-format", o->log_format, "Event lines as text or json (default: the config's log_format)")
      ->check(CLI::IsMember({"text", "json"}));
  return {app, [o, &globals](Io& io) { return run_scheduler(*o, globals, io); }};
}

}  // namespace sched::cli
