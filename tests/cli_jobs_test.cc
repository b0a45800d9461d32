// `sched remove`, `sched pause` and `sched resume` run in-process: every
// name is checked before anything changes, one write for all, none when
// nothing changes, and config jobs follow the config file's rules.

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "exit_codes.h"
#include "sched/state.h"
#include "support/cli_harness.h"
#include "support/files.h"
#include "support/state_lock_probe.h"
#include "support/test_clock.h"

namespace {

using sched::test::CliHarness;
using sched::test::CliResult;
namespace fs = std::filesystem;

const sched::InstantMs kNow = sched::test::utc(2026, 12, 1, 12, 0, 0);

sched::StateDocument state_of(const CliHarness& h) { return sched::parse_state(h.state_bytes(), "state"); }

// Three jobs added by `sched add` at kNow - 1 day; "c" paused.
void add_jobs(CliHarness& h) {
  h.set_now(kNow - std::chrono::hours{24});
  for (const char* name : {"a", "b", "c"}) {
    std::vector<std::string> args{"add", name, "-s", "@hourly", "-c", "true", "--tz", "UTC"};
    if (std::string(name) == "c") args.push_back("--paused");
    REQUIRE(h.run(args).code == 0);
  }
  h.set_now(kNow);
}

const char* const kConfig =
    "[scheduler]\ntimezone = \"UTC\"\n"
    "[jobs.nightly]\nschedule = \"@daily\"\ncommand = \"true\"\n"
    "[jobs.off]\nschedule = \"@daily\"\ncommand = \"true\"\nenabled = false\n";

}  // namespace

TEST_CASE("remove deletes the job and only it", "[cli][jobs][remove]") {
  CliHarness h(kNow);
  add_jobs(h);
  const CliResult r = h.run({"remove", "b"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out == "removed job b\n");
  CHECK(r.err.empty());
  const sched::StateDocument doc = state_of(h);
  REQUIRE(doc.jobs.size() == 2);
  CHECK(doc.jobs[0].name == "a");
  CHECK(doc.jobs[1].name == "c");
}

TEST_CASE("remove of an unknown job exits 4 and changes nothing", "[cli][jobs][remove]") {
  CliHarness h(kNow);
  add_jobs(h);
  const std::string before = h.state_bytes();
  const CliResult r = h.run({"remove", "zz"});
  CHECK(r.code == sched::cli::kExitNoJob);
  CHECK(r.out.empty());
  CHECK(r.err == "sched remove: no job named zz\n");
  CHECK(h.state_bytes() == before);

  CliHarness empty(kNow);
  CHECK(empty.run({"remove", "zz"}).code == sched::cli::kExitNoJob);
  CHECK_FALSE(fs::exists(empty.state()));
  CHECK(empty.run({"remove"}).err == "sched remove: name is required (see 'sched remove --help')\n");
}

TEST_CASE("remove refuses a job of the config file", "[cli][jobs][remove]") {
  CliHarness h(kNow);
  h.write("sched.toml", kConfig);
  const std::string config = h.path("sched.toml").string();
  const CliResult r = h.run({"--config", config, "remove", "nightly"});
  CHECK(r.code == sched::cli::kExitConflict);
  CHECK(r.err == "sched remove: job nightly is defined in " + config + "; change it there\n");
  CHECK_FALSE(fs::exists(h.state()));
}

TEST_CASE("pause and resume named jobs, one write for all", "[cli][jobs][pause]") {
  CliHarness h(kNow);
  add_jobs(h);
  const CliResult r = h.run({"pause", "b", "a", "c", "b"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out == "paused job b\npaused job a\njob c was already paused\n");
  sched::StateDocument doc = state_of(h);
  for (const sched::JobRecord& job : doc.jobs) CHECK_FALSE(job.enabled);
  CHECK(doc.jobs[0].watermark == kNow - std::chrono::hours{24});  // pausing keeps the state

  // Pausing what is paused writes nothing.
  const std::string before = h.state_bytes();
  CHECK(h.run({"pause", "a"}).out == "job a was already paused\n");
  CHECK(h.state_bytes() == before);

  const CliResult resumed = h.run({"resume", "a", "c"});
  CHECK(resumed.code == sched::cli::kExitOk);
  CHECK(resumed.out == "resumed job a\nresumed job c\n");
  doc = state_of(h);
  CHECK(doc.jobs[0].enabled);
  CHECK_FALSE(doc.jobs[1].enabled);
  CHECK(doc.jobs[2].enabled);
  // The runs missed while paused are not owed.
  CHECK(doc.jobs[0].watermark == kNow);
  CHECK(doc.jobs[1].watermark == kNow - std::chrono::hours{24});

  const std::string after = h.state_bytes();
  CHECK(h.run({"resume", "a"}).out == "job a was not paused\n");
  CHECK(h.state_bytes() == after);
}

TEST_CASE("resume owes the fires from its write on, not from the command's start", "[cli][jobs][pause]") {
  // The command starts at 12:00:59.800 and gets the lock at 12:01:00.200:
  // the job was paused at 12:01:00, so that fire is not owed.
  CliHarness h(kNow);
  add_jobs(h);
  const sched::InstantMs before_lock = sched::test::utc(2026, 12, 1, 12, 0, 59) + std::chrono::milliseconds{800};
  const sched::InstantMs in_lock = sched::test::utc(2026, 12, 1, 12, 1, 0) + std::chrono::milliseconds{200};
  const fs::path state = h.state();
  h.set_clock([&] { return sched::test::state_lock_held(state) ? in_lock : before_lock; });
  const CliResult r = h.run({"resume", "c"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out == "resumed job c\n");
  CHECK(state_of(h).find("c")->watermark == in_lock);
}

TEST_CASE("pause and resume --all", "[cli][jobs][pause]") {
  CliHarness h(kNow);
  add_jobs(h);
  CHECK(h.run({"pause", "--all"}).out == "paused job a\npaused job b\njob c was already paused\n");
  CHECK(h.run({"resume", "--all"}).out == "resumed job a\nresumed job b\nresumed job c\n");
  for (const sched::JobRecord& job : state_of(h).jobs) CHECK(job.enabled);

  CliHarness empty(kNow);
  const CliResult r = empty.run({"pause", "--all"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(empty.state()));
}

TEST_CASE("pause and resume check every name before changing anything", "[cli][jobs][pause]") {
  CliHarness h(kNow);
  add_jobs(h);
  const std::string before = h.state_bytes();
  const CliResult one = h.run({"pause", "a", "x"});
  CHECK(one.code == sched::cli::kExitNoJob);
  CHECK(one.out.empty());
  CHECK(one.err == "sched pause: no job named x\n");
  const CliResult two = h.run({"resume", "y", "c", "x", "y"});
  CHECK(two.code == sched::cli::kExitNoJob);
  CHECK(two.err == "sched resume: no jobs named y, x\n");
  CHECK(h.state_bytes() == before);
}

TEST_CASE("pause and resume need names or --all, not both", "[cli][jobs][pause]") {
  CliHarness h(kNow);
  add_jobs(h);
  const std::string before = h.state_bytes();
  const CliResult none = h.run({"pause"});
  CHECK(none.code == sched::cli::kExitUsage);
  CHECK(none.err == "sched pause: give the names of the jobs or --all (see 'sched pause --help')\n");
  const CliResult both = h.run({"resume", "a", "--all"});
  CHECK(both.code == sched::cli::kExitUsage);
  CHECK(both.err == "sched resume: names excludes --all (see 'sched resume --help')\n");
  CHECK(h.state_bytes() == before);
}

TEST_CASE("pause and resume work on config jobs; resume respects enabled = false", "[cli][jobs][pause]") {
  CliHarness h(kNow);
  h.write("sched.toml", kConfig);
  const std::string config = h.path("sched.toml").string();

  // The runner has not written the config's jobs yet: pausing writes them.
  const CliResult paused = h.run({"--config", config, "pause", "nightly"});
  CHECK(paused.code == sched::cli::kExitOk);
  CHECK(paused.out == "paused job nightly\n");
  sched::StateDocument doc = state_of(h);
  REQUIRE(doc.jobs.size() == 2);
  CHECK(doc.jobs[0].name == "nightly");
  CHECK(doc.jobs[0].source == "config");
  CHECK_FALSE(doc.jobs[0].enabled);
  CHECK(doc.jobs[1].name == "off");
  CHECK_FALSE(doc.jobs[1].enabled);

  const std::string before = h.state_bytes();
  const CliResult off = h.run({"--config", config, "resume", "nightly", "off"});
  CHECK(off.code == sched::cli::kExitConflict);
  CHECK(off.err == "sched resume: job off is disabled in " + config + " (enabled = false); change it there\n");
  CHECK(h.state_bytes() == before);

  const CliResult all = h.run({"--config", config, "resume", "--all"});
  CHECK(all.code == sched::cli::kExitOk);
  CHECK(all.out == "resumed job nightly\njob off stays paused (enabled = false in " + config + ")\n");
  doc = state_of(h);
  CHECK(doc.jobs[0].enabled);
  CHECK_FALSE(doc.jobs[1].enabled);
}

TEST_CASE("write commands refuse a corrupt state file and leave it where it is", "[cli][jobs]") {
  CliHarness h(kNow);
  h.write("state.json", "{\"version\": \"1.0\", \"jobs\": [");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"pause", "a"}, {"resume", "--all"}, {"remove", "a"}, {"add", "a", "-s", "@daily", "-c", "x", "--tz", "UTC"}}) {
    const CliResult r = h.run(args);
    INFO(args[0]);
    CHECK(r.code == sched::cli::kExitFailure);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sched " + args[0] + ": corrupt state file " + h.state().string() + ": ", 0) == 0);
  }
  CHECK(h.state_bytes() == "{\"version\": \"1.0\", \"jobs\": [");
  CHECK(sched::test::names_in(h.dir().path()) == std::set<std::string>{"state.json", "state.json.lock"});
}

TEST_CASE("a name that breaks the job-name rule is bad input in one line", "[cli][jobs]") {
  CliHarness h(kNow);
  add_jobs(h);
  const std::string before = h.state_bytes();
  for (const char* command : {"remove", "pause", "resume"}) {
    const CliResult r = h.run({command, "a\nb"});
    CHECK(r.code == sched::cli::kExitUsage);
    CHECK(r.err == std::string("sched ") + command +
                       ": invalid job name \"a?b\": only A-Z a-z 0-9 . _ - are allowed\n");
  }
  CHECK(h.state_bytes() == before);
}
