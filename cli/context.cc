#include "context.h"

#include <ostream>

#include <CLI/CLI.hpp>

#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {
namespace {

namespace fs = std::filesystem;

// $XDG_<kind>_HOME, else $HOME/<fallback>; empty when neither is set.
fs::path xdg_home(const Io& io, const std::string& variable, const char* fallback) {
  if (auto value = io.env(variable); value && !value->empty() && fs::path(*value).is_absolute()) return *value;
  if (auto home = io.env("HOME"); home && !home->empty()) return fs::path(*home) / fallback;
  return {};
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

void add_global_options(CLI::App& root, GlobalOptions& options) {
  root.add_option("--state", options.state,
                  "State file (default: $SCHED_STATE, the config's state_file, or "
                  "$XDG_STATE_HOME/sched/state.json)")
      ->type_name("FILE");
  root.add_option("--config", options.config,
                  "Config file (default: $SCHED_CONFIG, or $XDG_CONFIG_HOME/sched/sched.toml when it exists)")
      ->type_name("FILE");
  root.add_flag("-v,--verbose", options.verbose, "Say more (debug events of sched run)");
  root.add_flag("-q,--quiet", options.quiet, "Say less: no warnings, no informational lines");
}

fs::path config_path(const GlobalOptions& options, const Io& io) {
  if (!options.config.empty()) return options.config;
  if (auto value = io.env("SCHED_CONFIG"); value && !value->empty()) return *value;
  const fs::path home = xdg_home(io, "XDG_CONFIG_HOME", ".config");
  if (home.empty()) return {};
  const fs::path file = home / "sched" / "sched.toml";
  std::error_code ec;
  return fs::exists(file, ec) ? file : fs::path{};
}

Context resolve_context(const GlobalOptions& options, const Io& io) {
  Context context;
  if (const fs::path file = config_path(options, io); !file.empty()) {
    context.config = load_config(file);
    context.settings = context.config->scheduler;
  }
  if (!options.state.empty()) {
    context.state_file = options.state;
  } else if (auto value = io.env("SCHED_STATE"); value && !value->empty()) {
    context.state_file = *value;
  } else if (context.settings.state_file) {
    context.state_file = *context.settings.state_file;
  } else {
    const fs::path home = xdg_home(io, "XDG_STATE_HOME", ".local/state");
    if (home.empty()) {
      throw Error(ErrorCode::invalid_argument, "no state file: give --state FILE or set SCHED_STATE (HOME is not set)");
    }
    context.state_file = home / "sched" / "state.json";
  }
  return context;
}

StateStore make_store(const Context& context, const Io& io) {
  std::ostream& err = io.err;
  return StateStore(context.state_file, {std::chrono::seconds(5), [&err](LogLevel level, const std::string& message) {
                                           if (level >= LogLevel::warning) {
                                             err << "sched: " << to_string(level) << ": " << message << "\n";
                                           }
                                         }});
}

StateDocument load_view(const Context& context, const Io& io) {
  StateDocument doc = make_store(context, io).load(CorruptFile::refuse);
  if (context.config) merge_config_jobs(doc, *context.config, io.now());
  return doc;
}

}  // namespace sched::cli
