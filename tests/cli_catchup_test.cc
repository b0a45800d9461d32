// `sched catchup` and `sched trigger` in-process. The dry run's text and JSON
// are exact; the seed's example (SPEC §4) is the main row. The performed
// catch-up and the foreground trigger run real commands (`true`, `false`)
// on the real clock, with schedules chosen so that the answer does not
// depend on the day the test runs.

#include <chrono>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "sched/state.h"
#include "support/cli_harness.h"
#include "support/test_clock.h"

namespace {

using sched::test::CliHarness;
using sched::test::CliResult;
using sched::test::utc;

sched::StateDocument state_of(const CliHarness& h) { return sched::parse_state(h.state_bytes(), "state"); }

// The seed's job: daily 08:00, at most 2 missed runs; its last run was Day 1
// (2024-01-15) 08:00, so its watermark is that instant.
void add_seed_job(CliHarness& h) {
  h.set_now(utc(2024, 1, 15, 8));
  REQUIRE(h.run({"add", "daily-backup", "-s", "0 8 * * *", "--tz", "UTC", "--max-missed-runs", "2", "-c", "true"})
              .code == 0);
}

}  // namespace

TEST_CASE("catchup --dry-run: the seed's example, Day 4 10:00", "[cli][catchup]") {
  CliHarness h(utc(2024, 1, 15, 8));
  add_seed_job(h);
  const std::string before = h.state_bytes();
  h.set_now(utc(2024, 1, 18, 10));
  const CliResult r = h.run({"catchup", "--dry-run"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "catch-up at a start at 2024-01-18T10:00:00.000Z (state " + h.state().string() + ")\n"
        "\n"
        "daily-backup: 0 8 * * * in UTC\n"
        "  3 missed since 2024-01-15T08:00:00.000Z\n"
        "  skip  Tue 2024-01-16 08:00:00 +00:00 UTC  2024-01-16T08:00:00.000Z  (over max_missed_runs 2)\n"
        "  run   Wed 2024-01-17 08:00:00 +00:00 UTC  2024-01-17T08:00:00.000Z  (catch-up)\n"
        "  run   Thu 2024-01-18 08:00:00 +00:00 UTC  2024-01-18T08:00:00.000Z  (catch-up)\n"
        "\n"
        "2 catch-up runs, 1 skipped fire.\n");
  // --at gives the same answer from any time, and nothing was written.
  h.set_now(utc(2024, 1, 15, 9));
  CHECK(h.run({"catchup", "--dry-run", "--at", "2024-01-18T10:00:00Z"}).out == r.out);
  CHECK(h.state_bytes() == before);
}

TEST_CASE("catchup --dry-run --json lists every missed fire with its action and reason", "[cli][catchup]") {
  CliHarness h(utc(2024, 1, 15, 8));
  add_seed_job(h);
  const CliResult r = h.run({"catchup", "--dry-run", "--json", "--at", "2024-01-18T10:00:00Z"});
  REQUIRE(r.code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["schemaVersion"] == 1);
  CHECK(doc["at"] == "2024-01-18T10:00:00.000Z");
  REQUIRE(doc["jobs"].size() == 1);
  const auto& job = doc["jobs"][0];
  CHECK(job["name"] == "daily-backup");
  CHECK(job["missed"] == 3);
  CHECK(job["runs"] == nlohmann::json::array({"2024-01-17T08:00:00.000Z", "2024-01-18T08:00:00.000Z"}));
  CHECK(job["skipped"] == nlohmann::json::parse(R"({"count": 1, "paused": 0, "catchUpOff": 0, "window": 0,
      "limit": 1, "first": "2024-01-16T08:00:00.000Z", "last": "2024-01-16T08:00:00.000Z"})"));
  CHECK(job["fires"] == nlohmann::json::parse(R"([
      {"at": "2024-01-16T08:00:00.000Z", "action": "skip", "reason": "limit"},
      {"at": "2024-01-17T08:00:00.000Z", "action": "run", "reason": null},
      {"at": "2024-01-18T08:00:00.000Z", "action": "run", "reason": null}])"));
}

TEST_CASE("catchup --dry-run names every reason: off, window, paused, many skips", "[cli][catchup]") {
  CliHarness h(utc(2024, 1, 15, 8));
  REQUIRE(h.run({"add", "off", "-s", "0 8 * * *", "--tz", "UTC", "--no-catch-up", "-c", "true"}).code == 0);
  REQUIRE(h.run({"add", "window", "-s", "0 8 * * *", "--tz", "UTC", "--catch-up-window", "36h", "-c", "true"}).code ==
          0);
  REQUIRE(h.run({"add", "paused", "-s", "0 8 * * *", "--tz", "UTC", "--paused", "-c", "true"}).code == 0);
  REQUIRE(h.run({"add", "minutely", "-s", "* * * * *", "--tz", "UTC", "--max-missed-runs", "1", "-c", "true"})
              .code == 0);
  const CliResult r = h.run({"catchup", "--dry-run", "--at", "2024-01-18T10:00:00Z"});
  CHECK(r.code == 0);
  CHECK(r.out ==
        "catch-up at a start at 2024-01-18T10:00:00.000Z (state " + h.state().string() + ")\n"
        "\n"
        "off: 0 8 * * * in UTC\n"
        "  3 missed since 2024-01-15T08:00:00.000Z\n"
        "  skip  Tue 2024-01-16 08:00:00 +00:00 UTC  2024-01-16T08:00:00.000Z  (catch-up is off)\n"
        "  skip  Wed 2024-01-17 08:00:00 +00:00 UTC  2024-01-17T08:00:00.000Z  (catch-up is off)\n"
        "  skip  Thu 2024-01-18 08:00:00 +00:00 UTC  2024-01-18T08:00:00.000Z  (catch-up is off)\n"
        "\n"
        "window: 0 8 * * * in UTC\n"
        "  3 missed since 2024-01-15T08:00:00.000Z\n"
        "  skip  Tue 2024-01-16 08:00:00 +00:00 UTC  2024-01-16T08:00:00.000Z  (older than catch_up_window 1d12h)\n"
        "  run   Wed 2024-01-17 08:00:00 +00:00 UTC  2024-01-17T08:00:00.000Z  (catch-up)\n"
        "  run   Thu 2024-01-18 08:00:00 +00:00 UTC  2024-01-18T08:00:00.000Z  (catch-up)\n"
        "\n"
        "paused: 0 8 * * * in UTC\n"
        "  paused: 3 missed fires not owed (not run)\n"
        "\n"
        "minutely: * * * * * in UTC\n"
        "  4440 missed since 2024-01-15T08:00:00.000Z\n"
        "  skip  4439 fires from Mon 2024-01-15 08:01:00 +00:00 UTC  2024-01-15T08:01:00.000Z to Thu 2024-01-18 "
        "09:59:00 +00:00 UTC  2024-01-18T09:59:00.000Z (over max_missed_runs 1)\n"
        "  run   Thu 2024-01-18 10:00:00 +00:00 UTC  2024-01-18T10:00:00.000Z  (catch-up)\n"
        "\n"
        "3 catch-up runs, 4443 skipped fires.\n");
}

TEST_CASE("catchup: --at and --json need --dry-run; a corrupt state is an error and stays", "[cli][catchup]") {
  CliHarness h(utc(2024, 1, 15, 8));
  const CliResult at = h.run({"catchup", "--at", "2024-01-18T10:00:00Z"});
  CHECK(at.code == sched::cli::kExitUsage);
  CHECK(at.err == "sched catchup: --at requires --dry-run (see 'sched catchup --help')\n");
  h.write("state.json", "{\"version\": \"1.0\", \"jobs\": [");
  const CliResult corrupt = h.run({"catchup", "--dry-run"});
  CHECK(corrupt.code == sched::cli::kExitFailure);
  CHECK(corrupt.err.rfind("sched catchup: ", 0) == 0);
  CHECK(h.state_bytes() == "{\"version\": \"1.0\", \"jobs\": [");
}

TEST_CASE("catchup performs the planned runs and exits; a held state file exits 3", "[cli][catchup]") {
  // A yearly job last dealt with just after New Year three years ago has
  // missed exactly three fires (the last this year's), whatever today is.
  const auto year = static_cast<int>(date::year_month_day{date::floor<date::days>(std::chrono::system_clock::now())}.year());
  CliHarness h(utc(year - 3, 1, 1, 0, 0, 1));
  REQUIRE(h.run({"add", "yearly", "-s", "0 0 1 1 *", "--tz", "UTC", "--max-missed-runs", "2", "-c", "true"}).code ==
          0);
  {
    const sched::RunnerLock held = sched::RunnerLock::acquire(h.state());
    const CliResult busy = h.run({"catchup"});
    CHECK(busy.code == sched::cli::kExitBusy);
    CHECK(busy.err == "sched catchup: another scheduler (pid " + std::to_string(::getpid()) + ") is using " +
                          h.state().string() + "\n");
  }
  const CliResult r = h.run({"catchup"});
  CHECK(r.code == 0);
  CHECK(r.out.find("info job yearly: catching up 2 missed runs: " + std::to_string(year - 1) +
                   "-01-01T00:00:00.000Z, " + std::to_string(year) + "-01-01T00:00:00.000Z\n") != std::string::npos);
  const sched::JobRecord job = state_of(h).jobs.at(0);
  CHECK(job.run_count == 2);
  CHECK(job.skipped_count == 1);
  CHECK(job.last_status == "ok");
  CHECK(job.last_trigger == "catch-up");
  CHECK(job.last_run == utc(year, 1, 1));
}

TEST_CASE("trigger without a runner runs the job here; its result is the exit code", "[cli][trigger]") {
  CliHarness h(utc(2024, 1, 15, 8));
  REQUIRE(h.run({"add", "ok", "-s", "0 0 1 1 *", "--tz", "UTC", "-c", "echo hello $SCHED_TRIGGER"}).code == 0);
  REQUIRE(h.run({"add", "fails", "-s", "0 0 1 1 *", "--tz", "UTC", "-c", "exit 3"}).code == 0);
  h.set_now(utc(2024, 1, 15, 9, 30));
  const CliResult ok = h.run({"trigger", "ok"});
  CHECK(ok.code == 0);
  CHECK(ok.out.find("2024-01-15T09:30:00.000Z [ok] hello manual\n") != std::string::npos);
  const CliResult fails = h.run({"trigger", "fails"});
  CHECK(fails.code == sched::cli::kExitFailure);
  CHECK(fails.out.find("(exit code 3)") != std::string::npos);
  const sched::StateDocument doc = state_of(h);
  CHECK(doc.jobs[0].last_trigger == "manual");
  CHECK(doc.jobs[0].last_status == "ok");
  CHECK(doc.jobs[0].run_count == 1);
  CHECK(doc.jobs[0].last_run == utc(2024, 1, 15, 9, 30));
  CHECK(doc.jobs[0].watermark == utc(2024, 1, 15, 8));  // a manual run covers no fire time
  CHECK(doc.jobs[1].last_status == "failed");
  CHECK(doc.jobs[1].last_exit_code == 3);
  const CliResult unknown = h.run({"trigger", "nope"});
  CHECK(unknown.code == sched::cli::kExitNoJob);
  CHECK(unknown.err == "sched trigger: no job named nope\n");
}

TEST_CASE("trigger with a runner asks it through the state file", "[cli][trigger]") {
  CliHarness h(utc(2024, 1, 15, 8));
  REQUIRE(h.run({"add", "job", "-s", "0 0 1 1 *", "--tz", "UTC", "-c", "true"}).code == 0);
  const sched::RunnerLock runner = sched::RunnerLock::acquire(h.state());
  h.set_now(utc(2024, 1, 15, 9, 30, 5));
  const CliResult r = h.run({"trigger", "job"});
  CHECK(r.code == 0);
  CHECK(r.out == "asked the running scheduler (pid " + std::to_string(::getpid()) + ") to run job job now\n");
  const sched::JobRecord job = state_of(h).jobs.at(0);
  CHECK(job.trigger_requested_at == utc(2024, 1, 15, 9, 30, 5));
  CHECK(job.run_count == 0);
}
