// `sched validate` run in-process: a good config, a bad one with every
// problem on its own line, and no config at all.

#include <string>

#include <catch2/catch.hpp>

#include "exit_codes.h"
#include "support/cli_harness.h"
#include "support/test_clock.h"

namespace {

using sched::test::CliHarness;
using sched::test::CliResult;

const sched::InstantMs kNow = sched::test::utc(2026, 12, 1, 12);

}  // namespace

TEST_CASE("validate reports a good config with its job count", "[cli][validate]") {
  CliHarness h(kNow);
  h.write("good.toml",
          "[scheduler]\ntimezone = \"UTC\"\n"
          "[jobs.a]\nschedule = \"@daily\"\ncommand = \"true\"\n"
          "[jobs.b]\nschedule = \"0 8 * * MON-FRI\"\ncommand = \"true\"\ntimezone = \"Europe/Berlin\"\n");
  h.write("one.toml", "[jobs.a]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const std::string good = h.path("good.toml").string();
  const std::string one = h.path("one.toml").string();

  const CliResult r = h.run_raw({"sched", "validate", "--config", good});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out == good + ": 2 jobs, no problems\n");
  CHECK(r.err.empty());
  CHECK(h.run_raw({"sched", "--config", one, "validate"}).out == one + ": 1 job, no problems\n");

  // SCHED_CONFIG names it too.
  h.set_env("SCHED_CONFIG", good);
  CHECK(h.run_raw({"sched", "validate"}).out == good + ": 2 jobs, no problems\n");
}

TEST_CASE("validate prints every problem with its line and exits 2", "[cli][validate]") {
  CliHarness h(kNow);
  h.write("bad.toml",
          "[scheduler]\n"
          "timezone = \"Mars/Base\"\n"
          "[jobs.a]\n"
          "schedule = \"0 25 * * *\"\n"
          "command = \"true\"\n"
          "timeout = \"2x\"\n");
  const std::string bad = h.path("bad.toml").string();
  const CliResult r = h.run_raw({"sched", "validate", "--config", bad});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.out.empty());
  CHECK(r.err ==
        bad + ":2:12: scheduler.timezone: unknown time zone \"Mars/Base\": not in the tz database (expected an IANA "
              "name such as Europe/Berlin or UTC)\n" +
        bad + ":4:12: jobs.a.schedule: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)\n" +
        bad + ":6:11: jobs.a.timeout: invalid duration \"2x\": expected a number with a unit, such as 500ms, 30s, "
              "5m, 2h, 7d or 1h30m\n");

  h.write("syntax.toml", "[jobs.a\n");
  const CliResult syntax = h.run_raw({"sched", "validate", "--config", h.path("syntax.toml").string()});
  CHECK(syntax.code == sched::cli::kExitUsage);
  CHECK(syntax.err.rfind(h.path("syntax.toml").string() + ":1:", 0) == 0);
  CHECK(syntax.err.find('\n') == syntax.err.size() - 1);
}

TEST_CASE("validate without a config file", "[cli][validate]") {
  CliHarness h(kNow);
  const CliResult none = h.run_raw({"sched", "validate"});
  CHECK(none.code == sched::cli::kExitUsage);
  CHECK(none.out.empty());
  CHECK(none.err == "sched validate: no config file: give --config FILE or set SCHED_CONFIG\n");

  const std::string missing = h.path("missing.toml").string();
  const CliResult gone = h.run_raw({"sched", "validate", "--config", missing});
  CHECK(gone.code == sched::cli::kExitUsage);
  CHECK(gone.err == "sched validate: " + missing + ": no such file\n");
}
