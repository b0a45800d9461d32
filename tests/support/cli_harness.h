#pragma once
// Runs `sched` in-process against a state file in a fresh temporary folder,
// with a fixed clock and an environment of the test's own (HOME unset, so no
// default config or state path can leak in from the machine).

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace sched::test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class CliHarness {
 public:
  explicit CliHarness(InstantMs now) : now_(now) {}

  // `sched --state <folder>/state.json ARGS...`
  CliResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"sched", "--state", state().string()});
    return run_raw(std::move(args));
  }

  // `ARGS...` exactly (args[0] is the program name).
  CliResult run_raw(std::vector<std::string> args) const {
    std::ostringstream out, err;
    const InstantMs now = now_;
    const auto env = env_;
    std::function<InstantMs()> clock = clock_ ? clock_ : [now] { return now; };
    const int code = cli::run(args, {out, err, std::move(clock),
                                     [env](const std::string& name) -> std::optional<std::string> {
                                       const auto it = env.find(name);
                                       return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
                                     }});
    return {code, out.str(), err.str()};
  }

  std::filesystem::path state() const { return dir_ / "state.json"; }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }
  std::string state_bytes() const { return read_bytes(state()); }
  void write(const std::string& name, const std::string& bytes) const { write_bytes(dir_ / name, bytes); }
  void set_env(const std::string& name, const std::string& value) { env_[name] = value; }
  void set_now(InstantMs now) { now_ = now; }
  // A clock of the test's own in place of the fixed time, for a test that
  // needs the time to depend on when the command reads it.
  void set_clock(std::function<InstantMs()> clock) { clock_ = std::move(clock); }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  InstantMs now_;
  std::function<InstantMs()> clock_;
  std::map<std::string, std::string> env_;
};

}  // namespace sched::test
