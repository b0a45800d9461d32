#pragma once
// The POSIX TZ rule at the end of a TZif file, e.g. "EST5EDT,M3.2.0,M11.1.0":
// how a zone goes on changing its offset after the last transition the file
// lists. date/tz built on the OS database stops at that transition (2037 in
// Debian's files); Zone continues from there with this rule.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/tz.h>

#include "sched/time.h"

namespace sched {

class PosixRule {
 public:
  // Parses a rule with daylight saving time. Returns empty for a rule
  // without it ("JST-9": the last listed offset is then right forever) and
  // for text it does not understand.
  static std::optional<PosixRule> parse(std::string_view text);

  // The segment of constant offset that holds `t`.
  date::sys_info info(Instant t) const;

 private:
  // When a change happens: a day rule and a wall time on that day.
  struct When {
    char kind = 'M';  // 'M' month.week.weekday, 'J' day 1-365 without Feb 29, 'D' day 0-365
    int month = 0;
    int week = 0;     // 1-5, 5 = last
    int weekday = 0;  // 0 = Sunday
    int day = 0;      // for 'J' and 'D'
    std::chrono::seconds time{7200};
  };

  Instant change(int year, const When& when, std::chrono::seconds offset_before) const;

  std::string std_abbrev_;
  std::string dst_abbrev_;
  std::chrono::seconds std_offset_{0};
  std::chrono::seconds dst_offset_{0};
  When start_;  // standard -> daylight
  When end_;    // daylight -> standard
};

}  // namespace sched
