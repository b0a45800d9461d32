#pragma once
// Each subcommand lives in its own cmd_*.cc and registers itself on the root
// CLI::App. A registration adds the subcommand and its options and returns it
// with the action to run when it was chosen; the action returns an exit code
// (exit_codes.h) and may throw sched::Error, which app.cc reports as one line
// and maps to an exit code.

#include <functional>

#include "app.h"
#include "context.h"

namespace CLI {
class App;
}

namespace sched::cli {

struct Command {
  CLI::App* app;
  std::function<int(Io&)> action;
};

// `globals` is filled in by the parse, before any action runs.
Command register_run(CLI::App& root, const GlobalOptions& globals);
Command register_add(CLI::App& root, const GlobalOptions& globals);
Command register_remove(CLI::App& root, const GlobalOptions& globals);
Command register_pause(CLI::App& root, const GlobalOptions& globals);
Command register_resume(CLI::App& root, const GlobalOptions& globals);
Command register_state(CLI::App& root, const GlobalOptions& globals);
Command register_catchup(CLI::App& root, const GlobalOptions& globals);
Command register_next(CLI::App& root, const GlobalOptions& globals);
Command register_trigger(CLI::App& root, const GlobalOptions& globals);
Command register_validate(CLI::App& root, const GlobalOptions& globals);

}  // namespace sched::cli
