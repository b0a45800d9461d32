#pragma once
// A time zone is a value: a name and the tz database entry behind it. Nothing
// in libsched reads or sets the process's TZ except Zone::system().

#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

namespace sched {

class Zone {
 public:
  // The zone named `name` in the OS tz database ("America/New_York", "UTC").
  // Throws Error(unknown_zone) with the name when the database lacks it.
  static Zone locate(std::string_view name);

  static Zone utc();

  // The system's zone: $TZ when it names a zone, else /etc/localtime, else UTC.
  static Zone system();

  const std::string& name() const noexcept { return name_; }
  const date::time_zone& tz() const noexcept { return *tz_; }

  // The offset of a zone that never changes it (UTC, Etc/GMT+5), else empty.
  // Lets the engine skip tz lookups for fixed zones.
  std::optional<std::chrono::seconds> fixed_offset() const noexcept { return fixed_offset_; }

  friend bool operator==(const Zone& a, const Zone& b) noexcept { return a.tz_ == b.tz_; }

 private:
  explicit Zone(const date::time_zone* tz);

  const date::time_zone* tz_;
  std::string name_;
  std::optional<std::chrono::seconds> fixed_offset_;
};

}  // namespace sched
