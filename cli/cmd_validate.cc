// `sched validate`: checks the config file (the global --config, else
// $SCHED_CONFIG, else the default one) and every schedule in it.

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "sched/error.h"

namespace sched::cli {
namespace {

int run_validate(const GlobalOptions& globals, Io& io) {
  const std::filesystem::path file = config_path(globals, io);
  if (file.empty()) throw Error(ErrorCode::invalid_argument, "no config file: give --config FILE or set SCHED_CONFIG");
  const std::vector<std::string> problems = validate_config(file);
  for (const std::string& problem : problems) io.err << problem << "\n";
  if (!problems.empty()) return kExitUsage;
  const std::size_t jobs = load_config(file).jobs.size();
  io.out << file.string() << ": " << jobs << (jobs == 1 ? " job" : " jobs") << ", no problems\n";
  return kExitOk;
}

}  // namespace

Command register_validate(CLI::App& root, const GlobalOptions& globals) {
  CLI::App* app = root.add_subcommand(
      "validate", "Check the config file (--config FILE) and every schedule in it; report each problem with its line");
  return {app, [&globals](Io& io) { return run_validate(globals, io); }};
}

}  // namespace sched::cli
