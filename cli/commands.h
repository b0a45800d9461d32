#pragma once
// Each subcommand lives in its own cmd_*.cc and registers itself on the root
// CLI::App. A registration adds the subcommand and its options and returns it
// with the action to run when it was chosen; the action returns an exit code
// and may throw sched::Error for bad input.

#include <functional>

#include "app.h"

namespace CLI {
class App;
}

namespace sched::cli {

struct Command {
  CLI::App* app;
  std::function<int(Io&)> action;
};

Command register_next(CLI::App& root);

}  // namespace sched::cli
