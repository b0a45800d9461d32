#include "app.h"

#include <algorithm>
#include <ostream>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "sched/error.h"

#ifndef SCHED_VERSION
#define SCHED_VERSION "unknown"
#endif

namespace sched::cli {
namespace {

// Usage errors from CLI11 are one line, prefixed with the command path.
int report_parse_error(const CLI::App& root, const CLI::ParseError& e, Io& io) {
  std::string where = "sched";
  for (const CLI::App* sub : root.get_subcommands()) where += " " + sub->get_name();
  io.err << where << ": " << e.what() << " (see '" << where << " --help')\n";
  return kExitUsage;
}

// An error of several lines (every problem of a config file) gets the
// prefix on each, so that every line says where it comes from.
void report_error(const std::string& command, const std::string& message, Io& io) {
  std::size_t start = 0;
  do {
    const std::size_t end = std::min(message.find('\n', start), message.size());
    io.err << "sched " << command << ": " << message.substr(start, end - start) << "\n";
    start = end + 1;
  } while (start < message.size());
}

}  // namespace

ExitCode exit_code_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_schedule:
    case ErrorCode::unknown_zone:
    case ErrorCode::invalid_time:
    case ErrorCode::invalid_argument:
    case ErrorCode::invalid_job:
    case ErrorCode::invalid_config: return kExitUsage;
    case ErrorCode::state_busy:
    case ErrorCode::scheduler_running: return kExitBusy;
    case ErrorCode::job_not_found: return kExitNoJob;
    case ErrorCode::job_exists:
    case ErrorCode::job_from_config: return kExitConflict;
    case ErrorCode::state_corrupt:
    case ErrorCode::state_version:
    case ErrorCode::io: return kExitFailure;
  }
  return kExitFailure;
}

int run(const std::vector<std::string>& args, Io io) {
  CLI::App root{"sched: a persistent cron scheduler for machines that do not run all the time.", "sched"};
  root.set_version_flag("--version", "sched " SCHED_VERSION);
  root.require_subcommand(1);
  root.footer(
      "Exit status: 0 success, 1 failure, 2 bad input, 3 state file in use, 4 no such job, "
      "5 name taken or job from the config file (see sched(1)).");
  GlobalOptions globals;
  add_global_options(root, globals);

  const std::vector<Command> commands{
      register_run(root, globals),     register_add(root, globals),     register_remove(root, globals),
      register_pause(root, globals),   register_resume(root, globals),  register_state(root, globals),
      register_catchup(root, globals), register_next(root, globals),    register_trigger(root, globals),
      register_validate(root, globals)};
  for (const Command& command : commands) command.app->fallthrough();

  // CLI11 reports a mistyped command as a missing one; name it instead.
  if (args.size() > 1 && !args[1].empty() && args[1][0] != '-' && 
      std::none_of(commands.begin(), commands.end(), [&](const Command& c) { return c.app->get_name() == args[1]; })) {
    std::string known;
    for (const Command& command : commands) known += (known.empty() ? "" : ", ") + command.app->get_name();
    io.err << "sched: unknown command \"" << args[1] << "\" (commands: " << known << "; see 'sched --help')\n";
    return kExitUsage;
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
  try {
    root.parse(std::move(reversed));
  } catch (const CLI::CallForHelp&) {
    io.out << root.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    io.out << root.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    io.out << "sched " SCHED_VERSION "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    return report_parse_error(root, e, io);
  }

  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.action(io);
    } catch (const Error& e) {
      report_error(command.app->get_name(), e.what(), io);
      return exit_code_for(e.code());
    } catch (const std::exception& e) {
      io.err << "sched " << command.app->get_name() << ": " << e.what() << "\n";
      return kExitFailure;
    }
  }
  return kExitUsage;
}

}  // namespace sched::cli
