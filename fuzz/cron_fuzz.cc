// libFuzzer target: cron expressions and the search built on them.
//
// Input: the expression, optionally followed by '\n' and control bytes that
// choose the zone, the options and the instant to search from (bytes past
// the end read as 0, so a seed that is a bare expression searches in UTC):
//   [0] zone (index into kZones)   [1] bit 0 day_match all, bit 1 dst_gap
//   skip, (>> 2) % 3 dst_repeat     [2] start (index into kStarts)
//   [3..6] seconds added to the start, int32 little-endian
//
// Properties, for every expression that parses:
//  - parse throws only Error(invalid_schedule), with a one-line message
//    (no control characters: those of the text are escaped);
//  - to_string() is canonical: it parses back to an equal CronExpr and
//    formats to the same text;
//  - from the start, kSteps steps of next() and of prev(): each fire lies
//    strictly beyond its argument and inside [kEarliest, kLatest]; next()
//    and prev() agree (no fire between t and next(t), and prev(next(t)) is
//    the fire next() would step from); count() counts exactly next()'s steps;
//    in a fixed-offset zone every fire matches the expression, and no wall
//    time that matches lies between the start and the first fire.
// Work per input is bounded: at most ~10 searches per step, each bounded by
// Schedule::kSearchYears, and count() only over spans of a few years.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "fuzz_check.h"
#include "sched/cron.h"
#include "sched/error.h"
#include "sched/schedule.h"
#include "sched/zone.h"

namespace {

using sched::Instant;
using sched::Schedule;
using std::chrono::seconds;

constexpr int kSteps = 4;
// Spans past this are not counted: count() costs O(days).
constexpr auto kMaxCountSpan = date::days{5 * 366};
// Two fires further apart than this may lie beyond one search's horizon.
constexpr auto kSearchReach = date::days{400 * 365};

// Fixed offsets, 30- and 60-minute DST, midnight shifts (Sao Paulo, Havana),
// a skipped day (Apia 2011-12-30, Kiritimati 1994-12-31), negative DST
// (Dublin), a 2-hour DST (Troll), zones whose rules changed or stopped.
constexpr std::array<const char*, 16> kZones = {
    "UTC",              "America/New_York",  "Australia/Lord_Howe", "America/Sao_Paulo",
    "Pacific/Apia",     "Europe/Dublin",     "Antarctica/Troll",    "Asia/Kolkata",
    "America/St_Johns", "Europe/Amsterdam",  "Etc/GMT-14",          "Pacific/Kiritimati",
    "America/Havana",   "Asia/Tehran",       "Europe/Moscow",       "Pacific/Chatham",
};

Instant at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + seconds{s};
}

const std::vector<Instant>& starts() {
  static const std::vector<Instant> list = {
      at(2024, 3, 10, 6, 30),     // just before New York's 2024 gap
      at(2024, 11, 3, 5, 30),     // before New York's 2024 repeat
      at(1970, 1, 1),
      Schedule::kEarliest,
      Schedule::kLatest,
      at(2038, 1, 19, 3, 14, 7),  // past the last transition Debian's files list
      at(2100, 3, 14),
      at(1883, 11, 18, 12),       // local mean time ends in North America
      at(2011, 12, 29, 10),       // Apia skips 2011-12-30
      at(1994, 12, 30, 10),       // Kiritimati skips 1994-12-31
      at(2018, 11, 4, 2, 59, 59),  // Sao Paulo's midnight gap
      at(2024, 2, 28, 23, 59, 59),
      at(9999, 1, 1),
      at(1, 1, 1) - seconds{86400},  // before the earliest fire
      at(4000, 2, 29),
      at(2000, 1, 1),
  };
  return list;
}

std::string show(const std::optional<Instant>& t) {
  if (!t) return "<none>";
  return date::format("%F %T", *t) + " (" + std::to_string(t->time_since_epoch().count()) + ")";
}

struct Control {
  const sched::Zone* zone;
  sched::ScheduleOptions options;
  Instant start;
};

Control read_control(std::string_view bytes) {
  static const std::vector<sched::Zone> zones = [] {
    std::vector<sched::Zone> out;
    for (const char* name : kZones) out.push_back(sched::Zone::locate(name));
    return out;
  }();
  std::array<unsigned char, 7> c{};
  for (std::size_t i = 0; i < std::min(bytes.size(), c.size()); ++i) c[i] = static_cast<unsigned char>(bytes[i]);
  Control out{&zones[c[0] % zones.size()], {}, starts()[c[2] % starts().size()]};
  out.options.day_match = (c[1] & 1u) != 0 ? sched::DayMatch::all : sched::DayMatch::any;
  out.options.dst_gap = (c[1] & 2u) != 0 ? sched::DstGap::skip : sched::DstGap::run_after;
  out.options.dst_repeat = static_cast<sched::DstRepeat>((c[1] >> 2) % 3);
  const auto offset = static_cast<std::int32_t>(static_cast<std::uint32_t>(c[3]) | static_cast<std::uint32_t>(c[4]) << 8 |
                                                static_cast<std::uint32_t>(c[5]) << 16 |
                                                static_cast<std::uint32_t>(c[6]) << 24);
  out.start += seconds{offset};
  return out;
}

void check_canonical(const sched::CronExpr& e, std::string_view input) {
  const std::string text = e.to_string();
  std::optional<sched::CronExpr> again;
  try {
    again = sched::CronExpr::parse(text);
  } catch (const sched::Error& error) {
    sched_fuzz::fail("the canonical text \"" + text + "\" of \"" + std::string(input) +
                     "\" does not parse: " + error.what());
  }
  SCHED_FUZZ_CHECK(*again == e, "\"" + text + "\" (canonical text of \"" + std::string(input) +
                                    "\") parses to a different expression");
  SCHED_FUZZ_CHECK(again->to_string() == text,
                   "canonical text not stable: \"" + text + "\" then \"" + again->to_string() + "\"");
}

// The search's properties around `t`; returns next(t) for the forward chain.
std::optional<Instant> check_next(const Schedule& s, Instant t, const std::string& context) {
  const std::optional<Instant> n = s.next(t);
  if (!n) return n;
  const std::string where = context + ": next(" + show(t) + ") = " + show(n);
  SCHED_FUZZ_CHECK(*n > t, where + " is not after its argument");
  SCHED_FUZZ_CHECK(*n >= Schedule::kEarliest && *n <= Schedule::kLatest, where + " is outside 0001-9999");
  if (const auto offset = s.zone().fixed_offset()) {
    SCHED_FUZZ_CHECK(s.expr().matches(sched::LocalTime{n->time_since_epoch() + *offset}, s.options().day_match),
                     where + " does not match the expression");
  }
  // Nothing fires in (t, n): the fire before n is at or before t, and next()
  // from that fire steps straight to n.
  const std::optional<Instant> pn = s.prev(*n);
  if (pn) {
    SCHED_FUZZ_CHECK(*pn < *n, where + ", prev of it = " + show(pn) + " is not before it");
    SCHED_FUZZ_CHECK(*pn <= t, where + ", but prev of it = " + show(pn) + " lies between");
    if (*n - *pn < kSearchReach) {
      SCHED_FUZZ_CHECK(s.next(*pn) == n, where + ", prev of it = " + show(pn) + ", next of that = " + show(s.next(*pn)));
    }
  }
  if (*n - t <= kMaxCountSpan) {
    SCHED_FUZZ_CHECK(s.count(t, *n) == 1, where + ", but count(t, next) = " + std::to_string(s.count(t, *n)));
    SCHED_FUZZ_CHECK(s.count(t, *n - seconds{1}) == 0,
                     where + ", but count(t, next - 1s) = " + std::to_string(s.count(t, *n - seconds{1})));
  }
  return n;
}

std::optional<Instant> check_prev(const Schedule& s, Instant t, const std::string& context) {
  const std::optional<Instant> p = s.prev(t);
  if (!p) return p;
  const std::string where = context + ": prev(" + show(t) + ") = " + show(p);
  SCHED_FUZZ_CHECK(*p < t, where + " is not before its argument");
  SCHED_FUZZ_CHECK(*p >= Schedule::kEarliest && *p <= Schedule::kLatest, where + " is outside 0001-9999");
  // Nothing fires in (p, t): next(p) is at or after t, and prev() from it
  // steps straight back to p.
  const std::optional<Instant> np = s.next(*p);
  if (np) {
    SCHED_FUZZ_CHECK(*np >= t, where + ", but next of it = " + show(np) + " lies between");
    if (*np - *p < kSearchReach) {
      SCHED_FUZZ_CHECK(s.prev(*np) == p, where + ", next of it = " + show(np) + ", prev of that = " + show(s.prev(*np)));
    }
  }
  return p;
}

// In a fixed-offset zone next() is the first wall time matches() accepts:
// checked by trying every second (every minute when the seconds field is 0)
// for kBruteForceSteps steps after `t`.
constexpr int kBruteForceSteps = 3000;

void check_brute_force(const Schedule& s, Instant t, const std::string& context) {
  const auto offset = s.zone().fixed_offset();
  if (!offset) return;
  const std::optional<Instant> n = s.next(t);
  const seconds step = s.expr().has_seconds() ? seconds{1} : seconds{60};
  // The first candidate: the next second, or the next whole minute of wall time.
  Instant u = t + seconds{1};
  const auto into_minute = ((u.time_since_epoch() + *offset).count() % 60 + 60) % 60;
  if (step == seconds{60} && into_minute != 0) u += seconds{60 - into_minute};
  for (int i = 0; i < kBruteForceSteps && u <= Schedule::kLatest; ++i, u += step) {
    const bool match = s.expr().matches(sched::LocalTime{u.time_since_epoch() + *offset}, s.options().day_match);
    if (n && u == *n) {
      SCHED_FUZZ_CHECK(match, context + ": next(" + show(t) + ") = " + show(n) + " does not match");
      return;
    }
    SCHED_FUZZ_CHECK(!match || u < Schedule::kEarliest,
                     context + ": next(" + show(t) + ") = " + show(n) + " skips the match at " + show(u));
  }
}

void check_search(const sched::CronExpr& e, const Control& control, std::string_view input) {
  const Schedule s(e, *control.zone, control.options);
  const std::string context = "\"" + std::string(input) + "\" in " + control.zone->name() +
                              " day_match=" + sched::to_string(control.options.day_match) +
                              " dst_gap=" + sched::to_string(control.options.dst_gap) +
                              " dst_repeat=" + sched::to_string(control.options.dst_repeat);
  check_brute_force(s, control.start, context);
  Instant t = control.start;
  for (int i = 0; i < kSteps; ++i) {
    const std::optional<Instant> n = check_next(s, t, context);
    if (!n) break;
    t = *n;
  }
  if (t - control.start <= kMaxCountSpan) {
    // A fire at the end of the chain; count() sees every step of it.
    std::uint64_t steps = 0;
    for (std::optional<Instant> u = s.next(control.start); u && *u <= t; u = s.next(*u)) ++steps;
    SCHED_FUZZ_CHECK(s.count(control.start, t) == steps,
                     context + ": count(" + show(control.start) + ", " + show(t) + ") = " +
                         std::to_string(s.count(control.start, t)) + ", next() takes " + std::to_string(steps) +
                         " steps");
  }
  t = control.start;
  for (int i = 0; i < kSteps; ++i) {
    const std::optional<Instant> p = check_prev(s, t, context);
    if (!p) break;
    t = *p;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = bytes.find('\n');
  const std::string_view text = bytes.substr(0, newline);
  const std::string_view control = newline == std::string_view::npos ? std::string_view() : bytes.substr(newline + 1);

  std::optional<sched::CronExpr> e;
  try {
    e = sched::CronExpr::parse(text);
  } catch (const sched::Error& error) {
    SCHED_FUZZ_CHECK(error.code() == sched::ErrorCode::invalid_schedule,
                     std::string("parse threw ") + sched::to_string(error.code()) + ": " + error.what());
    const std::string_view message = error.what();
    SCHED_FUZZ_CHECK(message.starts_with("invalid schedule \""), "parse error without its prefix: " + std::string(message));
    SCHED_FUZZ_CHECK(std::none_of(message.begin(), message.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }),
                     "parse error with a control character (one line, escapes): " + std::string(message));
    return 0;
  }
  check_canonical(*e, text);
  check_search(*e, read_control(control), text);
  return 0;
}
