#pragma once
// A Schedule is a cron expression in a zone with the per-job DST and
// day-matching choices: the one engine behind `next`, `prev` and catch-up.
//
// DST rules (SPEC §2):
//  - a wall time that does not exist (spring forward) fires at the first
//    instant after the gap (dst_gap run_after; several fire times in one gap
//    collapse into that fire), or not at all (skip);
//  - a wall time that occurs twice (fall back) fires at its first occurrence
//    (first), at both (both), or under "automatic" at both when the hour field
//    is `*` or `*/n` and at the first otherwise.
//
// Thread safety: immutable value; const use from many threads is safe.

#include <cstdint>
#include <optional>

#include "sched/cron.h"
#include "sched/time.h"
#include "sched/zone.h"

namespace sched {

enum class DstGap : std::uint8_t { run_after, skip };
enum class DstRepeat : std::uint8_t { automatic, first, both };

struct ScheduleOptions {
  DayMatch day_match = DayMatch::any;
  DstGap dst_gap = DstGap::run_after;
  DstRepeat dst_repeat = DstRepeat::automatic;
  friend bool operator==(const ScheduleOptions&, const ScheduleOptions&) = default;
};

// Text forms used in config files, flags and JSON: "any"/"all",
// "run-after"/"skip", "auto"/"first"/"both". The parsers throw
// Error(invalid_argument) naming the value and the allowed ones.
const char* to_string(DayMatch v) noexcept;
const char* to_string(DstGap v) noexcept;
const char* to_string(DstRepeat v) noexcept;
DayMatch parse_day_match(std::string_view text);
DstGap parse_dst_gap(std::string_view text);
DstRepeat parse_dst_repeat(std::string_view text);

class Schedule {
 public:
  Schedule(CronExpr expr, Zone zone, ScheduleOptions options = {});

  // The first fire strictly after `after`, or empty when the schedule never
  // fires again (searched at most kSearchYears ahead; a cron pattern repeats
  // every 400 years, so empty means never). Fires lie within the years
  // 0001-9999 (kEarliest..kLatest); nothing fires outside them. Never throws.
  std::optional<Instant> next(Instant after) const;

  // The last fire strictly before `before`, or empty (searched at most
  // kSearchYears back, and not before kEarliest).
  std::optional<Instant> prev(Instant before) const;

  // The number of fires in (after, until], under the same rules as next():
  // count(a, b) == the number of next() steps from a that stay <= b. Costs
  // O(days between them) plus O(transitions), never O(fires). Zero when
  // until <= after.
  std::uint64_t count(Instant after, Instant until) const;

  const CronExpr& expr() const noexcept { return expr_; }
  const Zone& zone() const noexcept { return zone_; }
  const ScheduleOptions& options() const noexcept { return options_; }

  static constexpr int kSearchYears = 401;
  static const Instant kEarliest;  // 0001-01-01T00:00:00Z
  static const Instant kLatest;    // 9999-12-31T23:59:59Z

 private:
  bool fires_on_second_occurrence() const noexcept;

  CronExpr expr_;
  Zone zone_;
  ScheduleOptions options_;
};

}  // namespace sched
