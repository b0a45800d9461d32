// `sched state` run in-process: the table, the JSON document, --names, one
// job, and the failures. The clock is fixed and every job names its zone (or
// the config's [scheduler] zone applies), so the machine's zone never shows.

#include <unistd.h>

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "exit_codes.h"
#include "sched/state.h"
#include "state_table.h"
#include "support/cli_harness.h"
#include "support/files.h"
#include "support/test_clock.h"

namespace {

using sched::test::CliHarness;
using sched::test::CliResult;
namespace fs = std::filesystem;

const sched::InstantMs kNow = sched::test::utc(2026, 12, 1, 12, 0, 0);

const char* const kConfig =
    "[scheduler]\ntimezone = \"Asia/Tokyo\"\n"
    "[jobs.nightly]\nschedule = \"0 3 * * *\"\ncommand = \"nightly.sh\"\n";

// Five jobs in every situation the table shows. "stuck" has no zone of its
// own (the config's Asia/Tokyo applies) and a watermark after now.
const char* const kState = R"({
  "version": "1.0",
  "timestamp": "2026-12-01T11:59:00.000Z",
  "jobs": [
    {"name": "backup", "schedule": "0 8 * * *", "timezone": "America/New_York", "currentRunCount": 3,
     "lastRun": "2026-11-30T13:00:00.000Z", "lastStartedAt": "2026-11-30T13:00:00.200Z",
     "watermark": "2026-12-01T11:00:00.000Z", "lastStatus": "ok", "lastExitCode": 0, "skippedCount": 1,
     "command": "backup.sh", "source": "cli"},
    {"name": "paused-job", "schedule": "*/5 * * * *", "timezone": "UTC", "enabled": false},
    {"name": "failing", "schedule": "30 2 * * 1", "timezone": "Europe/Berlin", "lastRun": "2026-11-30T01:30:00.000Z",
     "watermark": "2026-11-30T01:30:00.000Z", "lastStatus": "failed", "lastExitCode": 3},
    {"name": "stuck", "schedule": "@daily", "currentRunCount": 1, "lastStatus": "running",
     "lastStartedAt": "2026-12-01T11:59:00.000Z", "watermark": "2026-12-01T15:00:00.000Z"},
    {"name": "badzone", "schedule": "@hourly", "timezone": "Mars/Base"}
  ]
}
)";

}  // namespace

TEST_CASE("duration_text shows at most two units, the largest first", "[cli][state]") {
  using std::chrono::seconds;
  const std::pair<std::int64_t, const char*> rows[] = {
      {0, "0s"},          {1, "1s"},         {59, "59s"},        {60, "1min"},          {61, "1min 1s"},
      {3599, "59min 59s"}, {3600, "1h"},      {3660, "1h 1min"},  {3661, "1h 1min"},     {7320, "2h 2min"},
      {86399, "23h 59min"}, {86400, "1 day"}, {90000, "1 day 1h"}, {172800, "2 days"},   {176400, "2 days 1h"},
      {86400 + 60, "1 day"},  // the minutes are past the second unit
      {-5, "0s"},
  };
  for (const auto& [count, text] : rows) {
    INFO(count);
    CHECK(sched::cli::duration_text(seconds{count}) == text);
  }
  CHECK(sched::cli::relative_time(kNow + std::chrono::milliseconds{1500}, kNow) == "in 1s");
  CHECK(sched::cli::relative_time(kNow - std::chrono::minutes{5}, kNow) == "5min ago");
  CHECK(sched::cli::relative_time(kNow, kNow) == "0s ago");
}

TEST_CASE("state prints a table of every job, config jobs included", "[cli][state]") {
  CliHarness h(kNow);
  h.write("sched.toml", kConfig);
  h.write("state.json", kState);
  const CliResult r = h.run({"--config", h.path("sched.toml").string(), "state"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err ==
        "sched state: warning: job badzone: unknown time zone \"Mars/Base\": not in the tz database (expected an "
        "IANA name such as Europe/Berlin or UTC)\n");
  CHECK(r.out ==
        "NAME        SCHEDULE                    NEXT                     LEFT           LAST                     PASSED         RESULT           RUNS  SKIPPED\n"
        "backup      0 8 * * * America/New_York  2026-12-01 08:00:00 EST  in 1h          2026-11-30 08:00:00 EST  22h 59min ago  ok               3     1\n"
        "paused-job  */5 * * * * UTC             paused                   -              -                        -              -                0     0\n"
        "failing     30 2 * * 1 Europe/Berlin    2026-12-07 02:30:00 CET  in 5 days 13h  2026-11-30 02:30:00 CET  1 day 10h ago  failed (exit 3)  0     0\n"
        "stuck       @daily Asia/Tokyo           2026-12-03 00:00:00 JST  in 1 day 3h    2026-12-01 20:59:00 JST  1min ago       interrupted      1     0\n"
        "badzone     @hourly Mars/Base           invalid                  -              -                        -              -                0     0\n"
        "nightly     0 3 * * * Asia/Tokyo        2026-12-02 03:00:00 JST  in 6h          -                        -              -                0     0\n"
        "\n"
        "6 jobs listed.\n");
  // Reading changed nothing: the config's job is merged in memory only.
  CHECK(h.state_bytes() == kState);
  CHECK(h.run({"-q", "--config", h.path("sched.toml").string(), "state"}).err.empty());
}

TEST_CASE("state of no jobs, and of one", "[cli][state]") {
  CliHarness h(kNow);
  const CliResult empty = h.run({"state"});
  CHECK(empty.code == sched::cli::kExitOk);
  CHECK(empty.out == "NAME  SCHEDULE  NEXT  LEFT  LAST  PASSED  RESULT  RUNS  SKIPPED\n\n0 jobs listed.\n");
  CHECK_FALSE(fs::exists(h.state()));

  h.write("state.json", kState);
  const CliResult one = h.run({"state", "paused-job"});
  CHECK(one.code == sched::cli::kExitOk);
  CHECK(one.out ==
        "NAME        SCHEDULE         NEXT    LEFT  LAST  PASSED  RESULT  RUNS  SKIPPED\n"
        "paused-job  */5 * * * * UTC  paused  -     -     -       -       0     0\n"
        "\n"
        "1 job listed.\n");

  const CliResult unknown = h.run({"state", "nope"});
  CHECK(unknown.code == sched::cli::kExitNoJob);
  CHECK(unknown.out.empty());
  CHECK(unknown.err == "sched state: no job named nope\n");
  CHECK(h.run({"state", "nope", "--json"}).code == sched::cli::kExitNoJob);
}

TEST_CASE("state --json carries the record, the computed members and the runner", "[cli][state]") {
  CliHarness h(kNow);
  h.write("sched.toml", "[scheduler]\ntimezone = \"Asia/Tokyo\"\n");
  h.write("state.json", kState);
  const std::string config = h.path("sched.toml").string();
  const sched::RunnerLock runner = sched::RunnerLock::acquire(h.state());
  const CliResult r = h.run({"--config", config, "state", "stuck", "--json"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out == R"({
  "schemaVersion": 1,
  "generatedAt": "2026-12-01T12:00:00.000Z",
  "stateFile": ")" + h.state().string() + R"(",
  "runner": {
    "pid": )" + std::to_string(::getpid()) + R"(
  },
  "jobs": [
    {
      "name": "stuck",
      "schedule": "@daily",
      "enabled": true,
      "catchUp": true,
      "maxMissedRuns": 5,
      "currentRunCount": 1,
      "lastRun": null,
      "nextRun": "2026-12-02T15:00:00.000Z",
      "watermark": "2026-12-01T15:00:00.000Z",
      "timezone": "",
      "dayMatch": "any",
      "dstGap": "run-after",
      "dstRepeat": "auto",
      "protect": true,
      "catchUpWindowMs": null,
      "timeoutMs": null,
      "command": null,
      "workdir": null,
      "env": {},
      "source": "api",
      "lastStatus": "running",
      "lastTrigger": null,
      "lastExitCode": null,
      "lastDurationMs": null,
      "lastStartedAt": "2026-12-01T11:59:00.000Z",
      "lastFinishedAt": null,
      "lastError": null,
      "skippedCount": 0,
      "triggerRequestedAt": null,
      "running": true,
      "effectiveTimezone": "Asia/Tokyo"
    }
  ]
}
)");
  // The table says the same.
  const CliResult table = h.run({"--config", config, "state", "stuck"});
  CHECK(table.out.find("  running  ") != std::string::npos);
}

TEST_CASE("state --json lists every job with nextRun null when paused or invalid", "[cli][state]") {
  CliHarness h(kNow);
  h.write("sched.toml", kConfig);
  h.write("state.json", kState);
  const CliResult r = h.run({"-q", "--config", h.path("sched.toml").string(), "state", "--json"});
  CHECK(r.code == sched::cli::kExitOk);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["runner"].is_null());
  REQUIRE(doc["jobs"].size() == 6);
  const std::pair<const char*, nlohmann::json> rows[] = {
      {"2026-12-01T13:00:00.000Z", "America/New_York"}, {nullptr, "UTC"},
      {"2026-12-07T01:30:00.000Z", "Europe/Berlin"},    {"2026-12-02T15:00:00.000Z", "Asia/Tokyo"},
      {nullptr, "Mars/Base"},                           {"2026-12-01T18:00:00.000Z", "Asia/Tokyo"},
  };
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& job = doc["jobs"][i];
    INFO(job["name"]);
    CHECK(job["nextRun"] == (rows[i].first ? nlohmann::json(rows[i].first) : nlohmann::json(nullptr)));
    CHECK(job["effectiveTimezone"] == rows[i].second);
    CHECK(job["running"] == false);  // "stuck" says running, but no runner holds the file
  }
  CHECK(doc["jobs"][5]["source"] == "config");
  CHECK(doc["jobs"][5]["command"] == "nightly.sh");
}

TEST_CASE("state --names prints the names, nothing for a missing file", "[cli][state]") {
  CliHarness h(kNow);
  const CliResult missing = h.run({"state", "--names"});
  CHECK(missing.code == sched::cli::kExitOk);
  CHECK(missing.out.empty());
  CHECK(missing.err.empty());

  h.write("sched.toml", kConfig);
  h.write("state.json", kState);
  const CliResult names = h.run({"--config", h.path("sched.toml").string(), "state", "--names"});
  CHECK(names.code == sched::cli::kExitOk);
  CHECK(names.out == "backup\npaused-job\nfailing\nstuck\nbadzone\nnightly\n");
  CHECK(names.err.empty());

  const CliResult both = h.run({"state", "--names", "--json"});
  CHECK(both.code == sched::cli::kExitUsage);
  CHECK(both.err == "sched state: --json excludes --names (see 'sched state --help')\n");
}

TEST_CASE("state of a corrupt file exits 1 and moves nothing", "[cli][state]") {
  CliHarness h(kNow);
  h.write("state.json", "{\"version\": \"1.0\", \"jobs\": [}");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"state"}, {"state", "--json"}, {"state", "--names"}, {"state", "a"}}) {
    const CliResult r = h.run(args);
    CHECK(r.code == sched::cli::kExitFailure);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sched state: corrupt state file " + h.state().string() + ": ", 0) == 0);
  }
  CHECK(h.state_bytes() == "{\"version\": \"1.0\", \"jobs\": [}");
  CHECK(sched::test::names_in(h.dir().path()) == std::set<std::string>{"state.json"});
}
