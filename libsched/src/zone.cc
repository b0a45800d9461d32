#include "sched/zone.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "posix_rule.h"
#include "sched/error.h"

namespace sched {
namespace {

// A zone is fixed when one offset covers every instant the engine can meet.
std::optional<std::chrono::seconds> probe_fixed_offset(const date::time_zone& tz) {
  using namespace date;
  const sys_info info = tz.get_info(sys_seconds{sys_days{year{1970} / 1 / 1}});
  const bool covers_past = info.begin <= sys_seconds{sys_days{year{1800} / 1 / 1}};
  const bool covers_future = info.end >= sys_seconds{sys_days{year{3000} / 1 / 1}};
  if (covers_past && covers_future) return info.offset;
  return std::nullopt;
}

// "America/New_York" from "/usr/share/zoneinfo/America/New_York" or
// ":America/New_York" (both are valid TZ forms); other text is returned as is.
std::string zone_name_from_tz_variable(std::string value) {
  if (!value.empty() && value.front() == ':') value.erase(0, 1);
  const auto pos = value.find("zoneinfo/");
  if (pos != std::string::npos) value.erase(0, pos + 9);
  return value;
}

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The bytes of `path`, or what could be read of them. "e": O_CLOEXEC, so
// that no job another thread starts meanwhile inherits the descriptor
// (std::ifstream cannot ask for it).
std::string read_whole(const std::string& path) {
  std::string bytes;
  const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rbe"));
  if (!file) return bytes;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) bytes.append(buffer, n);
  return bytes;
}

// The POSIX rule on the last line of the zone's TZif file (version 2 and
// later end with "\n<rule>\n"), or empty.
std::string tzif_footer(const std::string& name) {
  const std::string bytes = read_whole("/usr/share/zoneinfo/" + name);
  if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0 || bytes[4] < '2' || bytes.back() != '\n') return {};
  const auto start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string::npos) return {};
  return bytes.substr(start + 1, bytes.size() - start - 2);
}

// Each zone's rule, read once per process: zones are located for every job.
std::shared_ptr<const PosixRule> rule_for(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const PosixRule>> rules;
  std::lock_guard lock(mutex);
  const auto found = rules.find(name);
  if (found != rules.end()) return found->second;
  std::shared_ptr<const PosixRule> rule;
  if (auto parsed = PosixRule::parse(tzif_footer(name))) rule = std::make_shared<const PosixRule>(std::move(*parsed));
  rules.emplace(name, rule);
  return rule;
}

using std::chrono::hours;
using std::chrono::seconds;

// Wall times and instants of one moment differ by less than this.
constexpr hours kMaxOffset{26};

}  // namespace

Zone::Zone(const date::time_zone* tz)
    : tz_(tz), name_(std::string(tz->name())), fixed_offset_(probe_fixed_offset(*tz)) {
  if (fixed_offset_) return;
  const date::sys_info last = tz->get_info(date::sys_seconds{date::sys_days{date::year{9000} / 1 / 1}});
  rule_ = rule_for(name_);
  if (rule_) rule_from_ = last.begin;
}

date::sys_info Zone::info(date::sys_seconds t) const {
  if (!rule_ || t < rule_from_) return tz_->get_info(t);
  date::sys_info info = rule_->info(t);
  info.begin = std::max(info.begin, rule_from_);
  return info;
}

date::local_info Zone::info(date::local_seconds t) const {
  const date::sys_seconds as_sys{t.time_since_epoch()};
  if (!rule_ || as_sys + kMaxOffset < rule_from_) return tz_->get_info(t);
  // Walk the segments that may hold an instant with this wall time.
  date::local_info result{};
  std::vector<date::sys_info> holding;
  date::sys_info previous = info(as_sys - kMaxOffset);
  date::sys_info segment = previous;
  for (int i = 0; i < 8 && segment.begin <= as_sys + kMaxOffset; ++i) {
    const date::sys_seconds at = as_sys - segment.offset;
    if (segment.begin <= at && at < segment.end) holding.push_back(segment);
    if (holding.empty() && i > 0 && previous.end + previous.offset <= as_sys && as_sys < segment.begin + segment.offset) {
      result.result = date::local_info::nonexistent;
      result.first = previous;
      result.second = segment;
    }
    previous = segment;
    segment = info(segment.end);
  }
  if (holding.size() == 1) {
    result = {date::local_info::unique, holding[0], {}};
  } else if (holding.size() >= 2) {
    result = {date::local_info::ambiguous, holding[0], holding[1]};
  }
  return result;
}

Zone Zone::locate(std::string_view name) {
  if (name.empty()) {
    throw Error(ErrorCode::unknown_zone, "unknown time zone \"\": expected an IANA name such as Europe/Berlin");
  }
  try {
    return Zone(date::locate_zone(name));
  } catch (const std::runtime_error&) {
    throw Error(ErrorCode::unknown_zone, "unknown time zone \"" + std::string(name) +
                                             "\": not in the tz database (expected an IANA name such "
                                             "as Europe/Berlin or UTC)");
  }
}

Zone Zone::utc() { return locate("UTC"); }

Zone Zone::system() {
  if (const char* tz = std::getenv("TZ"); tz != nullptr && *tz != '\0') {
    try {
      return locate(zone_name_from_tz_variable(tz));
    } catch (const Error&) {
      // A POSIX rule string or a stray value: fall back to the machine's zone.
    }
  }
  try {
    return Zone(date::current_zone());
  } catch (const std::exception&) {
    return utc();
  }
}

}  // namespace sched
