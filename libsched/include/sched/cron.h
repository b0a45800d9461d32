#pragma once
// Cron expressions: parsing, canonical text, and matching on local wall time.
// A CronExpr knows nothing of zones; sched::Schedule (schedule.h) maps its
// local matches to instants under the DST rules.
//
// Thread safety: a CronExpr is an immutable value; const use from many
// threads is safe.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sched/time.h"

namespace sched {

// How the two day fields combine when both are restricted.
enum class DayMatch : std::uint8_t {
  any,  // a day matches if either field matches (Vixie cron); the default
  all,  // a day matches only if both fields match (croner's domAndDow)
};

class CronExpr {
 public:
  // Parses 5 fields (minute hour day-of-month month day-of-week), 6 fields
  // (second first) or a macro (@yearly @annually @monthly @weekly @daily
  // @midnight @hourly). Throws Error(invalid_schedule) with one line:
  //   invalid schedule "0 25 * * *": hour: 25 is outside 0-23 (column 3)
  // An expression whose day-of-month can never occur in its months
  // ("0 0 30 2 *") is rejected here too.
  static CronExpr parse(std::string_view text);

  // The canonical text: numbers instead of names, `*` for a full field
  // (except day fields, where "restricted" is kept: 1-31 stays 1-31), `*/n`
  // and `a/n` for progressions, ranges of three or more values, then the
  // special day forms. The seconds field is left out when it is exactly 0.
  // parse(e.to_string()) == e for every expression.
  std::string to_string() const;

  // The first matching wall time in [from, limit], or empty.
  std::optional<LocalTime> next_local(LocalTime from, LocalTime limit, DayMatch match) const;
  // The last matching wall time in [limit, from], or empty.
  std::optional<LocalTime> prev_local(LocalTime from, LocalTime limit, DayMatch match) const;
  bool matches(LocalTime t, DayMatch match) const;
  // The number of matching wall times in [from, to] (0 when to < from), in
  // O(days) with per-day arithmetic on the bit sets.
  std::uint64_t count_local(LocalTime from, LocalTime to, DayMatch match) const;

  // True when the hour field is `*` or `*/n` (as a set of hours): such a
  // schedule keeps firing through a repeated hour under dst_repeat "auto".
  bool hour_is_periodic() const noexcept;

  bool has_seconds() const noexcept { return seconds_ != 1; }

  friend bool operator==(const CronExpr&, const CronExpr&) = default;

 private:
  friend class CronParser;
  friend class CronFormatter;

  // Bit i set means value i matches.
  std::uint64_t seconds_ = 1;        // 0-59
  std::uint64_t minutes_ = 0;        // 0-59
  std::uint32_t hours_ = 0;          // 0-23
  std::uint32_t days_ = 0;           // 1-31 (plain day numbers)
  std::uint16_t months_ = 0;         // 1-12
  std::uint8_t weekdays_ = 0;        // 0-6, Sunday 0

  std::uint32_t last_day_offsets_ = 0;   // bit n: `L-n` (`L` is n = 0), n 0-30
  std::uint32_t nearest_weekdays_ = 0;   // bit d: `dW`, d 1-31
  bool last_weekday_ = false;            // `LW`
  std::uint8_t last_of_weekday_ = 0;     // bit w: `wL`
  std::uint8_t nth_weekday_[7] = {};     // [w] bit k-1: `w#k`, k 1-5

  // A day field is unrestricted only when written as exactly `*` or `?`.
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;

  // Bit d set when day d of the month matches: each day field alone, and
  // both combined under `match` and the restricted flags.
  std::uint32_t dom_mask(int year, unsigned month) const noexcept;
  std::uint32_t dow_mask(int year, unsigned month) const noexcept;
  std::uint32_t day_mask(int year, unsigned month, DayMatch match) const noexcept;
};

}  // namespace sched
