#include "sched/time.h"

#include <cstdio>
#include <iterator>
#include <string>

#include <date/tz.h>

#include "sched/error.h"
#include "sched/zone.h"

namespace sched {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// A timestamp split into its written parts, before any zone is applied.
struct WrittenTime {
  date::local_time<milliseconds> local;
  std::optional<minutes> offset;  // set when the text carries `Z` or ±HH:MM
};

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.fff…]]][Z|z|±HH:MM]. `require_offset` demands
// the full RFC 3339 form with seconds and an offset.
std::optional<WrittenTime> read_time(std::string_view s, bool require_offset) {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  long ms = 0;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  WrittenTime out;
  bool has_time = false;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    has_time = true;
    if (!read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi)) {
      return std::nullopt;
    }
    if (expect(s, pos, ':')) {
      if (!read_digits(s, pos, 2, sec)) return std::nullopt;
      if (expect(s, pos, '.')) {
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 3) ms = ms * 10 + (s[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 3; ++digits) ms *= 10;
      }
    } else if (require_offset) {
      return std::nullopt;
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  }
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
    out.offset = minutes{0};
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && has_time) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    out.offset = minutes{sign * (oh * 60 + om)};
  }
  if (pos != s.size()) return std::nullopt;
  if (require_offset && (!has_time || !out.offset)) return std::nullopt;
  out.local = date::local_days{ymd} + std::chrono::hours{h} + minutes{mi} + seconds{sec} +
              milliseconds{ms};
  return out;
}

}  // namespace

// Written by hand for the years 0000-9999: date::format costs about 3 µs a
// call, and a state of 10,000 jobs carries 70,000 instants.
void append_rfc3339(std::string& out, InstantMs t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const auto y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    out += date::format("%FT%TZ", t);
    return;
  }
  const auto ms = static_cast<unsigned>((t - day).count());
  const unsigned parts[] = {static_cast<unsigned>(y),
                            static_cast<unsigned>(ymd.month()),
                            static_cast<unsigned>(ymd.day()),
                            ms / 3600000,
                            ms / 60000 % 60,
                            ms / 1000 % 60,
                            ms % 1000};
  char text[] = "0000-00-00T00:00:00.000Z";
  const int ends[] = {4, 7, 10, 13, 16, 19, 23};  // one past each part's last digit
  for (std::size_t p = 0; p < std::size(parts); ++p) {
    unsigned v = parts[p];
    for (int i = ends[p] - 1; v != 0; --i, v /= 10) text[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
  }
  out.append(text, sizeof text - 1);
}

std::string format_rfc3339(InstantMs t) {
  std::string text;
  append_rfc3339(text, t);
  return text;
}

std::string format_local(Instant t, const Zone& zone) {
  const date::sys_info info = zone.info(t);
  const auto local = date::local_seconds{t.time_since_epoch() + info.offset};
  const auto offset_minutes = static_cast<int>(std::chrono::duration_cast<minutes>(info.offset).count());
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char offset[32];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', magnitude / 60 % 100,
                magnitude % 60);
  return date::format("%a %F %T ", local) + offset + " " + info.abbrev;
}

bool parse_rfc3339(std::string_view text, InstantMs& out) {
  const auto written = read_time(text, /*require_offset=*/true);
  if (!written) return false;
  out = InstantMs{written->local.time_since_epoch() - *written->offset};
  return true;
}

InstantMs parse_time(std::string_view text, const Zone& zone) {
  const auto written = read_time(text, /*require_offset=*/false);
  if (!written) {
    throw Error(ErrorCode::invalid_time,
                "invalid time \"" + std::string(text) +
                    "\": expected RFC 3339 such as 2024-03-10T06:30:00Z or 2024-03-10T01:30:00-05:00, "
                    "or a wall time such as \"2024-03-10 01:30\" read in " + zone.name());
  }
  if (written->offset) return InstantMs{written->local.time_since_epoch() - *written->offset};
  const auto whole = date::floor<seconds>(written->local);
  const date::local_info info = zone.info(whole);
  if (info.result == date::local_info::nonexistent) {
    throw Error(ErrorCode::invalid_time, "invalid time \"" + std::string(text) + "\": it does not exist in " +
                                             zone.name() + " (the clocks skip it for daylight saving time)");
  }
  // Unique, or the first of two occurrences.
  return InstantMs{written->local.time_since_epoch() - info.first.offset};
}

}  // namespace sched
