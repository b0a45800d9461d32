// `sched next` run in-process, with the clock injected.

#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app.h"
#include "exit_codes.h"
#include "support/cli_harness.h"

namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

// 2024-01-15T08:00:00.500Z
const sched::InstantMs kNow = sched::InstantMs{date::sys_days{date::year{2024} / 1 / 15}} +
                              std::chrono::hours{8} + std::chrono::milliseconds{500};

Result run(std::vector<std::string> args) {
  args.insert(args.begin(), "sched");
  std::ostringstream out, err;
  const int code = sched::cli::run(args, {out, err, [] { return kNow; }});
  return {code, out.str(), err.str()};
}

}  // namespace

TEST_CASE("next starts from the injected clock when --after is absent", "[cli][next]") {
  const Result r = run({"next", "-s", "0 8 * * *", "--tz", "UTC", "-n", "2"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "Tue 2024-01-16 08:00:00 +00:00 UTC  2024-01-16T08:00:00.000Z\n"
        "Wed 2024-01-17 08:00:00 +00:00 UTC  2024-01-17T08:00:00.000Z\n");
}

TEST_CASE("next --json names the canonical expression, zone and instants", "[cli][next]") {
  const Result r = run({"next", "-s", "*/30 9-10 * * mon", "--tz", "Asia/Kolkata", "-n", "1", "--json"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.out ==
        "{\n"
        "  \"schedule\": \"*/30 9,10 * * 1\",\n"
        "  \"timezone\": \"Asia/Kolkata\",\n"
        "  \"dayMatch\": \"any\",\n"
        "  \"dstGap\": \"run-after\",\n"
        "  \"dstRepeat\": \"auto\",\n"
        "  \"after\": \"2024-01-15T08:00:00.500Z\",\n"
        "  \"nextRuns\": [\n"
        "    \"2024-01-22T03:30:00.000Z\"\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("next rejects bad input with one line and exit 2", "[cli][next]") {
  const Result r = run({"next", "-s", "*/0 * * * *"});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.out.empty());
  CHECK(r.err == "sched next: invalid schedule \"*/0 * * * *\": minute: step 0 is outside 1-60 (column 3)\n");

  const Result count = run({"next", "-s", "@daily", "-n", "0"});
  CHECK(count.code == sched::cli::kExitUsage);
  CHECK(count.err == "sched next: --count: Value 0 not in range 1 to 100000 (see 'sched next --help')\n");
}

TEST_CASE("help and version exit 0 on stdout", "[cli]") {
  const Result help = run({"--help"});
  CHECK(help.code == sched::cli::kExitOk);
  CHECK(help.out.find("next") != std::string::npos);
  const Result sub_help = run({"next", "--help"});
  CHECK(sub_help.code == sched::cli::kExitOk);
  CHECK(sub_help.out.find("--dst-repeat") != std::string::npos);
  CHECK(run({"--version"}).out.rfind("sched ", 0) == 0);
}

// ---------------------------------------------------------------------------
// `sched next NAME`: the job's own schedule, zone and options.

TEST_CASE("next NAME uses the job's schedule, zone and options", "[cli][next]") {
  sched::test::CliHarness h(kNow);
  h.write("state.json", R"({"version": "1.0", "jobs": [
    {"name": "gap", "schedule": "30 2 * * *", "timezone": "America/New_York", "dstGap": "skip"},
    {"name": "plain", "schedule": "0 9 * * *"}]})");
  h.write("sched.toml",
          "[scheduler]\ntimezone = \"Asia/Kolkata\"\n[jobs.cfg]\nschedule = \"0 12 * * *\"\ncommand = \"true\"\n");
  const std::string config = h.path("sched.toml").string();

  // 2024-03-10 02:30 does not exist in New York; the job skips it.
  const auto r = h.run({"next", "gap", "--after", "2024-03-09T12:00:00Z", "-n", "2"});
  CHECK(r.code == sched::cli::kExitOk);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "Mon 2024-03-11 02:30:00 -04:00 EDT  2024-03-11T06:30:00.000Z\n"
        "Tue 2024-03-12 02:30:00 -04:00 EDT  2024-03-12T06:30:00.000Z\n");

  // A job without a zone runs in the config's; config jobs count too.
  CHECK(h.run({"--config", config, "next", "plain", "-n", "1"}).out ==
        "Tue 2024-01-16 09:00:00 +05:30 IST  2024-01-16T03:30:00.000Z\n");
  CHECK(h.run({"--config", config, "next", "cfg", "-n", "1", "--json"}).out ==
        "{\n"
        "  \"name\": \"cfg\",\n"
        "  \"schedule\": \"0 12 * * *\",\n"
        "  \"timezone\": \"Asia/Kolkata\",\n"
        "  \"dayMatch\": \"any\",\n"
        "  \"dstGap\": \"run-after\",\n"
        "  \"dstRepeat\": \"auto\",\n"
        "  \"after\": \"2024-01-15T08:00:00.500Z\",\n"
        "  \"nextRuns\": [\n"
        "    \"2024-01-16T06:30:00.000Z\"\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("next NAME refuses unknown jobs and schedule options", "[cli][next]") {
  sched::test::CliHarness h(kNow);
  h.write("state.json", R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "timezone": "UTC"}]})");
  const auto unknown = h.run({"next", "b"});
  CHECK(unknown.code == sched::cli::kExitNoJob);
  CHECK(unknown.out.empty());
  CHECK(unknown.err == "sched next: no job named b\n");

  const std::pair<std::vector<std::string>, std::string> rows[] = {
      {{"next"}, "sched next: give a job NAME or --schedule EXPR (see 'sched next --help')\n"},
      {{"next", "a", "-s", "@daily"},
       "sched next: give a job NAME or --schedule EXPR, not both (see 'sched next --help')\n"},
      {{"next", "a", "--tz", "UTC"},
       "sched next: --tz cannot be used with a job NAME (the job's own zone and options apply) (see 'sched next "
       "--help')\n"},
      {{"next", "a", "--day-match", "any"},
       "sched next: --day-match cannot be used with a job NAME (the job's own zone and options apply) (see 'sched "
       "next --help')\n"},
      {{"next", "--dst-gap", "skip", "a"},
       "sched next: --dst-gap cannot be used with a job NAME (the job's own zone and options apply) (see 'sched "
       "next --help')\n"},
      {{"next", "a", "--dst-repeat", "both"},
       "sched next: --dst-repeat cannot be used with a job NAME (the job's own zone and options apply) (see 'sched "
       "next --help')\n"},
  };
  for (const auto& [args, err] : rows) {
    const auto r = h.run(args);
    INFO(args.back());
    CHECK(r.code == sched::cli::kExitUsage);
    CHECK(r.out.empty());
    CHECK(r.err == err);
  }
}
