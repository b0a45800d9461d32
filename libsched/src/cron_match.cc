// Matching CronExpr against local wall time, and the field-by-field search for
// the next or previous match. Searches jump a whole month, day, hour or minute
// at a time, so their cost depends on the number of months crossed, never on
// the number of seconds.

#include <bit>
#include <cstdint>

#include "sched/cron.h"

namespace sched {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A wall time split into fields. Fields may run one past their range while
// searching (hour 24, day 32, month 13, or -1 going back); the searches
// normalise them before use.
struct Civil {
  int y;
  int mo;
  int d;
  int h;
  int mi;
  int s;
};

Civil to_civil(LocalTime t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> tod{t - day};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(tod.hours().count()),
          static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count())};
}

LocalTime from_civil(const Civil& c) {
  const date::local_days day{date::year{c.y} / date::month{static_cast<unsigned>(c.mo)} / date::day{static_cast<unsigned>(c.d)}};
  return LocalTime{day} + hours{c.h} + minutes{c.mi} + seconds{c.s};
}

unsigned days_in(int y, int mo) {
  return static_cast<unsigned>((date::year{y} / date::month{static_cast<unsigned>(mo)} / date::last).day());
}

// Weekday of the first day of the month, Sunday 0.
unsigned first_weekday(int y, int mo) {
  return date::weekday{date::sys_days{date::year{y} / date::month{static_cast<unsigned>(mo)} / date::day{1}}}.c_encoding();
}

// The smallest set bit >= from, or -1.
template <class Bits>
int next_bit(Bits bits, int from) {
  if (from >= static_cast<int>(sizeof(Bits) * 8)) return -1;
  const auto rest = static_cast<std::uint64_t>(bits) >> from;
  return rest == 0 ? -1 : from + std::countr_zero(rest);
}

// The largest set bit <= from, or -1.
template <class Bits>
int prev_bit(Bits bits, int from) {
  if (from < 0) return -1;
  const int width = static_cast<int>(sizeof(Bits) * 8);
  const std::uint64_t value = static_cast<std::uint64_t>(bits);
  const std::uint64_t kept = from >= width - 1 ? value : value & ((std::uint64_t{2} << from) - 1);
  return kept == 0 ? -1 : 63 - std::countl_zero(kept);
}

// Days d, d+7, d+14, … up to 31, as bits.
constexpr std::uint32_t every_week_from(unsigned d) {
  std::uint32_t bits = 0;
  for (; d <= 31; d += 7) bits |= 1u << d;
  return bits;
}

}  // namespace

std::uint32_t CronExpr::dom_mask(int year, unsigned month) const noexcept {
  const int dim = static_cast<int>(days_in(year, static_cast<int>(month)));
  const std::uint32_t valid = ((std::uint32_t{1} << dim) - 1) << 1;
  std::uint32_t mask = days_ & valid;
  for (std::uint32_t offsets = last_day_offsets_; offsets != 0; offsets &= offsets - 1) {
    const int d = dim - std::countr_zero(offsets);
    if (d >= 1) mask |= 1u << d;
  }
  if (nearest_weekdays_ != 0 || last_weekday_) {
    const int wd1 = static_cast<int>(first_weekday(year, static_cast<int>(month)));
    auto weekday_of = [&](int d) { return (wd1 + d - 1) % 7; };
    // The weekday nearest to day d without leaving the month.
    auto nearest = [&](int d) {
      const int w = weekday_of(d);
      if (w == 6) return d == 1 ? 3 : d - 1;    // Saturday: Friday, or Monday the 3rd
      if (w == 0) return d == dim ? d - 2 : d + 1;  // Sunday: Monday, or Friday before the end
      return d;
    };
    for (std::uint32_t days = nearest_weekdays_; days != 0; days &= days - 1) {
      const int d = std::countr_zero(days);
      if (d <= dim) mask |= 1u << nearest(d);
    }
    if (last_weekday_) {
      const int w = weekday_of(dim);
      mask |= 1u << (w == 6 ? dim - 1 : w == 0 ? dim - 2 : dim);
    }
  }
  return mask;
}

std::uint32_t CronExpr::dow_mask(int year, unsigned month) const noexcept {
  const unsigned dim = days_in(year, static_cast<int>(month));
  const unsigned wd1 = first_weekday(year, static_cast<int>(month));
  const std::uint32_t valid = ((std::uint32_t{1} << dim) - 1) << 1;
  constexpr std::uint32_t kWeekly[8] = {0,
                                        every_week_from(1), every_week_from(2), every_week_from(3),
                                        every_week_from(4), every_week_from(5), every_week_from(6),
                                        every_week_from(7)};
  std::uint32_t mask = 0;
  for (unsigned w = 0; w < 7; ++w) {
    const unsigned first = 1 + (w + 7 - wd1) % 7;  // first day of the month that is weekday w
    if ((weekdays_ >> w & 1u) != 0) mask |= kWeekly[first];
    if ((last_of_weekday_ >> w & 1u) != 0) mask |= 1u << (first + (dim - first) / 7 * 7);
    for (unsigned k = 0; k < 5; ++k) {
      const unsigned d = first + 7 * k;
      if ((nth_weekday_[w] >> k & 1u) != 0 && d <= dim) mask |= 1u << d;
    }
  }
  return mask & valid;
}

std::uint32_t CronExpr::day_mask(int year, unsigned month, DayMatch match) const noexcept {
  if (dom_restricted_ && dow_restricted_) {
    const std::uint32_t dom = dom_mask(year, month);
    const std::uint32_t dow = dow_mask(year, month);
    return match == DayMatch::any ? (dom | dow) : (dom & dow);
  }
  if (dom_restricted_) return dom_mask(year, month);
  if (dow_restricted_) return dow_mask(year, month);
  return ((std::uint32_t{1} << days_in(year, static_cast<int>(month))) - 1) << 1;
}

bool CronExpr::matches(LocalTime t, DayMatch match) const {
  const Civil c = to_civil(t);
  return (seconds_ >> c.s & 1u) != 0 && (minutes_ >> c.mi & 1u) != 0 && (hours_ >> c.h & 1u) != 0 &&
         (months_ >> c.mo & 1u) != 0 &&
         (day_mask(c.y, static_cast<unsigned>(c.mo), match) >> c.d & 1u) != 0;
}

std::optional<LocalTime> CronExpr::next_local(LocalTime from, LocalTime limit, DayMatch match) const {
  if (from > limit) return std::nullopt;
  Civil c = to_civil(from);
  const Civil end = to_civil(limit);
  int mask_year = 0;
  int mask_month = 0;
  std::uint32_t days = 0;
  for (;;) {
    if (c.mo > 12) c = {c.y + 1, 1, 1, 0, 0, 0};
    if (c.y > end.y || (c.y == end.y && c.mo > end.mo)) return std::nullopt;
    const int mo = next_bit(months_, c.mo);
    if (mo < 0) {
      c = {c.y + 1, 1, 1, 0, 0, 0};
      continue;
    }
    if (mo != c.mo) c = {c.y, mo, 1, 0, 0, 0};
    if (c.y != mask_year || c.mo != mask_month) {
      days = day_mask(c.y, static_cast<unsigned>(c.mo), match);
      mask_year = c.y;
      mask_month = c.mo;
    }
    const int d = next_bit(days, c.d);
    if (d < 0) {
      c = {c.y, c.mo + 1, 1, 0, 0, 0};
      continue;
    }
    if (d != c.d) c = {c.y, c.mo, d, 0, 0, 0};
    const int h = next_bit(hours_, c.h);
    if (h < 0) {
      c = {c.y, c.mo, c.d + 1, 0, 0, 0};
      continue;
    }
    if (h != c.h) c = {c.y, c.mo, c.d, h, 0, 0};
    const int mi = next_bit(minutes_, c.mi);
    if (mi < 0) {
      c = {c.y, c.mo, c.d, c.h + 1, 0, 0};
      continue;
    }
    if (mi != c.mi) c = {c.y, c.mo, c.d, c.h, mi, 0};
    const int s = next_bit(seconds_, c.s);
    if (s < 0) {
      c = {c.y, c.mo, c.d, c.h, c.mi + 1, 0};
      continue;
    }
    c.s = s;
    const LocalTime found = from_civil(c);
    if (found > limit) return std::nullopt;
    return found;
  }
}

std::optional<LocalTime> CronExpr::prev_local(LocalTime from, LocalTime limit, DayMatch match) const {
  if (from < limit) return std::nullopt;
  Civil c = to_civil(from);
  const Civil end = to_civil(limit);
  int mask_year = 0;
  int mask_month = 0;
  std::uint32_t days = 0;
  for (;;) {
    if (c.mo < 1) c = {c.y - 1, 12, 31, 23, 59, 59};
    if (c.y < end.y || (c.y == end.y && c.mo < end.mo)) return std::nullopt;
    const int mo = prev_bit(months_, c.mo);
    if (mo < 1) {
      c = {c.y - 1, 12, 31, 23, 59, 59};
      continue;
    }
    if (mo != c.mo) c = {c.y, mo, 31, 23, 59, 59};
    if (c.y != mask_year || c.mo != mask_month) {
      days = day_mask(c.y, static_cast<unsigned>(c.mo), match);
      mask_year = c.y;
      mask_month = c.mo;
    }
    const int d = prev_bit(days, c.d);
    if (d < 1) {
      c = {c.y, c.mo - 1, 31, 23, 59, 59};
      continue;
    }
    if (d != c.d) c = {c.y, c.mo, d, 23, 59, 59};
    const int h = prev_bit(hours_, c.h);
    if (h < 0) {
      c = {c.y, c.mo, c.d - 1, 23, 59, 59};
      continue;
    }
    if (h != c.h) c = {c.y, c.mo, c.d, h, 59, 59};
    const int mi = prev_bit(minutes_, c.mi);
    if (mi < 0) {
      c = {c.y, c.mo, c.d, c.h - 1, 59, 59};
      continue;
    }
    if (mi != c.mi) c = {c.y, c.mo, c.d, c.h, mi, 59};
    const int s = prev_bit(seconds_, c.s);
    if (s < 0) {
      c = {c.y, c.mo, c.d, c.h, c.mi - 1, 59};
      continue;
    }
    c.s = s;
    const LocalTime found = from_civil(c);
    if (found < limit) return std::nullopt;
    return found;
  }
}

bool CronExpr::hour_is_periodic() const noexcept {
  if ((hours_ & 1u) == 0 || std::popcount(hours_) < 2) return false;
  const int n = std::countr_zero(hours_ >> 1) + 1;
  std::uint32_t expected = 0;
  for (int h = 0; h < 24; h += n) expected |= 1u << h;
  return expected == hours_;
}

}  // namespace sched
