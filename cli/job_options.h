#pragma once
// The job options of `sched add` (SPEC §6), mirroring the config keys of §7,
// and their check: the same rules as the config loader, so a job is valid
// whether it comes from the command line or from sched.toml.

#include <filesystem>
#include <string>
#include <vector>

#include "sched/config.h"

namespace CLI {
class App;
}

namespace sched::cli {

// The options as typed; empty strings and false flags mean "not given".
struct JobOptions {
  std::string name;
  std::string schedule;
  std::string command;
  std::string zone;
  bool catch_up = false;
  bool no_catch_up = false;
  int max_missed_runs = -1;  // -1: not given
  std::string catch_up_window;
  bool protect = false;
  bool no_protect = false;
  std::string timeout;
  std::string workdir;
  std::vector<std::string> env;  // KEY=VALUE each
  std::string day_match = "any";
  std::string dst_gap = "run-after";
  std::string dst_repeat = "auto";
  bool paused = false;
};

// Adds NAME and every job option to `app`, writing into `options` (which
// must outlive the parse).
void add_job_options(CLI::App& app, JobOptions& options);

// The job the options describe. `cwd` (absolute) is the default workdir and
// the base of a relative --workdir. Throws, with one line naming the option:
//   Error(invalid_job) for a bad name,
//   Error(invalid_schedule) / Error(unknown_zone) for a bad schedule or zone,
//   Error(invalid_argument) for a bad duration, --env or empty --command.
JobDefinition job_definition(const JobOptions& options, const std::filesystem::path& cwd);

}  // namespace sched::cli
