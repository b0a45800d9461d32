// `sched add` run in-process: every option lands in the record, --replace
// keeps the bookkeeping, refusals change nothing, and the DST and day-field
// warnings. Expected fire times and DST transitions are written from the tz
// database's own listing (zdump -v), never by asking sched.

#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include <catch2/catch.hpp>

#include "exit_codes.h"
#include "sched/state.h"
#include "support/cli_harness.h"
#include "support/state_lock_probe.h"
#include "support/test_clock.h"

namespace {

using sched::test::CliHarness;
using sched::test::CliResult;
namespace fs = std::filesystem;

// 2026-12-01T12:00:00.500Z: within a year come the DST repeat of 2027-11-07
// and the gap of 2027-03-14 in America/New_York.
const sched::InstantMs kNow = sched::test::utc(2026, 12, 1, 12, 0, 0) + std::chrono::milliseconds{500};

// The state file with its "timestamp" (the real clock of the write) masked.
std::string masked(const std::string& text) {
  return std::regex_replace(text, std::regex(R"("timestamp": "[^"]*")"), R"("timestamp": "T")");
}

sched::StateDocument state_of(const CliHarness& h) { return sched::parse_state(h.state_bytes(), "state"); }

// A state file written by hand: one job with bookkeeping, paused.
const char* const kBookkept = R"({
  "version": "1.0",
  "timestamp": "2026-11-30T00:00:00.000Z",
  "jobs": [
    {
      "name": "report",
      "schedule": "0 6 * * *",
      "enabled": false,
      "currentRunCount": 7,
      "lastRun": "2026-11-29T06:00:00.000Z",
      "nextRun": "2026-11-30T06:00:00.000Z",
      "watermark": "2026-11-29T06:00:00.000Z",
      "timezone": "UTC",
      "command": "old.sh",
      "workdir": "/old",
      "source": "cli",
      "lastStatus": "failed",
      "lastTrigger": "schedule",
      "lastExitCode": 3,
      "lastDurationMs": 1500,
      "lastStartedAt": "2026-11-29T06:00:00.100Z",
      "lastFinishedAt": "2026-11-29T06:00:01.600Z",
      "skippedCount": 2,
      "custom": {"kept": true}
    }
  ]
}
)";

}  // namespace

TEST_CASE("add writes every option into the record", "[cli][add]") {
  CliHarness h(kNow);
  const CliResult r = h.run({"add", "backup", "-s", "0 8 * * *", "-c", "backup.sh --full", "--tz",
                             "America/New_York", "--no-catch-up", "--max-missed-runs", "2", "--catch-up-window",
                             "7d", "--no-protect", "--timeout", "1h30m", "--workdir", "/srv", "--env",
                             "TARGET=/mnt/backup", "--env", "MIXED=a=b \"c\"\nd", "--day-match", "all", "--dst-gap",
                             "skip", "--dst-repeat", "both"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "added job backup: 0 8 * * * in America/New_York\n"
        "next runs:\n"
        "  Tue 2026-12-01 08:00:00 -05:00 EST  2026-12-01T13:00:00.000Z\n"
        "  Wed 2026-12-02 08:00:00 -05:00 EST  2026-12-02T13:00:00.000Z\n"
        "  Thu 2026-12-03 08:00:00 -05:00 EST  2026-12-03T13:00:00.000Z\n");
  CHECK(masked(h.state_bytes()) == R"({
  "version": "1.0",
  "timestamp": "T",
  "jobs": [
    {
      "name": "backup",
      "schedule": "0 8 * * *",
      "enabled": true,
      "catchUp": false,
      "maxMissedRuns": 2,
      "currentRunCount": 0,
      "lastRun": null,
      "nextRun": null,
      "watermark": "2026-12-01T12:00:00.500Z",
      "timezone": "America/New_York",
      "dayMatch": "all",
      "dstGap": "skip",
      "dstRepeat": "both",
      "protect": false,
      "catchUpWindowMs": 604800000,
      "timeoutMs": 5400000,
      "command": "backup.sh --full",
      "workdir": "/srv",
      "env": {
        "MIXED": "a=b \"c\"\nd",
        "TARGET": "/mnt/backup"
      },
      "source": "cli",
      "lastStatus": null,
      "lastTrigger": null,
      "lastExitCode": null,
      "lastDurationMs": null,
      "lastStartedAt": null,
      "lastFinishedAt": null,
      "lastError": null,
      "skippedCount": 0,
      "triggerRequestedAt": null
    }
  ]
}
)");
}

TEST_CASE("add takes unset options from the config's [scheduler] and the current folder", "[cli][add]") {
  CliHarness h(kNow);
  h.write("sched.toml", "[scheduler]\ntimezone = \"UTC\"\ndefault_catch_up = false\ndefault_max_missed_runs = 9\n");
  const CliResult r = h.run({"--config", h.path("sched.toml").string(), "add", "tick", "-s", "*/20 * * * *", "-c", "true"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "added job tick: */20 * * * * in UTC\n"
        "next runs:\n"
        "  Tue 2026-12-01 12:20:00 +00:00 UTC  2026-12-01T12:20:00.000Z\n"
        "  Tue 2026-12-01 12:40:00 +00:00 UTC  2026-12-01T12:40:00.000Z\n"
        "  Tue 2026-12-01 13:00:00 +00:00 UTC  2026-12-01T13:00:00.000Z\n");
  const sched::StateDocument doc = state_of(h);
  REQUIRE(doc.jobs.size() == 1);
  const sched::JobRecord& job = doc.jobs[0];
  CHECK(job.timezone.empty());  // the scheduler's zone, whatever it becomes
  CHECK_FALSE(job.catch_up);
  CHECK(job.max_missed_runs == 9);
  CHECK(job.protect);
  CHECK(job.enabled);
  CHECK(job.workdir == fs::current_path().string());
  CHECK(job.env.empty());
  CHECK(job.day_match == "any");
  CHECK(job.dst_gap == "run-after");
  CHECK(job.dst_repeat == "auto");
  CHECK_FALSE(job.catch_up_window);
  CHECK_FALSE(job.timeout);
  CHECK(job.watermark == kNow);
  CHECK(job.source == "cli");
}

TEST_CASE("add takes one KEY=VALUE per --env, before or after NAME", "[cli][add]") {
  CliHarness h(kNow);
  const CliResult r = h.run({"add", "--env", "A=1", "--env", "B=", "j", "-s", "@daily", "-c", "true", "--tz", "UTC",
                             "--env", "A=2", "--env", "C=x=y"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(state_of(h).jobs.at(0).env == std::map<std::string, std::string>{{"A", "2"}, {"B", ""}, {"C", "x=y"}});
}

TEST_CASE("add makes a relative --workdir absolute against the current folder", "[cli][add]") {
  CliHarness h(kNow);
  REQUIRE(h.run({"add", "a", "-s", "@daily", "-c", "true", "--tz", "UTC", "--workdir", "sub/../dir/"}).code == 0);
  CHECK(state_of(h).jobs.at(0).workdir == (fs::current_path() / "dir").string());
}

TEST_CASE("a new job exists from the write that adds it, not from the command's start", "[cli][add]") {
  // The command starts at 12:00:59.800 and gets the lock at 12:01:00.200
  // (a runner held it, writing its 12:01:00 round). A job of the same name
  // removed just before may have run that fire: the new job does not owe it.
  CliHarness h(kNow);
  const sched::InstantMs before_lock = sched::test::utc(2026, 12, 1, 12, 0, 59) + std::chrono::milliseconds{800};
  const sched::InstantMs in_lock = sched::test::utc(2026, 12, 1, 12, 1, 0) + std::chrono::milliseconds{200};
  const fs::path state = h.state();
  h.set_clock([&] { return sched::test::state_lock_held(state) ? in_lock : before_lock; });
  const CliResult r = h.run({"add", "tick", "-s", "* * * * *", "-c", "true", "--tz", "UTC"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out ==
        "added job tick: * * * * * in UTC\n"
        "next runs:\n"
        "  Tue 2026-12-01 12:02:00 +00:00 UTC  2026-12-01T12:02:00.000Z\n"
        "  Tue 2026-12-01 12:03:00 +00:00 UTC  2026-12-01T12:03:00.000Z\n"
        "  Tue 2026-12-01 12:04:00 +00:00 UTC  2026-12-01T12:04:00.000Z\n");
  CHECK(state_of(h).find("tick")->watermark == in_lock);
}

TEST_CASE("add --paused adds the job paused and shows no runs", "[cli][add]") {
  CliHarness h(kNow);
  const CliResult r = h.run({"add", "later", "-s", "@hourly", "-c", "true", "--tz", "UTC", "--paused"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out == "added job later (paused): @hourly in UTC\nnext runs: none while paused\n");
  CHECK_FALSE(state_of(h).jobs.at(0).enabled);
}

TEST_CASE("add refuses a taken name and changes nothing", "[cli][add]") {
  CliHarness h(kNow);
  h.write("state.json", kBookkept);
  const CliResult r = h.run({"add", "report", "-s", "@daily", "-c", "true", "--tz", "UTC"});
  CHECK(r.code == sched::cli::kExitConflict);
  CHECK(r.out.empty());
  CHECK(r.err == "sched add: job report already exists (use --replace to redefine it)\n");
  CHECK(h.state_bytes() == kBookkept);
}

TEST_CASE("add --replace keeps the bookkeeping and the pause", "[cli][add]") {
  CliHarness h(kNow);
  h.write("state.json", kBookkept);
  const CliResult r =
      h.run({"add", "report", "-s", "30 7 * * 1-5", "-c", "new.sh", "--tz", "Europe/Berlin", "--workdir", "/new",
             "--replace"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out == "replaced job report (paused): 30 7 * * 1-5 in Europe/Berlin\nnext runs: none while paused\n");
  const sched::StateDocument doc = state_of(h);
  REQUIRE(doc.jobs.size() == 1);
  const sched::JobRecord& job = doc.jobs[0];
  // The new definition...
  CHECK(job.schedule == "30 7 * * 1-5");
  CHECK(job.command == "new.sh");
  CHECK(job.timezone == "Europe/Berlin");
  CHECK(job.workdir == "/new");
  CHECK(job.source == "cli");
  // ...and the old bookkeeping, pause and unknown members.
  CHECK_FALSE(job.enabled);
  CHECK(job.run_count == 7);
  CHECK(job.last_run == sched::test::utc(2026, 11, 29, 6));
  CHECK(job.watermark == sched::test::utc(2026, 11, 29, 6));
  CHECK(job.last_status == "failed");
  CHECK(job.last_exit_code == 3);
  CHECK(job.skipped_count == 2);
  CHECK_FALSE(job.next_run);  // recomputed by the runner for the new schedule
  REQUIRE(job.unknown.size() == 1);
  CHECK(job.unknown[0].first == "custom");

  // The same definition again writes nothing.
  const std::string before = h.state_bytes();
  const CliResult again =
      h.run({"add", "report", "-s", "30 7 * * 1-5", "-c", "new.sh", "--tz", "Europe/Berlin", "--workdir", "/new",
             "--replace"});
  CHECK(again.code == sched::cli::kExitOk);
  CHECK(again.out == r.out);
  CHECK(h.state_bytes() == before);
}

TEST_CASE("add --replace of an enabled job shows its runs from its watermark", "[cli][add]") {
  CliHarness h(kNow);
  REQUIRE(h.run({"add", "a", "-s", "0 9 * * *", "-c", "true", "--tz", "UTC"}).code == 0);
  const CliResult r = h.run({"add", "a", "-s", "0 10 * * *", "-c", "true", "--tz", "UTC", "--replace"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out ==
        "replaced job a: 0 10 * * * in UTC\n"
        "next runs:\n"
        "  Wed 2026-12-02 10:00:00 +00:00 UTC  2026-12-02T10:00:00.000Z\n"
        "  Thu 2026-12-03 10:00:00 +00:00 UTC  2026-12-03T10:00:00.000Z\n"
        "  Fri 2026-12-04 10:00:00 +00:00 UTC  2026-12-04T10:00:00.000Z\n");
  // --replace --paused pauses it.
  CHECK(h.run({"add", "a", "-s", "0 10 * * *", "-c", "true", "--tz", "UTC", "--replace", "--paused"}).out ==
        "replaced job a (paused): 0 10 * * * in UTC\nnext runs: none while paused\n");
  CHECK_FALSE(state_of(h).jobs.at(0).enabled);
}

TEST_CASE("add never adds over a job of the config file", "[cli][add]") {
  CliHarness h(kNow);
  h.write("sched.toml", "[scheduler]\ntimezone = \"UTC\"\n[jobs.nightly]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const std::string config = h.path("sched.toml").string();
  for (const char* flag : {"--tz", "--replace"}) {
    std::vector<std::string> args{"--config", config, "add", "nightly", "-s", "@hourly", "-c", "x"};
    if (std::string(flag) == "--replace") args.push_back(flag);
    const CliResult r = h.run(args);
    CHECK(r.code == sched::cli::kExitConflict);
    CHECK(r.out.empty());
    CHECK(r.err == "sched add: job nightly is defined in " + config + "; change it there\n");
  }
  CHECK_FALSE(fs::exists(h.state()));

  // A config job already written to the state, whose file is not given now.
  h.write("state.json", R"({"version": "1.0", "jobs": [{"name": "old", "schedule": "@daily", "source": "config"}]})");
  const std::string before = h.state_bytes();
  const CliResult r = h.run({"add", "old", "-s", "@daily", "-c", "x", "--tz", "UTC", "--replace"});
  CHECK(r.code == sched::cli::kExitConflict);
  CHECK(r.err == "sched add: job old is defined in a config file; change it there\n");
  CHECK(h.state_bytes() == before);
}

TEST_CASE("add rejects bad values with one line, exit 2, and no state file", "[cli][add]") {
  struct Row {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Row> rows{
      {{"bad name", "-s", "@daily", "-c", "x"},
       "sched add: invalid job name \"bad name\": only A-Z a-z 0-9 . _ - are allowed\n"},
      {{"-x", "-s", "@daily", "-c", "x"}, ""},  // CLI11's own message, checked for its code only
      {{"a", "-s", "0 25 * * *", "-c", "x"},
       "sched add: invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)\n"},
      {{"a", "-s", "@daily", "-c", "x", "--tz", "Mars/Base"},
       "sched add: unknown time zone \"Mars/Base\": not in the tz database (expected an IANA name such as "
       "Europe/Berlin or UTC)\n"},
      {{"a", "-s", "@daily", "-c", "x", "--timeout", "2x"},
       "sched add: --timeout: invalid duration \"2x\": expected a number with a unit, such as 500ms, 30s, 5m, 2h, "
       "7d or 1h30m\n"},
      {{"a", "-s", "@daily", "-c", "x", "--catch-up-window", "0s"},
       "sched add: --catch-up-window: invalid duration \"0s\": expected a number with a unit, such as 500ms, 30s, "
       "5m, 2h, 7d or 1h30m\n"},
      {{"a", "-s", "@daily", "-c", "x", "--env", "NOVALUE"},
       "sched add: --env: expected KEY=VALUE with a non-empty KEY, found \"NOVALUE\"\n"},
      {{"a", "-s", "@daily", "-c", "x", "--env", "=v"},
       "sched add: --env: expected KEY=VALUE with a non-empty KEY, found \"=v\"\n"},
      {{"a", "-s", "@daily", "-c", ""}, "sched add: --command: the command is empty\n"},
      {{"a", "-s", "0 0 30 2 1", "-c", "x", "--tz", "UTC", "--day-match", "all"},
       "sched add: schedule \"0 0 30 2 1\" never fires after 2026-12-01T12:00:00.500Z in UTC (day-match all)\n"},
      {{"a", "-s", "@daily", "-c", "x", "--max-missed-runs", "-1"},
       "sched add: --max-missed-runs: Value -1 not in range 0 to 2147483647 (see 'sched add --help')\n"},
      {{"a", "-s", "@daily", "-c", "x", "--dst-gap", "later"},
       "sched add: --dst-gap: later not in {run-after,skip} (see 'sched add --help')\n"},
      {{"a", "-s", "@daily", "-c", "x", "--catch-up", "--no-catch-up"},
       "sched add: --catch-up excludes --no-catch-up (see 'sched add --help')\n"},
      {{"a", "-c", "x"}, "sched add: --schedule is required (see 'sched add --help')\n"},
  };
  for (const Row& row : rows) {
    CliHarness h(kNow);
    std::vector<std::string> args{"add"};
    args.insert(args.end(), row.args.begin(), row.args.end());
    const CliResult r = h.run(args);
    INFO(row.args.at(0) << " " << row.err);
    CHECK(r.code == sched::cli::kExitUsage);
    CHECK(r.out.empty());
    if (!row.err.empty()) CHECK(r.err == row.err);
    CHECK_FALSE(fs::exists(h.state()));
  }
}

TEST_CASE("add warns about DST gaps and repeats within a year, in order", "[cli][add][dst]") {
  // From `zdump -v -c 2026,2028`:
  //   America/New_York  Sun Mar 14 2027 01:59:59 EST -> 03:00:00 EDT  (gap 02:00-03:00)
  //                     Sun Nov  7 2027 01:59:59 EDT -> 01:00:00 EST  (01:00-02:00 twice)
  //   Europe/Berlin     Sun Mar 28 2027 01:59:59 CET -> 03:00:00 CEST
  //   Australia/Lord_Howe  Sun Apr 4 2027 01:59:59 +11 -> 01:30:00 +1030 (01:30-02:00 twice)
  //                     Sun Oct 3 2027 01:59:59 +1030 -> 02:30:00 +11 (gap 02:00-02:30)
  // (the New York repeat of 2026-11-01 lies before kNow).
  struct Row {
    std::vector<std::string> args;
    std::string err;
  };
  const std::string ny = "America/New_York";
  const std::vector<Row> rows{
      {{"-s", "30 2 * * *", "--tz", ny},
       "sched add: warning: \"30 2 * * *\" meets the DST gap in America/New_York on 2027-03-14 (02:00 to 03:00 "
       "does not exist): it runs at 03:00 instead (dst-gap run-after)\n"},
      {{"-s", "30 2 * * *", "--tz", ny, "--dst-gap", "skip"},
       "sched add: warning: \"30 2 * * *\" meets the DST gap in America/New_York on 2027-03-14 (02:00 to 03:00 "
       "does not exist): it does not run then (dst-gap skip)\n"},
      {{"-s", "30 1 * * *", "--tz", ny},
       "sched add: warning: \"30 1 * * *\" meets the DST repeat in America/New_York on 2027-11-07 (01:00 to 02:00 "
       "happens twice): it runs once (dst-repeat auto)\n"},
      {{"-s", "30 1 * * *", "--tz", ny, "--dst-repeat", "first"},
       "sched add: warning: \"30 1 * * *\" meets the DST repeat in America/New_York on 2027-11-07 (01:00 to 02:00 "
       "happens twice): it runs once (dst-repeat first)\n"},
      {{"-s", "30 1 * * *", "--tz", ny, "--dst-repeat", "both"},
       "sched add: warning: \"30 1 * * *\" meets the DST repeat in America/New_York on 2027-11-07 (01:00 to 02:00 "
       "happens twice): it runs twice (dst-repeat both)\n"},
      // An hour field of * keeps firing through both: gap first (March), then repeat (November).
      {{"-s", "15 * * * *", "--tz", ny},
       "sched add: warning: \"15 * * * *\" meets the DST gap in America/New_York on 2027-03-14 (02:00 to 03:00 "
       "does not exist): it runs at 03:00 instead (dst-gap run-after)\n"
       "sched add: warning: \"15 * * * *\" meets the DST repeat in America/New_York on 2027-11-07 (01:00 to 02:00 "
       "happens twice): it runs twice (dst-repeat auto)\n"},
      // Only on days that match: Sundays in March 2027 are 7, 14, 21 and 28.
      {{"-s", "30 2 * 3 0", "--tz", "Europe/Berlin"},
       "sched add: warning: \"30 2 * 3 0\" meets the DST gap in Europe/Berlin on 2027-03-28 (02:00 to 03:00 does "
       "not exist): it runs at 03:00 instead (dst-gap run-after)\n"},
      {{"-s", "30 2 * 3 1-6", "--tz", "Europe/Berlin"}, ""},
      // Half-hour shifts; the repeat (April) comes before the gap (October).
      {{"-s", "*/15 1-2 * * *", "--tz", "Australia/Lord_Howe"},
       "sched add: warning: \"*/15 1-2 * * *\" meets the DST repeat in Australia/Lord_Howe on 2027-04-04 (01:30 to "
       "02:00 happens twice): it runs once (dst-repeat auto)\n"
       "sched add: warning: \"*/15 1-2 * * *\" meets the DST gap in Australia/Lord_Howe on 2027-10-03 (02:00 to "
       "02:30 does not exist): it runs at 02:30 instead (dst-gap run-after)\n"},
      // Wall times next to the changes, and zones without DST.
      {{"-s", "59 1 * * *", "--tz", ny},
       "sched add: warning: \"59 1 * * *\" meets the DST repeat in America/New_York on 2027-11-07 (01:00 to 02:00 "
       "happens twice): it runs once (dst-repeat auto)\n"},
      {{"-s", "0 3 * * *", "--tz", ny}, ""},
      {{"-s", "0 0 * * *", "--tz", ny}, ""},
      {{"-s", "30 2 * * *", "--tz", "UTC"}, ""},
      {{"-s", "30 2 * * *", "--tz", "Asia/Kolkata"}, ""},
  };
  for (const Row& row : rows) {
    CliHarness h(kNow);
    std::vector<std::string> args{"add", "job", "-c", "true"};
    args.insert(args.end(), row.args.begin(), row.args.end());
    const CliResult r = h.run(args);
    INFO(row.args.at(1) << " in " << row.args.at(3));
    CHECK(r.code == sched::cli::kExitOk);
    CHECK(r.err == row.err);
  }
}

TEST_CASE("add warns when both day fields are restricted under day-match any", "[cli][add]") {
  CliHarness h(kNow);
  const CliResult r = h.run({"add", "friday13", "-s", "0 0 13 * 5", "-c", "true", "--tz", "UTC"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err ==
        "sched add: warning: \"0 0 13 * 5\" restricts both day-of-month and day-of-week: it fires when either "
        "matches (use --day-match all for both)\n");
  // Fridays or the 13th: Fri 2026-12-04 comes first.
  CHECK(r.out.find("  Fri 2026-12-04 00:00:00 +00:00 UTC  2026-12-04T00:00:00.000Z\n") != std::string::npos);

  for (const std::vector<std::string>& quiet :
       std::vector<std::vector<std::string>>{{"-s", "0 0 13 * 5", "--day-match", "all"},  // what the user meant
                                             {"-s", "0 0 * * 5"},
                                             {"-s", "0 0 13 * ?"},
                                             {"-s", "0 0 13 * 5", "-q"}}) {
    CliHarness q(kNow);
    std::vector<std::string> args{"add", "j", "-c", "true", "--tz", "UTC"};
    args.insert(args.end(), quiet.begin(), quiet.end());
    const CliResult quiet_run = q.run(args);
    CHECK(quiet_run.code == sched::cli::kExitOk);
    CHECK(quiet_run.err.empty());
  }
}

TEST_CASE("add -q keeps the result but drops the DST warning", "[cli][add]") {
  CliHarness h(kNow);
  const CliResult r = h.run({"-q", "add", "j", "-s", "30 2 * * *", "-c", "true", "--tz", "America/New_York"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out.rfind("added job j: 30 2 * * * in America/New_York\nnext runs:\n", 0) == 0);
}
