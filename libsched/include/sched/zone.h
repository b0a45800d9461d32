#pragma once
// A time zone is a value: a name and the tz database entry behind it. Nothing
// in libsched reads or sets the process's TZ except Zone::system().

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

namespace sched {

class PosixRule;

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

  // The segment of constant offset that holds `t`: the tz database's, and
  // past the last transition its file lists (2037 in Debian's), the zone's
  // POSIX rule from the end of that file, so that DST goes on after 2037.
  date::sys_info info(date::sys_seconds t) const;

  // Whether the wall time `t` exists once, twice (a fall-back repeat) or not
  // at all (a spring-forward gap), with the segments involved.
  date::local_info info(date::local_seconds t) const;

  // The offset of a zone that never changes it (UTC, Etc/GMT+5), else empty.
  // Lets the engine skip tz lookups for fixed zones.
  std::optional<std::chrono::seconds> fixed_offset() const noexcept { return fixed_offset_; }

  friend bool operator==(const Zone& a, const Zone& b) noexcept { return a.tz_ == b.tz_; }

 private:
  explicit Zone(const date::time_zone* tz);

  const date::time_zone* tz_;
  std::string name_;
  std::optional<std::chrono::seconds> fixed_offset_;
  std::shared_ptr<const PosixRule> rule_;  // empty when the listed transitions suffice
  date::sys_seconds rule_from_{};          // the start of the last listed segment
};

}  // namespace sched
