// `sched trigger NAME`: a manual run now. With a runner holding the state
// file, the request goes through the file (triggerRequestedAt) and the
// runner starts it within a second; without one, the job runs here, in the
// foreground, and the exit code says how it ended.

#include <atomic>
#include <memory>
#include <ostream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "event_log.h"
#include "exit_codes.h"
#include "run_session.h"
#include "sched/error.h"
#include "sched/executor.h"
#include "sched/job.h"
#include "sched/job_records.h"
#include "signals.h"

namespace sched::cli {
namespace {

// Asks the runner (pid `runner`) for the run; throws as the state store does.
int request_run(const Context& context, const std::string& name, long runner, Io& io) {
  make_store(context, io).update([&](StateDocument& doc) {
    JobRecord* record = doc.find(name);
    if (record == nullptr) throw Error(ErrorCode::job_not_found, "no job named " + name);
    if (!record->command) {
      throw Error(ErrorCode::invalid_job, "job " + name + " has no command (a library job); its program runs it");
    }
    record->trigger_requested_at = io.now();
    return true;
  });
  io.out << "asked the running scheduler (pid " << runner << ") to run job " << name << " now\n";
  return kExitOk;
}

int run_here(const Context& context, const std::string& name, const GlobalOptions& globals, Io& io) {
  const BlockedSignals signals;  // before any thread: the event log's writer is one
  EventLog events(io.out, log_format("", context), globals.quiet ? -1 : globals.verbose, io.now);
  Executor executor;
  // SIGINT or SIGTERM stops the job's process group; the run is recorded as interrupted.
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      const int signal = signals.wait_for(std::chrono::milliseconds(100));
      if (signal == SIGINT || signal == SIGTERM) executor.interrupt_all();
    }
  });
  std::string status;
  try {
    status = run_job_now(context.state_file, context.settings, context.config, name, events.sink(), events.output(),
                         executor, io.now());
  } catch (...) {
    done = true;
    watcher.join();
    throw;
  }
  done = true;
  watcher.join();
  return status == "ok" ? kExitOk : kExitFailure;
}

int run_trigger(const std::string& name, const GlobalOptions& globals, Io& io) {
  validate_job_name(name);
  const Context context = resolve_context(globals, io);
  // The runner lock may change hands between the look and the take (another
  // foreground trigger ending): look again a few times before giving up.
  for (int attempt = 0;; ++attempt) {
    if (const auto runner = RunnerLock::holder(context.state_file)) return request_run(context, name, *runner, io);
    try {
      return run_here(context, name, globals, io);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::scheduler_running || attempt == 4) throw;
    }
  }
}

}  // namespace

Command register_trigger(CLI::App& root, const GlobalOptions& globals) {
  auto name = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand(
      "trigger", "Run a job now: through the running scheduler, or here in the foreground when none runs");
  app->add_option("NAME", *name, "The job to run")->required();
  return {app, [name, &globals](Io& io) { return run_trigger(*name, globals, io); }};
}

}  // namespace sched::cli
