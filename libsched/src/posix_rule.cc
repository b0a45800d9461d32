#include "posix_rule.h"

#include <array>
#include <cctype>

namespace sched {
namespace {

using std::chrono::seconds;

// A cursor over the rule text; every reader returns false on text it does
// not accept, and the whole parse then gives up.
struct Reader {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i == s.size(); }
  bool take(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool number(int& out, int max_digits) {
    const std::size_t start = i;
    out = 0;
    while (i < s.size() && i - start < static_cast<std::size_t>(max_digits) &&
           std::isdigit(static_cast<unsigned char>(s[i]))) {
      out = out * 10 + (s[i++] - '0');
    }
    return i > start;
  }
  // "EST" or "<+1030>".
  bool name(std::string& out) {
    if (take('<')) {
      const std::size_t end = s.find('>', i);
      if (end == std::string_view::npos) return false;
      out = std::string(s.substr(i, end - i));
      i = end + 1;
      return !out.empty();
    }
    const std::size_t start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    out = std::string(s.substr(start, i - start));
    return out.size() >= 3;
  }
  // [+-]hh[:mm[:ss]], hours up to 167.
  bool duration(seconds& out) {
    int sign = 1;
    if (take('-')) {
      sign = -1;
    } else {
      take('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!number(h, 3) || h > 167) return false;
    if (take(':')) {
      if (!number(m, 2) || m > 59) return false;
      if (take(':') && (!number(sec, 2) || sec > 59)) return false;
    }
    out = seconds{sign * (h * 3600 + m * 60 + sec)};
    return true;
  }
};

int days_in_month(int y, int m) {
  return static_cast<int>(static_cast<unsigned>(
      (date::year{y} / date::month{static_cast<unsigned>(m)} / date::last).day()));
}

}  // namespace

std::optional<PosixRule> PosixRule::parse(std::string_view text) {
  Reader r{text};
  PosixRule rule;
  seconds std_west{0};
  if (!r.name(rule.std_abbrev_) || !r.duration(std_west)) return std::nullopt;
  rule.std_offset_ = -std_west;  // POSIX counts hours west of Greenwich
  if (r.done() || !r.name(rule.dst_abbrev_)) return std::nullopt;
  rule.dst_offset_ = rule.std_offset_ + std::chrono::hours{1};
  if (!r.done() && r.s[r.i] != ',') {
    seconds dst_west{0};
    if (!r.duration(dst_west)) return std::nullopt;
    rule.dst_offset_ = -dst_west;
  }
  for (When* when : {&rule.start_, &rule.end_}) {
    if (!r.take(',')) return std::nullopt;
    if (r.take('M')) {
      when->kind = 'M';
      if (!r.number(when->month, 2) || !r.take('.') || !r.number(when->week, 1) || !r.take('.') ||
          !r.number(when->weekday, 1) || when->month < 1 || when->month > 12 || when->week < 1 || when->week > 5 ||
          when->weekday > 6) {
        return std::nullopt;
      }
    } else if (r.take('J')) {
      when->kind = 'J';
      if (!r.number(when->day, 3) || when->day < 1 || when->day > 365) return std::nullopt;
    } else {
      when->kind = 'D';
      if (!r.number(when->day, 3) || when->day > 365) return std::nullopt;
    }
    if (r.take('/') && !r.duration(when->time)) return std::nullopt;
  }
  if (!r.done()) return std::nullopt;
  return rule;
}

Instant PosixRule::change(int year, const When& when, seconds offset_before) const {
  date::local_days day;
  if (when.kind == 'M') {
    const date::local_days first{date::year{year} / date::month{static_cast<unsigned>(when.month)} / 1};
    const int first_weekday = static_cast<int>(date::weekday{first}.c_encoding());
    int d = 1 + (when.weekday - first_weekday + 7) % 7 + 7 * (when.week - 1);
    while (d > days_in_month(year, when.month)) d -= 7;
    day = first + date::days{d - 1};
  } else {
    const date::local_days jan1{date::year{year} / 1 / 1};
    int offset = when.kind == 'J' ? when.day - 1 : when.day;
    // 'J' never counts February 29: from March on, a leap year is a day later.
    if (when.kind == 'J' && date::year{year}.is_leap() && when.day >= 60) offset += 1;
    day = jan1 + date::days{offset};
  }
  return Instant{(day + when.time).time_since_epoch() - offset_before};
}

date::sys_info PosixRule::info(Instant t) const {
  const int y = static_cast<int>(date::year_month_day{date::floor<date::days>(t)}.year());
  // The changes of the year before, this year and the next, in order.
  struct Change {
    Instant at;
    bool to_dst;
  };
  std::array<Change, 6> changes{};
  std::size_t n = 0;
  for (int year = y - 1; year <= y + 1; ++year) {
    const Change start{change(year, start_, std_offset_), true};
    const Change end{change(year, end_, dst_offset_), false};
    if (start.at < end.at) {
      changes[n++] = start;
      changes[n++] = end;
    } else {
      changes[n++] = end;
      changes[n++] = start;
    }
  }
  std::size_t k = 0;  // the last change at or before t
  while (k + 1 < n && changes[k + 1].at <= t) ++k;
  date::sys_info info;
  info.begin = changes[k].at;
  info.end = k + 1 < n ? changes[k + 1].at : changes[k].at + date::years{1};
  const bool dst = changes[k].to_dst;
  info.offset = dst ? dst_offset_ : std_offset_;
  info.save = std::chrono::duration_cast<std::chrono::minutes>(dst ? dst_offset_ - std_offset_ : seconds{0});
  info.abbrev = dst ? dst_abbrev_ : std_abbrev_;
  return info;
}

}  // namespace sched
