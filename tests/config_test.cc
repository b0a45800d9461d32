// The config file loader (SPEC §7): values, defaults, durations, and one
// exact `FILE:LINE:COLUMN: message` line per problem.

#include "sched/config.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "sched/error.h"
#include "support/temp_dir.h"

namespace sched {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

std::filesystem::path write(const test::TempDir& dir, const std::string& text,
                            const std::string& name = "sched.toml") {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

// The message load_config throws for `text`, with the temp folder's path
// replaced by "DIR".
std::string load_error(const std::string& text) {
  test::TempDir dir;
  const auto path = write(dir, text);
  try {
    load_config(path);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_config);
    std::string message = e.what();
    const std::string prefix = dir.path().string();
    for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) {
      message.replace(at, prefix.size(), "DIR");
    }
    return message;
  }
  return "(loaded)";
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

const char* const kSpecExample = R"(
[scheduler]
state_file = "~/.local/state/sched/state.json"   # default: $XDG_STATE_HOME/sched/state.json
timezone = "Europe/Berlin"                        # default: the system's zone
default_catch_up = true
default_max_missed_runs = 5
save_interval = "30s"
shutdown_grace = "30s"
shell = "/bin/sh"
max_concurrent = 16                               # runs at once, all jobs together
log_format = "text"                               # or "json"

[jobs.daily-backup]
schedule = "0 8 * * *"
command = "backup.sh --full"
timezone = "America/New_York"
catch_up = true
max_missed_runs = 2
catch_up_window = "7d"
protect = true
timeout = "2h"
workdir = "/srv"
env = { TARGET = "/mnt/backup" }
day_match = "any"          # or "all": both day fields must match
dst_gap = "run-after"      # or "skip"
dst_repeat = "auto"        # or "first", "both"
enabled = true
)";

TEST_CASE("parse_duration accepts units in decreasing order", "[config]") {
  struct Row {
    const char* text;
    milliseconds expected;
    const char* canonical;
  };
  const Row rows[] = {
      {"500ms", 500ms, "500ms"},     {"30s", 30s, "30s"},          {"5m", 5min, "5m"},
      {"2h", 2h, "2h"},              {"7d", 168h, "7d"},           {"1h30m", 90min, "1h30m"},
      {"1d12h", 36h, "1d12h"},       {"90m", 90min, "1h30m"},      {"1m30s500ms", 90500ms, "1m30s500ms"},
      {"1d1h1m1s1ms", 90061001ms, "1d1h1m1s1ms"}, {"1000ms", 1s, "1s"}, {"86400s", 24h, "1d"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    CHECK(parse_duration(row.text) == row.expected);
    CHECK(format_duration(row.expected) == row.canonical);
    CHECK(parse_duration(format_duration(row.expected)) == row.expected);
  }
}

TEST_CASE("parse_duration rejects everything else with one message", "[config]") {
  const char* const rows[] = {"5x",  "",     "30",   "s",    "0s",    "1h0m", "30m1h", "1s1s", "1.5h",
                              "-5s", " 5s",  "5s ",  "5 s",  "5S",    "1hm",  "ms",    "1d1d", "1ms1s"};
  for (const char* text : rows) {
    INFO(text);
    try {
      parse_duration(text);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_argument);
      CHECK(std::string(e.what()) ==
            "invalid duration \"" + std::string(text) +
                "\": expected a number with a unit, such as 500ms, 30s, 5m, 2h, 7d or 1h30m");
    }
  }
  CHECK_THROWS_WITH(parse_duration("99999999999999999999ms"), "invalid duration \"99999999999999999999ms\": too large");
  CHECK_THROWS_WITH(parse_duration("9999999999999999d"), "invalid duration \"9999999999999999d\": too large");
}

TEST_CASE("format_duration of zero and negative durations", "[config]") {
  CHECK(format_duration(0ms) == "0ms");
  CHECK(format_duration(-90s) == "-1m30s");
  CHECK(format_duration(milliseconds::min()) == "-106751991167d7h12m55s808ms");
}

TEST_CASE("the example of SPEC §7 loads with every value", "[config]") {
  test::TempDir dir;
  ScopedEnv home("HOME", "/home/alice");
  const auto path = write(dir, kSpecExample);
  const Config config = load_config(path);
  CHECK(config.file == path);

  const SchedulerSettings& s = config.scheduler;
  CHECK(s.state_file == std::filesystem::path("/home/alice/.local/state/sched/state.json"));
  CHECK(s.timezone == "Europe/Berlin");
  CHECK(s.default_catch_up);
  CHECK(s.default_max_missed_runs == 5);
  CHECK(s.save_interval == 30s);
  CHECK(s.shutdown_grace == 30s);
  CHECK(s.shell == "/bin/sh");
  CHECK(s.max_concurrent == 16);
  CHECK(s.log_format == "text");

  REQUIRE(config.jobs.size() == 1);
  const JobDefinition& job = config.jobs[0];
  CHECK(job.name == "daily-backup");
  CHECK(job.line == 13);
  CHECK(job.schedule == "0 8 * * *");
  CHECK(job.command == "backup.sh --full");
  CHECK(job.timezone == "America/New_York");
  CHECK(job.catch_up == true);
  CHECK(job.max_missed_runs == 2);
  CHECK(job.catch_up_window == milliseconds(168h));
  CHECK(job.protect);
  CHECK(job.timeout == milliseconds(2h));
  CHECK(job.workdir == std::filesystem::path("/srv"));
  CHECK(job.env == std::map<std::string, std::string>{{"TARGET", "/mnt/backup"}});
  CHECK(job.options.day_match == DayMatch::any);
  CHECK(job.options.dst_gap == DstGap::run_after);
  CHECK(job.options.dst_repeat == DstRepeat::automatic);
  CHECK(job.enabled);
  CHECK(validate_config(path).empty());
}

TEST_CASE("non-default values load", "[config]") {
  test::TempDir dir;
  const Config config = load_config(write(dir, R"(
[scheduler]
default_catch_up = false
default_max_missed_runs = 0
save_interval = "500ms"
shutdown_grace = "1m30s"
shell = "/bin/bash"
max_concurrent = 1
log_format = "json"

[jobs.a]
schedule = "@hourly"
command = "a"
catch_up = false
max_missed_runs = 0
protect = false
day_match = "all"
dst_gap = "skip"
dst_repeat = "both"
enabled = false
)"));
  const SchedulerSettings& s = config.scheduler;
  CHECK_FALSE(s.default_catch_up);
  CHECK(s.default_max_missed_runs == 0);
  CHECK(s.save_interval == 500ms);
  CHECK(s.shutdown_grace == 90s);
  CHECK(s.shell == "/bin/bash");
  CHECK(s.max_concurrent == 1);
  CHECK(s.log_format == "json");
  REQUIRE(config.jobs.size() == 1);
  const JobDefinition& job = config.jobs[0];
  CHECK(job.catch_up == false);
  CHECK(job.max_missed_runs == 0);
  CHECK_FALSE(job.protect);
  CHECK(job.options == ScheduleOptions{DayMatch::all, DstGap::skip, DstRepeat::both});
  CHECK_FALSE(job.enabled);
}

TEST_CASE("an empty file gives the defaults", "[config]") {
  test::TempDir dir;
  const Config config = load_config(write(dir, ""));
  const SchedulerSettings& s = config.scheduler;
  CHECK_FALSE(s.state_file);
  CHECK(s.timezone.empty());
  CHECK(s.default_catch_up);
  CHECK(s.default_max_missed_runs == 5);
  CHECK(s.save_interval == 30s);
  CHECK(s.shutdown_grace == 30s);
  CHECK(s.shell == "/bin/sh");
  CHECK(s.max_concurrent == 16);
  CHECK(s.log_format == "text");
  CHECK(config.jobs.empty());
}

TEST_CASE("a job with only schedule and command gets the defaults", "[config]") {
  test::TempDir dir;
  const Config config = load_config(write(dir, "[jobs.minimal]\nschedule = \"*/5 * * * *\"\ncommand = \"true\"\n"));
  REQUIRE(config.jobs.size() == 1);
  const JobDefinition& job = config.jobs[0];
  CHECK(job.name == "minimal");
  CHECK(job.line == 1);
  CHECK(job.schedule == "*/5 * * * *");
  CHECK(job.command == "true");
  CHECK_FALSE(job.timezone);
  CHECK_FALSE(job.catch_up);
  CHECK_FALSE(job.max_missed_runs);
  CHECK_FALSE(job.catch_up_window);
  CHECK(job.protect);
  CHECK_FALSE(job.timeout);
  CHECK(job.workdir == std::filesystem::absolute(dir.path()).lexically_normal());
  CHECK(job.env.empty());
  CHECK(job.options == ScheduleOptions{});
  CHECK(job.enabled);
}

TEST_CASE("jobs keep the order of the file", "[config]") {
  test::TempDir dir;
  const Config config = load_config(write(dir, R"(
[jobs.zeta]
schedule = "@daily"
command = "z"
[jobs.alpha]
schedule = "@daily"
command = "a"
[jobs.mid]
schedule = "@daily"
command = "m"
)"));
  REQUIRE(config.jobs.size() == 3);
  CHECK(config.jobs[0].name == "zeta");
  CHECK(config.jobs[1].name == "alpha");
  CHECK(config.jobs[2].name == "mid");
  CHECK(config.jobs[0].line == 2);
  CHECK(config.jobs[1].line == 5);
  CHECK(config.jobs[2].line == 8);
}

TEST_CASE("state_file and workdir expand ~ and ~/ with $HOME", "[config]") {
  test::TempDir dir;
  ScopedEnv home("HOME", "/home/bob");
  const Config config = load_config(write(dir, R"(
[scheduler]
state_file = "~/state.json"
[jobs.a]
schedule = "@daily"
command = "a"
workdir = "~"
[jobs.b]
schedule = "@daily"
command = "b"
workdir = "~other/x"
)"));
  CHECK(config.scheduler.state_file == std::filesystem::path("/home/bob/state.json"));
  REQUIRE(config.jobs.size() == 2);
  CHECK(config.jobs[0].workdir == std::filesystem::path("/home/bob"));
  // Only `~` and `~/` are expanded; `~user` is a relative name like any other.
  CHECK(config.jobs[1].workdir == std::filesystem::absolute(dir.path()).lexically_normal() / "~other/x");
}

TEST_CASE("a relative workdir or state_file is taken from the config file's folder", "[config]") {
  test::TempDir dir;
  std::filesystem::create_directory(dir / "etc");
  const Config config = load_config(write(dir, R"(
[scheduler]
state_file = "state/s.json"
[jobs.a]
schedule = "@daily"
command = "a"
workdir = "work/../data"
)",
                                          "etc/sched.toml"));
  const auto folder = std::filesystem::absolute(dir / "etc").lexically_normal();
  CHECK(config.scheduler.state_file == folder / "state/s.json");
  REQUIRE(config.jobs.size() == 1);
  CHECK(config.jobs[0].workdir == folder / "data");
}

TEST_CASE("each invalid config gives one exact line", "[config]") {
  struct Row {
    const char* text;
    const char* message;
  };
  const Row rows[] = {
      // TOML syntax
      {"[scheduler\n", "DIR/sched.toml:1:11: Error while parsing table header: expected ']', saw '\\n'"},
      {"[scheduler]\nshell = \"a\"\nshell = \"b\"\n",
       "DIR/sched.toml:3:9: Error while parsing key-value pair: cannot redefine existing string 'shell'"},
      // unknown keys at every level
      {"bogus = 1\n", "DIR/sched.toml:1:1: unknown key \"bogus\" (expected [scheduler] or [jobs.NAME])"},
      {"[other]\n", "DIR/sched.toml:1:2: unknown key \"other\" (expected [scheduler] or [jobs.NAME])"},
      {"[scheduler]\nshel = \"/bin/sh\"\n", "DIR/sched.toml:2:1: unknown key \"shel\" in [scheduler]"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\ncomand = \"b\"\n",
       "DIR/sched.toml:4:1: unknown key \"comand\" in [jobs.a]"},
      // wrong types
      {"scheduler = 5\n", "DIR/sched.toml:1:13: scheduler: expected a table, found an integer"},
      {"jobs = \"x\"\n", "DIR/sched.toml:1:8: jobs: expected a table, found a string"},
      {"[jobs]\na = 1\n", "DIR/sched.toml:2:5: jobs.a: expected a table, found an integer"},
      {"[scheduler]\nshell = 5\n", "DIR/sched.toml:2:9: scheduler.shell: expected a string, found an integer"},
      {"[scheduler]\ndefault_catch_up = \"yes\"\n",
       "DIR/sched.toml:2:20: scheduler.default_catch_up: expected a boolean, found a string"},
      {"[scheduler]\nmax_concurrent = 2.5\n",
       "DIR/sched.toml:2:18: scheduler.max_concurrent: expected an integer, found a float"},
      {"[scheduler]\nsave_interval = 30\n",
       "DIR/sched.toml:2:17: scheduler.save_interval: expected a string, found an integer"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = [\"a\"]\n",
       "DIR/sched.toml:3:11: jobs.a.command: expected a string, found an array"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nenv = { A = 1 }\n",
       "DIR/sched.toml:4:13: jobs.a.env.A: expected a string, found an integer"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nenv = \"A=1\"\n",
       "DIR/sched.toml:4:7: jobs.a.env: expected a table, found a string"},
      // bad values
      {"[scheduler]\nsave_interval = \"5x\"\n",
       "DIR/sched.toml:2:17: scheduler.save_interval: invalid duration \"5x\": expected a number with a unit, "
       "such as 500ms, 30s, 5m, 2h, 7d or 1h30m"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\ntimeout = \"0s\"\n",
       "DIR/sched.toml:4:11: jobs.a.timeout: invalid duration \"0s\": expected a number with a unit, "
       "such as 500ms, 30s, 5m, 2h, 7d or 1h30m"},
      {"[scheduler]\ndefault_max_missed_runs = -1\n",
       "DIR/sched.toml:2:27: scheduler.default_max_missed_runs: must be at least 0, found -1"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nmax_missed_runs = -3\n",
       "DIR/sched.toml:4:19: jobs.a.max_missed_runs: must be at least 0, found -3"},
      {"[scheduler]\nmax_concurrent = 0\n",
       "DIR/sched.toml:2:18: scheduler.max_concurrent: must be at least 1, found 0"},
      {"[scheduler]\nmax_concurrent = 3000000000\n",
       "DIR/sched.toml:2:18: scheduler.max_concurrent: must be at most 2147483647, found 3000000000"},
      {"[scheduler]\nlog_format = \"xml\"\n",
       "DIR/sched.toml:2:14: scheduler.log_format: must be \"text\" or \"json\", found \"xml\""},
      {"[scheduler]\ntimezone = \"Mars/Olympus\"\n",
       "DIR/sched.toml:2:12: scheduler.timezone: unknown time zone \"Mars/Olympus\": not in the tz database "
       "(expected an IANA name such as Europe/Berlin or UTC)"},
      {"[jobs.a]\nschedule = \"0 25 * * *\"\ncommand = \"a\"\n",
       "DIR/sched.toml:2:12: jobs.a.schedule: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\ntimezone = \"Nowhere/City\"\n",
       "DIR/sched.toml:4:12: jobs.a.timezone: unknown time zone \"Nowhere/City\": not in the tz database "
       "(expected an IANA name such as Europe/Berlin or UTC)"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nday_match = \"some\"\n",
       "DIR/sched.toml:4:13: jobs.a.day_match: invalid day_match \"some\": expected any, all"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\ndst_gap = \"later\"\n",
       "DIR/sched.toml:4:11: jobs.a.dst_gap: invalid dst_gap \"later\": expected run-after, skip"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\ndst_repeat = \"never\"\n",
       "DIR/sched.toml:4:14: jobs.a.dst_repeat: invalid dst_repeat \"never\": expected auto, first, both"},
      {"[jobs.\".hidden\"]\nschedule = \"@daily\"\ncommand = \"a\"\n",
       "DIR/sched.toml:1:7: invalid job name \".hidden\": it must not start with '.' or '-'"},
      {"[jobs.a]\ncommand = \"a\"\n", "DIR/sched.toml:1:1: jobs.a: missing schedule"},
      {"[jobs.a]\nschedule = \"@daily\"\n", "DIR/sched.toml:1:1: jobs.a: missing command"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nenv = { \"A=B\" = \"c\" }\n",
       "DIR/sched.toml:4:9: jobs.a.env: invalid variable name \"A=B\" (empty or with '=')"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\nworkdir = \"\"\n",
       "DIR/sched.toml:4:11: jobs.a.workdir: must not be empty"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"\"\n", "DIR/sched.toml:3:11: jobs.a.command: must not be empty"},
      {"[scheduler]\nshell = \"\"\n", "DIR/sched.toml:2:9: scheduler.shell: must not be empty"},
      {"[[jobs]]\nschedule = \"@daily\"\n", "DIR/sched.toml:1:1: jobs: expected a table, found an array"},
      {"[jobs.a]\nschedule = \"@daily\"\ncommand = \"a\"\n[jobs.a.extra]\n",
       "DIR/sched.toml:4:9: unknown key \"extra\" in [jobs.a]"},
  };
  for (const Row& row : rows) {
    INFO(row.text);
    const std::string message = load_error(row.text);
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message == row.message);
  }
}

TEST_CASE("validate_config reports every problem, in file order", "[config]") {
  test::TempDir dir;
  const auto path = write(dir, R"([scheduler]
max_concurrent = 0
log_format = "xml"
colour = true

[jobs.b]
schedule = "61 * * * *"
timeout = "soon"

[jobs.a]
schedule = "@daily"
command = "a"
)");
  const std::string f = path.string();
  const std::vector<std::string> expected = {
      f + ":2:18: scheduler.max_concurrent: must be at least 1, found 0",
      f + ":3:14: scheduler.log_format: must be \"text\" or \"json\", found \"xml\"",
      f + ":4:1: unknown key \"colour\" in [scheduler]",
      f + ":6:1: jobs.b: missing command",
      f + ":7:12: jobs.b.schedule: invalid schedule \"61 * * * *\": minute: 61 is outside 0-59 (column 1)",
      f + ":8:11: jobs.b.timeout: invalid duration \"soon\": expected a number with a unit, such as 500ms, 30s, 5m, "
          "2h, 7d or 1h30m",
  };
  CHECK(validate_config(path) == expected);

  std::string joined;
  for (const auto& line : expected) joined += (joined.empty() ? "" : "\n") + line;
  CHECK_THROWS_WITH(load_config(path), joined);
}

TEST_CASE("a missing or unreadable file is an io error", "[config]") {
  test::TempDir dir;
  const auto missing = dir / "nope.toml";
  try {
    load_config(missing);
    FAIL("loaded");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_config);
    CHECK(std::string(e.what()) == missing.string() + ": no such file");
  }
  CHECK_THROWS_AS(validate_config(missing), Error);
  try {
    load_config(dir.path());
    FAIL("loaded");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    CHECK(std::string(e.what()) == dir.path().string() + ": Is a directory");
  }

  if (::geteuid() != 0) {
    const auto locked = write(dir, "");
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    try {
      load_config(locked);
      FAIL("loaded");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::io);
      CHECK(std::string(e.what()) == locked.string() + ": Permission denied");
    }
  }
}

TEST_CASE("fuzz: a newline the file quotes does not break a problem's line", "[config][fuzz]") {
  // toml++ shows the characters it saw; keys and values are echoed as written.
  CHECK(load_error("a = t\n") == "DIR/sched.toml:1:6: Error while parsing boolean: expected 'true', saw 't\\n'");
  CHECK(load_error("[jobs.\"a\\nb\"]\nschedule = \"@daily\\r\"\ncommand = \"x\"\ntimeout = \"1\\n\"\n") ==
        "DIR/sched.toml:1:7: invalid job name \"a?b\": only A-Z a-z 0-9 . _ - are allowed\n"
        "DIR/sched.toml:2:12: jobs.a\\nb.schedule: invalid schedule \"@daily\\r\": unknown macro \"@daily\\r\" "
        "(known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)\n"
        "DIR/sched.toml:4:11: jobs.a\\nb.timeout: invalid duration \"1\\n\": expected a number with a unit, such as "
        "500ms, 30s, 5m, 2h, 7d or 1h30m");
}

}  // namespace
}  // namespace sched
