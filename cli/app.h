#pragma once
// The `sched` command line, callable in-process: tests run it with argument
// vectors and string streams exactly as main() runs it with the real ones.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sched/time.h"

namespace sched::cli {

// The process's environment variable `name`, if set.
std::optional<std::string> process_env(const std::string& name);

// What a command may touch besides its arguments: its output streams, the
// current time and the environment, so that tests run commands
// deterministically.
struct Io {
  std::ostream& out;  // results
  std::ostream& err;  // diagnostics
  std::function<InstantMs()> now;
  std::function<std::optional<std::string>(const std::string&)> env = process_env;
};

// Runs `sched` with `args` (args[0] is the program name). Returns the exit
// code (exit_codes.h). Never throws.
int run(const std::vector<std::string>& args, Io io);

}  // namespace sched::cli
