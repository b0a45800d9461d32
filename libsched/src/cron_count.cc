// Counting the matching wall times of a CronExpr in a range, without visiting
// them. Every matching day holds the same set of times of day (hours x minutes
// x seconds), so a range splits into: the matching days wholly inside it, each
// worth popcount(hours) * popcount(minutes) * popcount(seconds), summed a month
// at a time with the popcount of the month's day mask; and at most two partial
// days (the first and the last), counted by arithmetic on the bit sets. The
// cost is O(months crossed), whatever the number of matches.

#include <bit>
#include <cstdint>

#include "sched/cron.h"

namespace sched {
namespace {

constexpr int kSecondsPerDay = 86400;

// Bits 0..n-1 set (n <= 63).
constexpr std::uint64_t low_bits(int n) { return (std::uint64_t{1} << n) - 1; }

// Bits lo..hi set (1 <= lo, hi <= 31), for day-of-month masks.
std::uint32_t day_bits(unsigned lo, unsigned hi) {
  if (hi < lo) return 0;
  const std::uint64_t upto_hi = (std::uint64_t{2} << hi) - 1;
  const std::uint64_t below_lo = (std::uint64_t{1} << lo) - 1;
  return static_cast<std::uint32_t>(upto_hi & ~below_lo);
}

}  // namespace

std::uint64_t CronExpr::count_local(LocalTime from, LocalTime to, DayMatch match) const {
  if (to < from) return 0;
  const auto n_hours = static_cast<std::uint64_t>(std::popcount(hours_));
  const auto n_minutes = static_cast<std::uint64_t>(std::popcount(minutes_));
  const auto n_seconds = static_cast<std::uint64_t>(std::popcount(seconds_));
  const std::uint64_t per_day = n_hours * n_minutes * n_seconds;
  if (per_day == 0) return 0;

  // The number of matching times of day strictly before second `x` of a day
  // (0 <= x <= 86400): whole hours below x's hour, then whole minutes below
  // x's minute inside a matching hour, then seconds inside a matching minute.
  auto below = [&](int x) -> std::uint64_t {
    if (x >= kSecondsPerDay) return per_day;
    const int h = x / 3600;
    const int mi = x % 3600 / 60;
    const int s = x % 60;
    std::uint64_t n = static_cast<std::uint64_t>(std::popcount(hours_ & low_bits(h))) * n_minutes * n_seconds;
    if ((hours_ >> h & 1u) == 0) return n;
    n += static_cast<std::uint64_t>(std::popcount(minutes_ & low_bits(mi))) * n_seconds;
    if ((minutes_ >> mi & 1u) == 0) return n;
    return n + static_cast<std::uint64_t>(std::popcount(seconds_ & low_bits(s)));
  };
  auto day_matches = [&](const date::year_month_day& ymd) {
    const unsigned mo = static_cast<unsigned>(ymd.month());
    if ((months_ >> mo & 1u) == 0) return false;
    return (day_mask(static_cast<int>(ymd.year()), mo, match) >> static_cast<unsigned>(ymd.day()) & 1u) != 0;
  };

  const date::local_days first_day = date::floor<date::days>(from);
  const date::local_days last_day = date::floor<date::days>(to);
  const int first_tod = static_cast<int>((from - first_day).count());
  const int last_tod = static_cast<int>((to - last_day).count());
  const date::year_month_day first_ymd{first_day};
  const date::year_month_day last_ymd{last_day};

  if (first_day == last_day) {
    return day_matches(first_ymd) ? below(last_tod + 1) - below(first_tod) : 0;
  }
  std::uint64_t total = 0;
  if (day_matches(first_ymd)) total += per_day - below(first_tod);
  if (day_matches(last_ymd)) total += below(last_tod + 1);

  // The whole days strictly between, month by month.
  const date::local_days inner_first = first_day + date::days{1};
  const date::local_days inner_last = last_day - date::days{1};
  if (inner_first > inner_last) return total;
  const date::year_month_day lo{inner_first};
  const date::year_month_day hi{inner_last};
  const date::year_month end_month = hi.year() / hi.month();
  std::uint64_t days = 0;
  for (date::year_month ym = lo.year() / lo.month(); ym <= end_month; ym += date::months{1}) {
    const unsigned mo = static_cast<unsigned>(ym.month());
    if ((months_ >> mo & 1u) == 0) continue;
    const unsigned day_lo = ym == lo.year() / lo.month() ? static_cast<unsigned>(lo.day()) : 1;
    const unsigned day_hi = ym == end_month ? static_cast<unsigned>(hi.day()) : 31;
    const std::uint32_t mask = day_mask(static_cast<int>(ym.year()), mo, match) & day_bits(day_lo, day_hi);
    days += static_cast<std::uint64_t>(std::popcount(mask));
  }
  return total + days * per_day;
}

}  // namespace sched
