#pragma once
// The table of cron fields shared by the parser and the formatter.

#include <cstdint>

namespace sched::cron_fields {

enum class Field : std::uint8_t { second, minute, hour, day_of_month, month, day_of_week };

struct Spec {
  Field field;
  const char* name;  // as it appears in error messages
  int lo;            // smallest value that may be written
  int hi;            // largest value that may be written (7 for day-of-week)
  int cycle_hi;      // largest value `*` covers (6 for day-of-week)
  const char* const* names;  // upper-case names for values lo.., or nullptr
  const char* name_range;    // "JAN-DEC" for messages, or nullptr
  bool wraps;                // whether a-b with a > b wraps around
};

inline constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
inline constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

inline constexpr Spec kSecond{Field::second, "second", 0, 59, 59, nullptr, nullptr, false};
inline constexpr Spec kMinute{Field::minute, "minute", 0, 59, 59, nullptr, nullptr, false};
inline constexpr Spec kHour{Field::hour, "hour", 0, 23, 23, nullptr, nullptr, false};
inline constexpr Spec kDayOfMonth{Field::day_of_month, "day-of-month", 1, 31, 31, nullptr, nullptr, false};
inline constexpr Spec kMonth{Field::month, "month", 1, 12, 12, kMonthNames, "JAN-DEC", true};
inline constexpr Spec kDayOfWeek{Field::day_of_week, "day-of-week", 0, 7, 6, kDayNames, "SUN-SAT", true};

// How many distinct values `*` covers: the largest step that makes sense.
constexpr int cycle_length(const Spec& s) { return s.cycle_hi - s.lo + 1; }

}  // namespace sched::cron_fields
