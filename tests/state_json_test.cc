// The state file's JSON form: every field round-trips, the seed's files
// load, unknown members survive, and every kind of bad text is refused with
// a message that names the file and the place.

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sched/error.h"
#include "sched/state.h"

namespace {

using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;

sched::InstantMs utc(int y, unsigned mo, unsigned d, int h, int mi, int s = 0, int ms = 0) {
  return sched::InstantMs{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

// The message of the Error that parse_state throws for `text`, after
// checking its code; "(accepted)" when it parses.
std::string rejection(const std::string& text, sched::ErrorCode expected = sched::ErrorCode::state_corrupt) {
  try {
    (void)sched::parse_state(text, "s.json");
  } catch (const sched::Error& e) {
    CHECK(e.code() == expected);
    return e.what();
  }
  return "(accepted)";
}

// A state text with one job whose members are `job_members` (JSON text
// without braces) after a valid name and schedule.
std::string with_job(const std::string& job_members) {
  return R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "* * * * *")" +
         (job_members.empty() ? "" : ", " + job_members) + "}]}";
}

sched::JobRecord every_field_set() {
  sched::JobRecord job;
  job.name = "daily-backup";
  job.schedule = "0 8 * * *";
  job.enabled = false;
  job.catch_up = false;
  job.max_missed_runs = 2;
  job.run_count = 18446744073709551615u;
  job.last_run = utc(2024, 1, 14, 8, 0);
  job.next_run = utc(2024, 1, 15, 8, 0);
  job.watermark = utc(2024, 1, 14, 8, 0, 0, 1);
  job.timezone = "America/New_York";
  job.day_match = "all";
  job.dst_gap = "skip";
  job.dst_repeat = "both";
  job.protect = false;
  job.catch_up_window = 7 * 24h;
  job.timeout = 2h;
  job.command = "backup.sh --full \"$HOME\"";
  job.workdir = "/srv";
  job.env = {{"TARGET", "/mnt/backup"}, {"LANG", "C.UTF-8"}};
  job.source = "config";
  job.last_status = "failed";
  job.last_trigger = "catch-up";
  job.last_exit_code = -2147483647 - 1;
  job.last_duration = 1234ms;
  job.last_started_at = utc(2024, 1, 14, 8, 0, 0, 12);
  job.last_finished_at = utc(2024, 1, 14, 8, 0, 1, 246);
  job.last_error = "disk full: \u00e9\n\ttab";
  job.skipped_count = 3;
  job.unknown = {{"owner", R"({"team":"ops","ids":[1,2.5,-3,null,true]})"}, {"note", R"("x")"}};
  return job;
}

const char* const kSeedSample = R"({
  "version": "1.0",
  "timestamp": "2024-01-15T10:30:00.000Z",
  "jobs": [
    {
      "name": "daily-backup",
      "schedule": "0 8 * * *",
      "enabled": true,
      "catchUp": true,
      "maxMissedRuns": 2,
      "currentRunCount": 5,
      "lastRun": "2024-01-14T08:00:00.000Z",
      "nextRun": "2024-01-15T08:00:00.000Z"
    }
  ]
})";

}  // namespace

TEST_CASE("every field survives to_json and parse_state", "[state][json]") {
  sched::StateDocument doc;
  doc.timestamp = utc(2024, 1, 15, 10, 30, 0, 999);
  doc.jobs.push_back(every_field_set());
  sched::JobRecord defaults;
  defaults.name = "bare";
  defaults.schedule = "@daily";
  doc.jobs.push_back(defaults);
  doc.unknown = {{"host", R"("laptop")"}, {"extra", R"([{"a":{"b":[]}},{}])"}};

  const std::string text = sched::to_json(doc);
  CHECK(sched::parse_state(text, "s.json") == doc);
  CHECK(sched::to_json(sched::parse_state(text, "s.json")) == text);
}

TEST_CASE("to_json writes the known members in a fixed order, nulls included", "[state][json]") {
  sched::StateDocument doc;
  sched::JobRecord job;
  job.name = "a";
  job.schedule = "* * * * *";
  job.last_run = utc(2024, 1, 15, 8, 0);
  job.unknown = {{"zz", "1"}};
  doc.jobs.push_back(job);
  doc.unknown = {{"extra", "true"}};
  CHECK(sched::to_json(doc) == R"({
  "version": "1.0",
  "timestamp": null,
  "jobs": [
    {
      "name": "a",
      "schedule": "* * * * *",
      "enabled": true,
      "catchUp": true,
      "maxMissedRuns": 5,
      "currentRunCount": 0,
      "lastRun": "2024-01-15T08:00:00.000Z",
      "nextRun": null,
      "watermark": null,
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
      "lastStatus": null,
      "lastTrigger": null,
      "lastExitCode": null,
      "lastDurationMs": null,
      "lastStartedAt": null,
      "lastFinishedAt": null,
      "lastError": null,
      "skippedCount": 0,
      "triggerRequestedAt": null,
      "zz": 1
    }
  ],
  "extra": true
}
)");
}

TEST_CASE("the seed's sample state file loads, with defaults for sched's own fields", "[state][json][seed]") {
  const sched::StateDocument doc = sched::parse_state(kSeedSample, "seed.json");
  CHECK(doc.version == "1.0");
  CHECK(doc.timestamp == utc(2024, 1, 15, 10, 30));
  CHECK(doc.unknown.empty());
  REQUIRE(doc.jobs.size() == 1);
  sched::JobRecord expected;
  expected.name = "daily-backup";
  expected.schedule = "0 8 * * *";
  expected.max_missed_runs = 2;
  expected.run_count = 5;
  expected.last_run = utc(2024, 1, 14, 8, 0);
  expected.next_run = utc(2024, 1, 15, 8, 0);
  CHECK(doc.jobs[0] == expected);
  CHECK(doc.find("daily-backup") == &doc.jobs[0]);
  CHECK(doc.find("daily") == nullptr);
}

TEST_CASE("unknown members at every level survive a rewrite with equal values", "[state][json]") {
  const std::string original = R"({
    "before": {"nested": [1, 2.5e300, -7, 18446744073709551615, "é", null, {"deep": [[[]]]}]},
    "version": "1.3",
    "jobs": [
      {"x-first": false, "name": "a", "schedule": "* * * * *", "tags": ["a", "b"], "lastRun": null},
      {"name": "b", "schedule": "@hourly", "plugin": {"state": {"n": 0.1, "s": "\u0000"}}}
    ],
    "after": "text"
  })";
  const Json in = Json::parse(original);
  const Json out = Json::parse(sched::to_json(sched::parse_state(original, "s.json")));

  CHECK(out["version"] == "1.0");  // rewritten at this build's version
  CHECK(out["before"] == in["before"]);
  CHECK(out["after"] == in["after"]);
  CHECK(out["jobs"][0]["x-first"] == in["jobs"][0]["x-first"]);
  CHECK(out["jobs"][0]["tags"] == in["jobs"][0]["tags"]);
  CHECK(out["jobs"][1]["plugin"] == in["jobs"][1]["plugin"]);

  // Known members first, in their fixed order; then unknown ones in file order.
  std::vector<std::string> top;
  for (const auto& [key, value] : out.items()) top.push_back(key);
  CHECK(top == std::vector<std::string>{"version", "timestamp", "jobs", "before", "after"});
  std::vector<std::string> tail;
  for (const auto& [key, value] : out["jobs"][0].items()) tail.push_back(key);
  CHECK(std::vector<std::string>(tail.end() - 3, tail.end()) ==
        std::vector<std::string>{"triggerRequestedAt", "x-first", "tags"});
}

TEST_CASE("instants with an offset are read and rewritten in UTC", "[state][json]") {
  const auto doc = sched::parse_state(with_job(R"("lastRun": "2024-01-15T09:00:00.5+01:00")"), "s.json");
  CHECK(doc.jobs[0].last_run == utc(2024, 1, 15, 8, 0, 0, 500));
  CHECK(sched::to_json(doc).find(R"("lastRun": "2024-01-15T08:00:00.500Z")") != std::string::npos);
}

TEST_CASE("null stands for an absent optional member, and only there", "[state][json]") {
  const auto doc = sched::parse_state(
      with_job(R"("lastRun": null, "command": null, "timeoutMs": null, "lastExitCode": null, "lastError": null)"),
      "s.json");
  CHECK_FALSE(doc.jobs[0].last_run);
  CHECK_FALSE(doc.jobs[0].command);
  CHECK(rejection(with_job(R"("enabled": null)")) ==
        "corrupt state file s.json: jobs[0].enabled: expected a boolean, found null");
  CHECK(rejection(with_job(R"("timezone": null)")) ==
        "corrupt state file s.json: jobs[0].timezone: expected a string, found null");
}

TEST_CASE("older and newer minor versions load; a newer major is refused", "[state][json][version]") {
  CHECK(sched::parse_state(R"({"version": "1.7", "jobs": []})", "s.json").version == "1.7");
  CHECK(sched::parse_state(R"({"version": "0.9"})", "s.json").jobs.empty());
  CHECK(rejection(R"({"version": "2.0", "jobs": {"a": 1}})", sched::ErrorCode::state_version) ==
        "state file s.json was written by a newer sched (state version 2.0; this sched reads 1.x); "
        "it was left untouched");
  CHECK(rejection(R"({"jobs": 5, "version": "10.3"})", sched::ErrorCode::state_version) ==
        "state file s.json was written by a newer sched (state version 10.3; this sched reads 1.x); "
        "it was left untouched");
}

TEST_CASE("bad state text is refused with the place and the problem", "[state][json][corrupt]") {
  struct Row {
    std::string text;
    std::string message;  // after "corrupt state file s.json: "
  };
  const std::vector<Row> rows = {
      {"", "the file is empty"},
      {"{", "line 1, column 2: unexpected end of file; expected a member name"},
      {"hello", "line 1, column 1: unexpected 'h'; expected a value"},
      {"{\n  \"version\": \"1.0\",\n}", "line 3, column 1: unexpected '}'; expected a member name"},
      {R"({"version": "1.0"} x)", "line 1, column 20: unexpected 'x'; expected the end of the file"},
      {R"({"version": "1.0" "jobs": []})", "line 1, column 19: unexpected '\"'; expected ',' or '}'"},
      {R"({"version": "1.0", "x": [1, 2,]})", "line 1, column 31: unexpected ']'; expected a value"},
      {R"({"version": "1.0", "x": tru})", "line 1, column 25: unexpected 't'; expected a value"},
      {R"({"version": "1.0", "x": -})", "line 1, column 26: unexpected '}'; expected a digit"},
      {R"({"version": "1.0", "x": 1.})", "line 1, column 27: unexpected '}'; expected a digit"},
      {R"({"version": "1.0", "n": 1e999})", "line 1, column 25: number out of range: 1e999"},
      {"{\"version\": \"1.0\", \"x\": \"\xff\x01\"}",
       "line 1, column 26: unexpected byte 0xFF; expected UTF-8 text in a string"},
      {"{\"version\": \"1.0\", \"x\": \"\xc0\xaf\"}",  // an overlong '/'
       "line 1, column 26: unexpected byte 0xC0; expected UTF-8 text in a string"},
      {"{\"version\": \"1.0\", \"\u00e9\": \"\x01\"}",
       "line 1, column 27: control character U+0001 in a string; write it as \\u0001"},
      {R"({"version": "1.0", "x": "\q"})", "line 1, column 26: invalid escape in a string"},
      {R"({"version": "1.0", "x": "\u12"})", "line 1, column 26: invalid string: \\u needs four hex digits"},
      {R"({"version": "1.0", "x": "\ud800x"})",
       "line 1, column 32: invalid string: a \\u surrogate pair is incomplete"},
      {R"({"version": "1.0", "x": "abc)", "line 1, column 29: unexpected end of file in a string"},
      {R"({"a": )" + std::string(100000, '[') + std::string(100000, ']') + "}",
       "line 1, column 70: nesting deeper than 64 levels"},
      {R"({"version": "1.0", "x": "[[[[", "y": )" + std::string(64, '[') + std::string(64, ']') + "}",
       "line 1, column 101: nesting deeper than 64 levels"},
      {"[]", "expected an object at the top level, found an array"},
      {R"({"jobs": []})", "missing \"version\""},
      {R"({"version": 1.0})", "version: expected a string, found the number 1.0"},
      {R"({"version": "1"})", "version: expected \"MAJOR.MINOR\" such as \"1.0\", found \"1\""},
      {R"({"version": "v1.0"})", "version: expected \"MAJOR.MINOR\" such as \"1.0\", found \"v1.0\""},
      {R"({"version": "1.0", "timestamp": "2024-01-15"})",
       "timestamp: expected an RFC 3339 instant such as \"2024-01-15T08:00:00.000Z\" or null, found \"2024-01-15\""},
      {R"({"version": "1.0", "jobs": {}})", "jobs: expected an array, found an object"},
      {R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily"}, 7]})",
       "jobs[1]: expected an object, found the number 7"},
      {R"({"version": "1.0", "jobs": [{"schedule": "@daily"}]})", "jobs[0]: missing \"name\""},
      {R"({"version": "1.0", "jobs": [{"name": "a"}]})", "jobs[0]: missing \"schedule\""},
      {R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily"}, {"name": "b", "schedule": "@daily"},
           {"name": "c", "schedule": "@daily", "maxMissedRuns": "5"}]})",
       "jobs[2].maxMissedRuns: expected an integer, found a string"},
      {R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily"}, {"name": "a", "schedule": "@hourly"}]})",
       "jobs[1].name: \"a\" is already the name of jobs[0]"},
      {with_job(R"("maxMissedRuns": 5.5)"), "jobs[0].maxMissedRuns: expected an integer, found the number 5.5"},
      {with_job(R"("maxMissedRuns": -1)"), "jobs[0].maxMissedRuns: expected an integer from 0 to 2147483647, found -1"},
      {with_job(R"("maxMissedRuns": 2147483648)"),
       "jobs[0].maxMissedRuns: expected an integer from 0 to 2147483647, found 2147483648"},
      {with_job(R"("currentRunCount": -3)"), "jobs[0].currentRunCount: expected a non-negative integer, found -3"},
      {with_job(R"("enabled": "yes")"), "jobs[0].enabled: expected a boolean, found a string"},
      {with_job(R"("lastRun": "yesterday")"),
       "jobs[0].lastRun: expected an RFC 3339 instant such as \"2024-01-15T08:00:00.000Z\" or null, "
       "found \"yesterday\""},
      {with_job(R"("lastRun": 1705305600000)"),
       "jobs[0].lastRun: expected an RFC 3339 instant such as \"2024-01-15T08:00:00.000Z\" or null, "
       "found the number 1705305600000"},
      {with_job(R"("timeoutMs": "2h")"),
       "jobs[0].timeoutMs: expected an integer (milliseconds) or null, found a string"},
      {with_job(R"("lastExitCode": true)"), "jobs[0].lastExitCode: expected an integer or null, found a boolean"},
      {with_job(R"("command": ["ls"])"), "jobs[0].command: expected a string or null, found an array"},
      {with_job(R"("env": {"A": "1", "B": 2})"), "jobs[0].env.B: expected a string, found the number 2"},
      {with_job(R"("env": [])"), "jobs[0].env: expected an object of strings, found an array"},
      {with_job(R"("name": 7)"), "jobs[0].name: expected a string, found the number 7"},
  };
  for (const Row& row : rows) {
    INFO("text: " << row.text.substr(0, 200));
    CHECK(rejection(row.text) == "corrupt state file s.json: " + row.message);
  }
}

TEST_CASE("a valid file cut at every byte offset is refused", "[state][json][corrupt]") {
  sched::StateDocument doc;
  doc.jobs.push_back(every_field_set());
  const std::string text = sched::to_json(doc);
  const std::size_t closing = text.rfind('}');
  for (std::size_t length = 0; length < text.size(); ++length) {
    INFO("cut after " << length << " of " << text.size() << " bytes");
    if (length <= closing) {
      CHECK_THROWS_MATCHES(sched::parse_state(text.substr(0, length), "s.json"), sched::Error,
                           Catch::Predicate<sched::Error>(
                               [](const sched::Error& e) { return e.code() == sched::ErrorCode::state_corrupt; }));
    } else {
      // Only the trailing newline is gone: still the same document.
      CHECK(sched::parse_state(text.substr(0, length), "s.json") == doc);
    }
  }
}

TEST_CASE("a text past the size limit is refused before parsing", "[state][json][corrupt]") {
  const std::string big = R"({"version": "1.0", "pad": ")" + std::string(std::size_t{256} << 20, 'x') + "\"}";
  CHECK(rejection(big) == "corrupt state file s.json: the file is " + std::to_string(big.size()) +
                              " bytes; a state file may be at most 268435456 bytes");
}

TEST_CASE("instants are written exactly as format_rfc3339 writes them", "[state][json]") {
  const sched::InstantMs instants[] = {
      utc(2024, 1, 15, 8, 0),
      utc(1970, 1, 1, 0, 0),
      utc(1969, 12, 31, 23, 59, 59, 999),
      utc(1, 1, 1, 0, 0),
      utc(9999, 12, 31, 23, 59, 59, 999),
      utc(2000, 2, 29, 12, 34, 56, 7),
      utc(2024, 10, 5, 20, 9, 1, 450),
  };
  for (const sched::InstantMs t : instants) {
    sched::StateDocument doc;
    doc.timestamp = t;
    const std::string text = sched::to_json(doc);
    INFO(text);
    CHECK(text.find("\"timestamp\": \"" + sched::format_rfc3339(t) + "\"") != std::string::npos);
    CHECK(sched::parse_state(text, "s.json").timestamp == t);
  }
}

TEST_CASE("strings are escaped; bytes that are not UTF-8 are written as U+FFFD", "[state][json]") {
  sched::StateDocument doc;
  sched::JobRecord job;
  job.name = "a";
  job.schedule = "@daily";
  job.command = std::string("q\"b\\s/\b\f\n\r\t\x01\x7f é 😀") + '\0';
  job.last_error = "bad \xff, overlong \xc0\xaf, surrogate \xed\xa0\x80, cut \xe2\x82";
  doc.jobs.push_back(job);
  const std::string text = sched::to_json(doc);
  CHECK(text.find(R"("command": "q\"b\\s/\b\f\n\r\t\u0001)"
                  "\x7f"
                  R"( é 😀\u0000")") != std::string::npos);
  const sched::StateDocument read = sched::parse_state(text, "s.json");
  CHECK(read.jobs[0].command == job.command);
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(read.jobs[0].last_error ==
        "bad " + fffd + ", overlong " + fffd + fffd + ", surrogate " + fffd + fffd + fffd + ", cut " + fffd + fffd);
}

TEST_CASE("values are read as nlohmann::json reads them", "[state][json]") {
  // The state reader is not nlohmann's; unknown values must come out the same.
  const char* const values[] = {
      R"("\u00e9\ud83d\ude00\n\/\"\\")",
      "18446744073709551615",
      "18446744073709551616",
      "-9223372036854775808",
      "-9223372036854775809",
      "1.5e300",
      "-0",
      "0.1",
      "1E5",
      "2e-5",
      "1e-400",
      "-1.0",
      "[1,[2,[3,{}]]]",
      R"({"a":{"b":null,"a":[true,false]}})",
      "true",
      "false",
      "null",
      R"("")",
      "[]",
      " [ 1 , 2 ] ",
  };
  for (const char* value : values) {
    INFO("value: " << value);
    const auto doc = sched::parse_state(std::string(R"({"version": "1.0", "v": )") + value + "}", "s.json");
    REQUIRE(doc.unknown.size() == 1);
    CHECK(Json::parse(doc.unknown[0].second) == Json::parse(value));
    CHECK(doc.unknown[0].second == Json::parse(value).dump());
  }
}

TEST_CASE("unknown members named like known ones are dropped on write", "[state][json]") {
  sched::StateDocument doc;
  doc.unknown = {{"jobs", "[1]"}, {"keep", "2"}};
  sched::JobRecord job;
  job.name = "a";
  job.schedule = "@daily";
  job.unknown = {{"name", R"("other")"}};
  doc.jobs.push_back(job);
  const sched::StateDocument read = sched::parse_state(sched::to_json(doc), "s.json");
  CHECK(read.unknown == sched::UnknownFields{{"keep", "2"}});
  CHECK(read.jobs.at(0).name == "a");
  CHECK(read.jobs.at(0).unknown.empty());
}

TEST_CASE("fuzz: an instant whose offset carries it past 9999 is refused, not rewritten unreadable",
          "[state][json][corrupt][fuzz]") {
  // Read and written back as "10000-01-01T23:58:59.000Z", the file no longer parsed.
  CHECK(rejection(R"({"version": "1.0", "timestamp": "9999-12-31T23:59:59-23:59"})") ==
        "corrupt state file s.json: timestamp: instant \"9999-12-31T23:59:59-23:59\" is outside "
        "0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z");
  CHECK(rejection(with_job(R"("lastRun": "0000-01-01T00:00:00.000+00:01")")) ==
        "corrupt state file s.json: jobs[0].lastRun: instant \"0000-01-01T00:00:00.000+00:01\" is outside "
        "0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z");
  // The ends of the range are read and written back as they were.
  const std::string ends = with_job(R"("lastRun": "0000-01-01T00:00:00.000Z", "nextRun": "9999-12-31T23:59:59.999Z")");
  const std::string written = sched::to_json(sched::parse_state(ends, "s.json"));
  CHECK(written.find(R"("lastRun": "0000-01-01T00:00:00.000Z")") != std::string::npos);
  CHECK(written.find(R"("nextRun": "9999-12-31T23:59:59.999Z")") != std::string::npos);
  CHECK(sched::parse_state(written, "s.json").jobs == sched::parse_state(ends, "s.json").jobs);
}
