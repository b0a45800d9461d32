#pragma once
// What every subcommand shares: the global options, and the state file and
// config they resolve to (SPEC §6):
//   state:  --state FILE, else $SCHED_STATE, else the config's state_file,
//           else $XDG_STATE_HOME/sched/state.json (~/.local/state/...)
//   config: --config FILE, else $SCHED_CONFIG, else
//           $XDG_CONFIG_HOME/sched/sched.toml (~/.config/...) when it exists.
// A config named by --config or SCHED_CONFIG must exist; the default one is
// optional.

#include <filesystem>
#include <optional>
#include <string>

#include "app.h"
#include "sched/config.h"
#include "sched/state.h"

namespace CLI {
class App;
}

namespace sched::cli {

struct GlobalOptions {
  std::string state;   // --state
  std::string config;  // --config
  int verbose = 0;     // -v, repeatable
  bool quiet = false;  // -q
};

// Adds --state, --config, -v and -q to `root`; they may be given before or
// after the subcommand.
void add_global_options(CLI::App& root, GlobalOptions& options);

struct Context {
  std::filesystem::path state_file;
  std::optional<Config> config;  // loaded and valid, when there is one
  SchedulerSettings settings;    // the config's, or the defaults
};

// Resolves the paths and loads the config. Throws Error(invalid_config) with
// every problem, Error(io) for a named config that cannot be read.
Context resolve_context(const GlobalOptions& options, const Io& io);

// The config file path alone (no loading): "" when there is none.
std::filesystem::path config_path(const GlobalOptions& options, const Io& io);

// A state store for `context`, logging to io.err.
StateStore make_store(const Context& context, const Io& io);

// The state with the config's jobs merged in, read without a lock and
// without changing anything (read-only commands). A corrupt file throws.
StateDocument load_view(const Context& context, const Io& io);

}  // namespace sched::cli
