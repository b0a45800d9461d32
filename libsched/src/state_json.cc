// The state file's JSON form (SPEC §5). kJobMembers fixes each job member's
// name, its place in the output and the field it maps to. Reading and
// writing go straight between text and StateDocument (json_text.h): through
// an nlohmann DOM, 10,000 jobs took three times the budget of
// bench/state_bench.cc. Unknown members are kept as nlohmann::ordered_json
// compact text.
//
// Reading is lenient about absent members (the seed's files have only the
// first eight job members) and strict about those present: a wrong type, a
// missing "name" or "schedule", a duplicate job name or a bad instant makes
// the whole file corrupt. null stands for "absent" only where the field is
// optional. The enumerated strings (dayMatch, lastStatus, …) are not checked
// here: a newer minor version may add values and its files must still load.

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "byte_buffer.h"
#include "json_text.h"
#include "sched/error.h"
#include "sched/state.h"
#include "state_limits.h"

namespace sched {
namespace {

using detail::describe;
using detail::Json;
using detail::put_json_string;
using detail::put_key;
using detail::put_number;
using std::chrono::milliseconds;
constexpr std::size_t npos = std::string_view::npos;

using detail::kMaxStateBytes;  // state_limits.h
// Unknown values become nlohmann DOMs, whose copies and dump() recurse.
constexpr int kMaxDepth = 64;
// The instants format_rfc3339 writes in RFC 3339 form, in UTC.
const InstantMs kFirstInstant{date::sys_days{date::year{0} / 1 / 1}};
const InstantMs kLastInstant{date::sys_days{date::year{10000} / 1 / 1} - milliseconds{1}};

using Field = std::variant<std::string JobRecord::*, bool JobRecord::*, int JobRecord::*, std::uint64_t JobRecord::*,
                           std::optional<InstantMs> JobRecord::*, std::optional<std::string> JobRecord::*,
                           std::optional<milliseconds> JobRecord::*, std::optional<int> JobRecord::*,
                           std::map<std::string, std::string> JobRecord::*>;
struct JobMember {
  std::string_view name;
  Field field;
};
// The output order. "name" and "schedule", the required ones, stay first.
// clang-format off
const JobMember kJobMembers[] = {
    {"name", &JobRecord::name}, {"schedule", &JobRecord::schedule},
    {"enabled", &JobRecord::enabled}, {"catchUp", &JobRecord::catch_up},
    {"maxMissedRuns", &JobRecord::max_missed_runs}, {"currentRunCount", &JobRecord::run_count},
    {"lastRun", &JobRecord::last_run}, {"nextRun", &JobRecord::next_run},
    {"watermark", &JobRecord::watermark}, {"timezone", &JobRecord::timezone},
    {"dayMatch", &JobRecord::day_match}, {"dstGap", &JobRecord::dst_gap},
    {"dstRepeat", &JobRecord::dst_repeat}, {"protect", &JobRecord::protect},
    {"catchUpWindowMs", &JobRecord::catch_up_window}, {"timeoutMs", &JobRecord::timeout},
    {"command", &JobRecord::command}, {"workdir", &JobRecord::workdir},
    {"env", &JobRecord::env}, {"source", &JobRecord::source},
    {"lastStatus", &JobRecord::last_status}, {"lastTrigger", &JobRecord::last_trigger},
    {"lastExitCode", &JobRecord::last_exit_code}, {"lastDurationMs", &JobRecord::last_duration},
    {"lastStartedAt", &JobRecord::last_started_at}, {"lastFinishedAt", &JobRecord::last_finished_at},
    {"lastError", &JobRecord::last_error}, {"skippedCount", &JobRecord::skipped_count},
    {"triggerRequestedAt", &JobRecord::trigger_requested_at},
};
// clang-format on
constexpr std::size_t kJobMemberCount = std::size(kJobMembers);
using EnvField = std::map<std::string, std::string> JobRecord::*;

std::size_t job_member(std::string_view name) {
  static const auto index = [] {
    std::unordered_map<std::string_view, std::size_t> out;
    for (std::size_t i = 0; i < kJobMemberCount; ++i) out.emplace(kJobMembers[i].name, i);
    return out;
  }();
  const auto it = index.find(name);
  return it == index.end() ? npos : it->second;
}

// The indentation of a job's members in the state file and in `sched state
// --json`, and put_key's text for each known member at it: 29 members of
// 10,000 jobs are 290,000 keys.
constexpr int kMemberIndent = 6;
const std::array<std::string, kJobMemberCount>& member_key_lines() {
  static const auto lines = [] {
    std::array<std::string, kJobMemberCount> out;
    for (std::size_t m = 0; m < kJobMemberCount; ++m) put_key(out[m], kMemberIndent, kJobMembers[m].name, m == 0);
    return out;
  }();
  return lines;
}

bool is_top_member(std::string_view name) { return name == "version" || name == "timestamp" || name == "jobs"; }

// A text quoted for a message, cut after 60 bytes.
std::string quote_text(std::string_view text) {
  std::string out;
  put_json_string(out, text.substr(0, 60));
  if (text.size() > 60) out.insert(out.size() - 1, "...");
  return out;
}

// An instant as format_rfc3339 writes it, quoted, or null.
void put_instant(std::string& out, const std::optional<InstantMs>& t) {
  if (!t) {
    out += "null";
    return;
  }
  out += '"';
  append_rfc3339(out, *t);
  out += '"';
}

// An unknown member's value, pretty-printed at the member's indentation.
void put_unknown(std::string& out, int indent, const std::string& name, const std::string& text) {
  Json value;
  try {
    value = Json::parse(text);
  } catch (const Json::exception&) {
    throw Error(ErrorCode::invalid_argument, "unknown state member \"" + name + "\" does not hold JSON text");
  }
  put_key(out, indent, name);
  for (char c : value.dump(2, ' ', false, Json::error_handler_t::replace)) {
    out += c;
    if (c == '\n') out.append(static_cast<std::size_t>(indent), ' ');
  }
}

void put_field(std::string& out, const JobRecord& job, const Field& field) {
  std::visit(
      [&](auto member) {
        const auto& v = job.*member;
        using T = std::remove_cvref_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::string>) {
          put_json_string(out, v);
        } else if constexpr (std::is_same_v<T, std::optional<InstantMs>>) {
          put_instant(out, v);
        } else if constexpr (std::is_same_v<T, std::map<std::string, std::string>>) {
          out += '{';
          for (const auto& [key, value] : v) {
            put_key(out, 8, key, &key == &v.begin()->first);
            put_json_string(out, value);
          }
          out += v.empty() ? "}" : "\n      }";
        } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
          v ? put_json_string(out, *v) : void(out += "null");
        } else if constexpr (std::is_same_v<T, std::optional<milliseconds>>) {
          v ? put_number(out, v->count()) : void(out += "null");
        } else if constexpr (std::is_same_v<T, std::optional<int>>) {
          v ? put_number(out, *v) : void(out += "null");
        } else {
          put_number(out, v);
        }
      },
      field);
}

// A problem found in the text; parse_state adds the file's name.
using Problem = detail::JsonProblem;

// Where a value sits, formatted only when there is a problem with it.
struct Where {
  std::size_t job;  // npos: a top-level member
  std::string_view member;
  std::string_view key = {};  // inside "env"
};

[[noreturn]] void fail(const Where& w, const std::string& what) {
  std::string where = w.job == npos ? "" : "jobs[" + std::to_string(w.job) + "]";
  if (!w.member.empty()) where += (where.empty() ? "" : ".") + std::string(w.member);
  if (!w.key.empty()) where += "." + std::string(w.key);
  throw Problem{where + ": " + what};
}

[[noreturn]] void wrong_type(const Json& v, const Where& w, const char* expected) {
  fail(w, std::string("expected ") + expected + ", found " + describe(v));
}

std::int64_t read_int(const Json& v, const Where& w, std::int64_t min, std::int64_t max, const char* expected) {
  if (!v.is_number_integer()) wrong_type(v, w, expected);
  if (v.is_number_unsigned() ? v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)
                             : v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
    fail(w, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " + v.dump());
  }
  return v.get<std::int64_t>();
}

std::optional<InstantMs> read_instant(const Json& v, const Where& w) {
  InstantMs t{};
  if (v.is_null()) return std::nullopt;
  if (!v.is_string() || !parse_rfc3339(v.get_ref<const std::string&>(), t)) {
    fail(w, "expected an RFC 3339 instant such as \"2024-01-15T08:00:00.000Z\" or null, found " +
                (v.is_string() ? quote_text(v.get_ref<const std::string&>()) : describe(v)));
  }
  // An offset can carry a written 9999-12-31 past the year 9999 in UTC (or
  // 0000-01-01 before 0000), which format_rfc3339 cannot write back in a
  // form this reader takes: the rewritten file would be corrupt.
  if (t < kFirstInstant || t > kLastInstant) {
    fail(w, "instant " + quote_text(v.get_ref<const std::string&>()) +
                " is outside 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z");
  }
  return t;
}

void assign(JobRecord& job, const Field& field, Json& v, const Where& w) {
  constexpr auto kMaxInt = std::numeric_limits<int>::max();
  std::visit(
      [&](auto member) {
        auto& target = job.*member;
        using T = std::remove_cvref_t<decltype(target)>;
        if constexpr (std::is_same_v<T, bool>) {
          if (!v.is_boolean()) wrong_type(v, w, "a boolean");
          target = v.get<bool>();
        } else if constexpr (std::is_same_v<T, std::string>) {
          if (!v.is_string()) wrong_type(v, w, "a string");
          target = std::move(v.get_ref<std::string&>());
        } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
          if (!v.is_null() && !v.is_string()) wrong_type(v, w, "a string or null");
          target = v.is_null() ? T{} : T{std::move(v.get_ref<std::string&>())};
        } else if constexpr (std::is_same_v<T, int>) {
          target = static_cast<int>(read_int(v, w, 0, kMaxInt, "an integer"));
        } else if constexpr (std::is_same_v<T, std::optional<int>>) {
          target = v.is_null() ? T{} : T{static_cast<int>(read_int(v, w, -kMaxInt - 1, kMaxInt, "an integer or null"))};
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          if (!v.is_number_integer()) wrong_type(v, w, "an integer");
          if (!v.is_number_unsigned()) fail(w, "expected a non-negative integer, found " + v.dump());
          target = v.get<std::uint64_t>();
        } else if constexpr (std::is_same_v<T, std::optional<milliseconds>>) {
          constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
          target = v.is_null() ? T{} : T{milliseconds{read_int(v, w, 0, kMax, "an integer (milliseconds) or null")}};
        } else if constexpr (std::is_same_v<T, std::optional<InstantMs>>) {
          target = read_instant(v, w);
        } else {
          wrong_type(v, w, "an object of strings");  // "env" given anything but an object
        }
      },
      field);
}

// parse_rfc3339 for the form put_instant writes, "YYYY-MM-DDTHH:MM:SS.mmmZ",
// with the same result; false for any other text, which the caller gives
// to parse_rfc3339 (it reads every form RFC 3339 allows).
bool parse_written_instant(std::string_view text, InstantMs& out) {
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return false;
  }
  unsigned d[24];
  for (std::size_t i = 0; i < 24; ++i) d[i] = static_cast<unsigned>(static_cast<unsigned char>(text[i])) - '0';
  static constexpr std::size_t kDigitAt[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22};
  for (const std::size_t i : kDigitAt) {
    if (d[i] > 9) return false;
  }
  const date::year_month_day ymd{date::year{static_cast<int>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3])},
                                 date::month{d[5] * 10 + d[6]}, date::day{d[8] * 10 + d[9]}};
  const unsigned h = d[11] * 10 + d[12], mi = d[14] * 10 + d[15], s = d[17] * 10 + d[18];
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return false;
  out = InstantMs{date::sys_days{ymd}} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s} +
        milliseconds{d[20] * 100 + d[21] * 10 + d[22]};
  return true;
}

// assign()'s fast path, for the forms sched itself writes: a plain string, an
// integer in the field's range, a boolean, null where the field takes null,
// an instant in range. Returns false when the value has another form (an
// escape in a string, a wrong type, a number out of range, …); the caller
// then rewinds the reader and calls assign(), which takes every value this
// takes with the same result, and owns every message.
bool assign_fast(detail::JsonReader& p, JobRecord& job, const Field& field) {
  constexpr auto kMaxInt = std::numeric_limits<int>::max();
  return std::visit(
      [&](auto member) {
        auto& target = job.*member;
        using T = std::remove_cvref_t<decltype(target)>;
        std::string_view text;
        if constexpr (std::is_same_v<T, bool>) {
          const bool is_true = p.literal("true");
          if (!is_true && !p.literal("false")) return false;
          target = is_true;
          return true;
        } else if constexpr (std::is_same_v<T, std::string>) {
          if (!p.plain_string(text)) return false;
          target.assign(text);
          return true;
        } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
          if (p.literal("null")) {
            target.reset();
            return true;
          }
          if (!p.plain_string(text)) return false;
          target.emplace(text);
          return true;
        } else if constexpr (std::is_same_v<T, int>) {
          std::uint64_t v = 0;
          if (!p.plain_integer(v) || v > static_cast<std::uint64_t>(kMaxInt)) return false;
          target = static_cast<int>(v);
          return true;
        } else if constexpr (std::is_same_v<T, std::optional<int>>) {
          if (p.literal("null")) {
            target.reset();
            return true;
          }
          std::int64_t v = 0;
          if (!p.plain_integer(v) || v < -kMaxInt - 1 || v > kMaxInt) return false;
          target = static_cast<int>(v);
          return true;
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          return p.plain_integer(target);
        } else if constexpr (std::is_same_v<T, std::optional<milliseconds>>) {
          if (p.literal("null")) {
            target.reset();
            return true;
          }
          std::uint64_t v = 0;
          if (!p.plain_integer(v) || v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return false;
          }
          target = milliseconds{static_cast<std::int64_t>(v)};
          return true;
        } else if constexpr (std::is_same_v<T, std::optional<InstantMs>>) {
          if (p.literal("null")) {
            target.reset();
            return true;
          }
          InstantMs t{};
          if (!p.plain_string(text) || !(parse_written_instant(text, t) || parse_rfc3339(text, t)) ||
              t < kFirstInstant || t > kLastInstant) {
            return false;
          }
          target = t;
          return true;
        } else {
          return false;  // "env" is read by read_env
        }
      },
      field);
}

// "MAJOR.MINOR" → MAJOR, or -1.
int major_version(std::string_view text) {
  const std::size_t dot = text.find('.');
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == npos;
  };
  if (dot == npos || !digits(text.substr(0, dot)) || !digits(text.substr(dot + 1))) return -1;
  int major = 0;
  std::from_chars(text.data(), text.data() + dot, major);
  return major;
}

[[noreturn]] void refuse_newer(const std::string& origin, const std::string& version) {
  throw Error(ErrorCode::state_version, "state file " + origin + " was written by a newer sched (state version " +
                                            version + "; this sched reads " + std::to_string(kStateMajorVersion) +
                                            ".x); it was left untouched");
}

// A later duplicate key wins, as a later duplicate member does.
void read_env(detail::JsonReader& p, JobRecord& job, std::size_t index) {
  job.env.clear();
  p.object([&](std::string_view key) {
    std::string_view plain;
    if (p.plain_string(plain)) {
      job.env.insert_or_assign(std::string(key), std::string(plain));
      return;
    }
    Json v = p.value(5);
    if (!v.is_string()) wrong_type(v, {index, "env", key}, "a string");
    job.env.insert_or_assign(std::string(key), std::move(v.get_ref<std::string&>()));
  });
}

// Reads jobs[index] into `job`, a default JobRecord.
void read_job(detail::JsonReader& p, JobRecord& job, std::size_t index) {
  if (p.peek() != '{') wrong_type(p.value(3), {index, ""}, "an object");
  std::bitset<kJobMemberCount> seen;
  // Files come in kJobMembers order: the member after the last one read is
  // tried before the name lookup.
  std::size_t likely = 0;
  p.object([&](std::string_view key) {
    const std::size_t m = likely < kJobMemberCount && kJobMembers[likely].name == key ? likely : job_member(key);
    if (m == npos) {
      std::string name(key);
      job.unknown.emplace_back(std::move(name), p.value(4).dump());
      return;
    }
    likely = m + 1;
    seen.set(m);
    if (std::holds_alternative<EnvField>(kJobMembers[m].field) && p.peek() == '{') {
      read_env(p, job, index);
      return;
    }
    const std::size_t start = p.position();
    if (!assign_fast(p, job, kJobMembers[m].field)) {
      p.rewind(start);
      Json v = p.value(4);
      assign(job, kJobMembers[m].field, v, {index, kJobMembers[m].name});
    }
  });
  for (const std::size_t required : {std::size_t{0}, std::size_t{1}}) {
    if (!seen[required]) {
      throw Problem{"jobs[" + std::to_string(index) + "]: missing \"" + std::string(kJobMembers[required].name) + "\""};
    }
  }
}

// Reads the document; `version_seen` tells parse_state whether a problem
// came after the version was checked.
// The smallest job to_json writes is about 755 bytes (every member, a one-
// letter name, nulls): a file sched wrote holds at most size / 700 jobs.
// Reserving that many up front spares the vector its regrowth, whose copies
// touch twice the memory, and reserves no more address space than the text
// itself takes (a JobRecord is smaller than 700 bytes). Files with fewer
// members a job (the seed's) grow the vector past it as usual.
constexpr std::size_t kMinJobBytes = 700;
static_assert(sizeof(JobRecord) < kMinJobBytes);

StateDocument read_document(detail::JsonReader& p, std::size_t text_size, const std::string& origin,
                            bool& version_seen) {
  if (p.peek() != '{') throw Problem{"expected an object at the top level, found " + describe(p.value(1))};
  StateDocument doc;
  p.object([&](std::string_view key) {
    if (key == "version") {
      Json v = p.value(2);
      if (!v.is_string()) wrong_type(v, {npos, "version"}, "a string");
      std::string& version = v.get_ref<std::string&>();
      const int major = major_version(version);
      if (major < 0) fail({npos, "version"}, "expected \"MAJOR.MINOR\" such as \"1.0\", found " + quote_text(version));
      if (major > kStateMajorVersion) refuse_newer(origin, version);
      doc.version = std::move(version);
      version_seen = true;
    } else if (key == "timestamp") {
      doc.timestamp = read_instant(p.value(2), {npos, "timestamp"});
    } else if (key == "jobs") {
      if (p.peek() != '[') wrong_type(p.value(2), {npos, "jobs"}, "an array");
      doc.jobs.reserve(text_size / kMinJobBytes);
      detail::advise_huge_pages(doc.jobs.data(), doc.jobs.capacity() * sizeof(JobRecord));
      p.array([&] {
        const std::size_t index = doc.jobs.size();
        read_job(p, doc.jobs.emplace_back(), index);
      });
    } else {
      std::string name(key);
      doc.unknown.emplace_back(std::move(name), p.value(2).dump());
    }
  });
  p.end();
  if (!version_seen) throw Problem{"missing \"version\""};
  return doc;
}

// A problem met before "version" counts only once the version is known not
// to be newer: a newer major may have changed everything else.
void refuse_if_newer(std::string_view text, const std::string& origin) {
  try {
    detail::JsonReader p(text, kMaxDepth);
    const Json root = p.value(1);
    const auto version = root.find("version");
    if (version != root.end() && version->is_string() &&
        major_version(version->get<std::string>()) > kStateMajorVersion) {
      refuse_newer(origin, version->get<std::string>());
    }
  } catch (const Problem&) {
  }
}

void check_unique_names(const StateDocument& doc) {
  std::unordered_map<std::string_view, std::size_t> names;
  names.reserve(doc.jobs.size());
  for (std::size_t i = 0; i < doc.jobs.size(); ++i) {
    const auto [taken, fresh] = names.emplace(doc.jobs[i].name, i);
    if (!fresh) {
      fail({i, "name"},
           quote_text(doc.jobs[i].name) + " is already the name of jobs[" + std::to_string(taken->second) + "]");
    }
  }
}

}  // namespace

JobRecord* StateDocument::find(std::string_view name) {
  const auto it = std::find_if(jobs.begin(), jobs.end(), [&](const JobRecord& job) { return job.name == name; });
  return it == jobs.end() ? nullptr : &*it;
}

const JobRecord* StateDocument::find(std::string_view name) const {
  const auto it = std::find_if(jobs.begin(), jobs.end(), [&](const JobRecord& job) { return job.name == name; });
  return it == jobs.end() ? nullptr : &*it;
}

// Writes kStateVersion whatever doc.version says: the file is in this
// build's format. An unknown member named like a known one (only a caller
// can make one) is dropped: the known value wins.
void put_job(std::string& out, const JobRecord& job, int indent, const UnknownFields& extra) {
  out += '{';
  for (std::size_t m = 0; m < kJobMemberCount; ++m) {
    if (indent + 2 == kMemberIndent) {
      out += member_key_lines()[m];
    } else {
      put_key(out, indent + 2, kJobMembers[m].name, m == 0);
    }
    put_field(out, job, kJobMembers[m].field);
  }
  for (const auto& [name, text] : job.unknown) {
    if (job_member(name) == npos) put_unknown(out, indent + 2, name, text);
  }
  for (const auto& [name, text] : extra) {
    put_key(out, indent + 2, name);
    out += text;
  }
  out += '\n';
  out.append(static_cast<std::size_t>(indent), ' ');
  out += '}';
}

namespace {

// to_json's text, with `timestamp` in place of doc.timestamp, appended to
// `out`; calls flush(out) after each job that leaves `out` holding at least
// `piece` bytes (flush empties it).
template <typename Flush>
void put_document(std::string& out, const StateDocument& doc, const std::optional<InstantMs>& timestamp,
                  std::size_t piece, Flush&& flush) {
  out += '{';
  put_key(out, 2, "version", true);
  put_json_string(out, kStateVersion);
  put_key(out, 2, "timestamp");
  put_instant(out, timestamp);
  put_key(out, 2, "jobs");
  out += '[';
  for (const JobRecord& job : doc.jobs) {
    out += &job == doc.jobs.data() ? "\n    " : ",\n    ";
    put_job(out, job, 4, {});
    if (out.size() >= piece) flush(out);
  }
  out += doc.jobs.empty() ? "]" : "\n  ]";
  for (const auto& [name, text] : doc.unknown) {
    if (!is_top_member(name)) put_unknown(out, 2, name, text);
  }
  out += "\n}\n";
}

}  // namespace

std::string to_json(const StateDocument& doc) {
  std::string out;
  out.reserve(256 + 1100 * doc.jobs.size());  // a job written by sched takes about 1 KB
  put_document(out, doc, doc.timestamp, npos, [](std::string&) {});
  return out;
}

void write_json(const StateDocument& doc, std::optional<InstantMs> timestamp,
                const std::function<void(std::string_view)>& sink) {
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  std::string out;
  out.reserve(kPiece + 64 * 1024);  // room for the job that crosses kPiece
  put_document(out, doc, timestamp, kPiece, [&](std::string& full) {
    sink(full);
    full.clear();
  });
  sink(out);
}

// A missing "version" is corrupt rather than 1.0: every file the seed or
// sched wrote has one, and without it any JSON object (a package.json given
// by mistake) would pass as an empty state and then be rewritten.
StateDocument parse_state(std::string_view text, const std::string& origin) {
  const auto corrupt = [&](const std::string& problem) {
    return Error(ErrorCode::state_corrupt, "corrupt state file " + origin + ": " + problem);
  };
  if (text.empty()) throw corrupt("the file is empty");
  if (text.size() > kMaxStateBytes) {
    throw corrupt("the file is " + std::to_string(text.size()) + " bytes; a state file may be at most " +
                  std::to_string(kMaxStateBytes) + " bytes");
  }
  bool version_seen = false;
  try {
    detail::JsonReader reader(text, kMaxDepth);
    StateDocument doc = read_document(reader, text.size(), origin, version_seen);
    check_unique_names(doc);
    return doc;
  } catch (const Problem& problem) {
    if (!version_seen) refuse_if_newer(text, origin);
    throw corrupt(problem.text);
  }
}

}  // namespace sched
