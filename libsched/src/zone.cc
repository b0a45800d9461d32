#include "sched/zone.h"

#include <cstdlib>
#include <string>

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

}  // namespace

Zone::Zone(const date::time_zone* tz)
    : tz_(tz), name_(std::string(tz->name())), fixed_offset_(probe_fixed_offset(*tz)) {}

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
