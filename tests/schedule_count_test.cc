// Schedule::count and CronExpr::count_local: exact counts by hand, and the
// property that count(a, b) is the number of next() steps from a that stay
// <= b, across DST transitions under every dst_gap / dst_repeat choice.
//
// Every expected number below was derived by hand from the calendar and from
// `zdump -v ZONE` (transition instants quoted above each group), and
// cross-checked with an independent brute force on Python's zoneinfo; none
// was taken from the code under test.
//
// Reproduce a property failure with the seed in its INFO line:
//   SCHED_PROPERTY_SEED=<seed> build/tests/sched_tests "[count][property]"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <date/date.h>

#include "sched/cron.h"
#include "sched/schedule.h"
#include "sched/zone.h"
#include "support/reference_matcher.h"

namespace {

using sched::DstGap;
using sched::DstRepeat;
using sched::Instant;
using Seconds = std::chrono::seconds;

constexpr DstGap run_after = DstGap::run_after;
constexpr DstGap skip = DstGap::skip;
constexpr DstRepeat automatic = DstRepeat::automatic;
constexpr DstRepeat first = DstRepeat::first;
constexpr DstRepeat both = DstRepeat::both;

// "YYYY-MM-DDTHH:MM:SS", read here, independent of sched's own parser: with a
// trailing Z an instant, without one a wall time.
date::sys_seconds civil(const std::string& s, bool zulu) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char z = 0;
  const int fields = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d%c", &y, &mo, &d, &h, &mi, &sec, &z);
  REQUIRE(fields == (zulu ? 7 : 6));
  REQUIRE(z == (zulu ? 'Z' : 0));
  const date::year_month_day ymd{date::year{y} / mo / d};
  REQUIRE(ymd.ok());
  return date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + Seconds{sec};
}
Instant at(const std::string& s) { return civil(s, true); }
sched::LocalTime wall(const std::string& s) { return sched::LocalTime{civil(s, false).time_since_epoch()}; }

sched::Schedule make(const char* zone, const char* expr, DstGap gap = run_after,
                     DstRepeat repeat = automatic, sched::DayMatch match = sched::DayMatch::any) {
  return sched::Schedule{sched::CronExpr::parse(expr), sched::Zone::locate(zone), {match, gap, repeat}};
}

const char* name(DstGap g) { return g == run_after ? "run_after" : "skip"; }
const char* name(DstRepeat r) { return r == automatic ? "auto" : r == first ? "first" : "both"; }

struct CountRow {
  const char* zone;
  const char* expr;
  DstGap gap;
  DstRepeat repeat;
  const char* after;  // the count covers (after, until]
  const char* until;
  std::uint64_t expected;
};

void check(const CountRow& r) {
  INFO(r.zone << " \"" << r.expr << "\" gap=" << name(r.gap) << " repeat=" << name(r.repeat) << " ("
               << r.after << ", " << r.until << "]");
  CHECK(make(r.zone, r.expr, r.gap, r.repeat).count(at(r.after), at(r.until)) == r.expected);
}

}  // namespace

TEST_CASE("count: fixed zones, by the calendar", "[count][schedule]") {
  const CountRow rows[] = {
      // one day of seconds and of minutes: both ends of (after, until] are whole days
      {"UTC", "* * * * * *", run_after, automatic, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", 86400},
      {"UTC", "* * * * *", run_after, automatic, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", 1440},
      // `after` is excluded and `until` included: Jan 16, 17, 18 at 08:00
      {"UTC", "0 8 * * *", run_after, automatic, "2024-01-15T08:00:00Z", "2024-01-18T08:00:00Z", 3},
      {"UTC", "0 8 * * *", run_after, automatic, "2024-01-15T08:00:00Z", "2024-01-18T07:59:59Z", 2},
      {"UTC", "0 8 * * *", run_after, automatic, "2024-01-15T07:59:59Z", "2024-01-15T08:00:00Z", 1},
      {"UTC", "0 8 * * *", run_after, automatic, "2024-01-15T08:00:00Z", "2024-01-15T08:00:00Z", 0},
      {"UTC", "0 8 * * *", run_after, automatic, "2024-01-18T08:00:00Z", "2024-01-15T08:00:00Z", 0},
      // Feb 29 at midnight: leap years 2000, 2004, ..., 2096 = 25; 2004..2096 = 24 (2100 is not
      // leap); a 400-year cycle holds 97
      {"UTC", "0 0 29 2 *", run_after, automatic, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", 25},
      {"UTC", "0 0 29 2 *", run_after, automatic, "2001-01-01T00:00:00Z", "2101-01-01T00:00:00Z", 24},
      {"UTC", "0 0 29 2 *", run_after, automatic, "2000-01-01T00:00:00Z", "2400-01-01T00:00:00Z", 97},
      {"America/New_York", "0 0 29 2 *", run_after, automatic, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", 25},
      // last day of each month of 2024; third Friday; every Friday of 2024 (a leap year that
      // starts on a Monday: 52 Fridays)
      {"UTC", "0 0 L * *", run_after, automatic, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 12},
      {"UTC", "0 0 * * 5#3", run_after, automatic, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 12},
      {"UTC", "0 0 * * 5", run_after, automatic, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 52},
      // every 10 s from 09:00 to 17:59:50 on weekdays, Mon 2024-01-15 to Sun 01-21: 5 * 9 * 360
      {"UTC", "*/10 * 9-17 * * 1-5", run_after, automatic, "2024-01-15T00:00:00Z", "2024-01-22T00:00:00Z", 16200},
      // partial day: 09:30:10 .. 17:00:00 every 10 s = 26990 / 10 + 1
      {"UTC", "*/10 * 9-17 * * 1-5", run_after, automatic, "2024-01-15T09:30:05Z", "2024-01-15T17:00:00Z", 2700},
      // fixed offsets other than UTC: 08:00 at -05:00 is 13:00Z
      {"Etc/GMT+5", "0 8 * * *", run_after, automatic, "2024-01-15T13:00:00Z", "2024-01-18T13:00:00Z", 3},
  };
  for (const CountRow& r : rows) check(r);
}

TEST_CASE("count: the ends of time", "[count][schedule]") {
  const sched::Schedule every_second = make("UTC", "* * * * * *");
  // next() answers nothing after 9999-12-31T23:59:59Z nor before 0001-01-01T00:00:00Z
  CHECK(every_second.count(sched::Schedule::kLatest - Seconds{60}, sched::Schedule::kLatest + Seconds{3600}) == 60);
  CHECK(every_second.count(sched::Schedule::kLatest, sched::Schedule::kLatest + Seconds{3600}) == 0);
  CHECK(every_second.count(sched::Schedule::kEarliest - Seconds{3600}, sched::Schedule::kEarliest + Seconds{59}) == 60);
  CHECK(every_second.count(sched::Schedule::kEarliest - Seconds{3600}, sched::Schedule::kEarliest - Seconds{1}) == 0);
  const sched::Schedule ny = make("America/New_York", "* * * * * *");
  CHECK(ny.count(sched::Schedule::kLatest - Seconds{60}, sched::Schedule::kLatest + Seconds{3600}) == 60);
}

// America/New_York, 2024:
//   Sun Mar 10 06:59:59 UT = 01:59:59 EST ; 07:00:00 UT = 03:00:00 EDT (02:00-02:59 missing)
//   Sun Nov  3 05:59:59 UT = 01:59:59 EDT ; 06:00:00 UT = 01:00:00 EST (01:00-01:59 twice)
// The spring-forward local day is 23 hours: (04:59:59Z, 03:59:59Z next day];
// the fall-back local day is 25 hours: (03:59:59Z, 04:59:59Z next day].
TEST_CASE("count: New York across DST", "[count][schedule][dst]") {
  const CountRow rows[] = {
      // Every second: 82800 instants. Under run_after the missing 02:00:00-02:59:59 collapse
      // into 07:00:00Z, which is 03:00:00 EDT's own fire: still 82800.
      {"America/New_York", "* * * * * *", skip, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 82800},
      {"America/New_York", "* * * * * *", run_after, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 82800},
      // every 15 min: 23 * 4 = 92 either way (02:00-02:45 collapse into 03:00's own fire)
      {"America/New_York", "*/15 * * * *", skip, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 92},
      {"America/New_York", "*/15 * * * *", run_after, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 92},
      // :15 and :45: 23 * 2 = 46; run_after adds the gap's fire at 03:00 EDT, itself no match
      {"America/New_York", "15,45 * * * *", skip, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 46},
      {"America/New_York", "15,45 * * * *", run_after, automatic, "2024-03-10T04:59:59Z", "2024-03-11T03:59:59Z", 47},
      // 02:30 daily over Mar 6-12: seven days, one of them without 02:30
      {"America/New_York", "30 2 * * *", run_after, automatic, "2024-03-06T00:00:00Z", "2024-03-13T00:00:00Z", 7},
      {"America/New_York", "30 2 * * *", skip, automatic, "2024-03-06T00:00:00Z", "2024-03-13T00:00:00Z", 6},
      // the count starts exactly at the gap's end: the gap fire is in (after, until]
      {"America/New_York", "30 2 * * *", run_after, automatic, "2024-03-10T06:59:59Z", "2024-03-10T07:00:00Z", 1},
      {"America/New_York", "30 2 * * *", run_after, automatic, "2024-03-10T07:00:00Z", "2024-03-11T00:00:00Z", 0},
      // every 15 min over the 25-hour day: 100 fires with both occurrences of 01:xx, 96 without
      {"America/New_York", "*/15 * * * *", run_after, automatic, "2024-11-03T03:59:59Z", "2024-11-04T04:59:59Z", 100},
      {"America/New_York", "*/15 * * * *", run_after, first, "2024-11-03T03:59:59Z", "2024-11-04T04:59:59Z", 96},
      {"America/New_York", "*/15 * * * *", run_after, both, "2024-11-03T03:59:59Z", "2024-11-04T04:59:59Z", 100},
      // every second: 90000 instants, or 86400 wall times when the repeat is not fired
      {"America/New_York", "* * * * * *", run_after, automatic, "2024-11-03T03:59:59Z", "2024-11-04T04:59:59Z", 90000},
      {"America/New_York", "* * * * * *", run_after, first, "2024-11-03T03:59:59Z", "2024-11-04T04:59:59Z", 86400},
      // 01:30 daily (hour not periodic: auto = first) over Oct 31 - Nov 6
      {"America/New_York", "30 1 * * *", run_after, automatic, "2024-10-31T00:00:00Z", "2024-11-07T00:00:00Z", 7},
      {"America/New_York", "30 1 * * *", run_after, first, "2024-10-31T00:00:00Z", "2024-11-07T00:00:00Z", 7},
      {"America/New_York", "30 1 * * *", run_after, both, "2024-10-31T00:00:00Z", "2024-11-07T00:00:00Z", 8},
      // a count that starts inside the repeat: 01:30 EST (06:30Z) is its second occurrence
      {"America/New_York", "30 1 * * *", run_after, both, "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z", 1},
      {"America/New_York", "30 1 * * *", run_after, first, "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z", 0},
  };
  for (const CountRow& r : rows) check(r);
}

// Australia/Lord_Howe, 2024 (30-minute shifts):
//   Sat Apr  6 14:59:59 UT = Sun Apr 7 01:59:59 +11 ; 15:00:00 UT = 01:30:00 +1030 (01:30-01:59 twice)
//   Sat Oct  5 15:29:59 UT = Sun Oct 6 01:59:59 +1030 ; 15:30:00 UT = 02:30:00 +11 (02:00-02:29 missing)
// Apr 7 is 24.5 hours long: (12:59:59Z Apr 6, 13:29:59Z Apr 7];
// Oct 6 is 23.5 hours long: (13:29:59Z Oct 5, 12:59:59Z Oct 6].
TEST_CASE("count: Lord Howe across its half-hour shifts", "[count][schedule][dst]") {
  const CountRow rows[] = {
      {"Australia/Lord_Howe", "*/15 * * * *", run_after, automatic, "2024-04-06T12:59:59Z", "2024-04-07T13:29:59Z", 98},
      {"Australia/Lord_Howe", "*/15 * * * *", run_after, first, "2024-04-06T12:59:59Z", "2024-04-07T13:29:59Z", 96},
      {"Australia/Lord_Howe", "*/15 * * * *", run_after, both, "2024-04-06T12:59:59Z", "2024-04-07T13:29:59Z", 98},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, automatic, "2024-04-06T12:59:59Z", "2024-04-07T13:29:59Z", 1},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, both, "2024-04-06T12:59:59Z", "2024-04-07T13:29:59Z", 2},
      // 02:00 and 02:15 fall in the gap and collapse into 02:30's own fire: 94 either way
      {"Australia/Lord_Howe", "*/15 * * * *", skip, automatic, "2024-10-05T13:29:59Z", "2024-10-06T12:59:59Z", 94},
      {"Australia/Lord_Howe", "*/15 * * * *", run_after, automatic, "2024-10-05T13:29:59Z", "2024-10-06T12:59:59Z", 94},
      // 02:10 daily over Oct 2-8: Oct 6 has no 02:10
      {"Australia/Lord_Howe", "10 2 * * *", run_after, automatic, "2024-10-02T00:00:00Z", "2024-10-09T00:00:00Z", 7},
      {"Australia/Lord_Howe", "10 2 * * *", skip, automatic, "2024-10-02T00:00:00Z", "2024-10-09T00:00:00Z", 6},
  };
  for (const CountRow& r : rows) check(r);
}

TEST_CASE("count_local: wall-time arithmetic", "[count][cron]") {
  using sched::CronExpr;
  using sched::DayMatch;
  struct Row {
    const char* expr;
    DayMatch match;
    const char* from;  // [from, to], wall times
    const char* to;
    std::uint64_t expected;
  };
  const Row rows[] = {
      {"* * * * * *", DayMatch::any, "2024-03-10T02:30:00", "2024-03-10T02:30:00", 1},
      {"* * * * * *", DayMatch::any, "2024-03-10T02:30:00", "2024-03-10T02:29:59", 0},
      // wall time knows no DST: every local day holds 86400 seconds
      {"* * * * * *", DayMatch::any, "2024-03-10T00:00:00", "2024-03-10T23:59:59", 86400},
      // 00:00 on Feb 29 in 2000-2399: 97 leap days
      {"0 0 29 2 *", DayMatch::any, "2000-01-01T00:00:00", "2399-12-31T23:59:59", 97},
      // Friday the 13th of 2024: September and December; any: 12 thirteenths + 52 Fridays - 2
      {"0 0 13 * 5", DayMatch::all, "2024-01-01T00:00:00", "2024-12-31T23:59:59", 2},
      {"0 0 13 * 5", DayMatch::any, "2024-01-01T00:00:00", "2024-12-31T23:59:59", 62},
      // partial first and last day: seconds 0,7,..,56 (9 values) of minutes 0,5,..,55 of hours 3-5.
      // Day 1 from 05:40:08: minute 40 keeps 14..56 (7), minutes 45-55 (3 * 9) = 34.
      // Day 2 to 03:05:07: minute 0 (9), minute 5 keeps 0 and 7 (2) = 11.
      {"*/7 */5 3-5 * * *", DayMatch::any, "2024-01-10T05:40:08", "2024-01-11T03:05:07", 34 + 11},
      // the same across a whole middle day (3 * 12 * 9 = 324) and a month end (Jan 31 -> Feb 2)
      {"*/7 */5 3-5 * * *", DayMatch::any, "2024-01-31T05:40:08", "2024-02-02T03:05:07", 34 + 324 + 11},
      // the bounds' own second: 05:55:56 is the last match of its day
      {"*/7 */5 3-5 * * *", DayMatch::any, "2024-01-10T05:55:56", "2024-01-10T05:55:56", 1},
      {"*/7 */5 3-5 * * *", DayMatch::any, "2024-01-10T05:55:57", "2024-01-11T02:59:59", 0},
      // months restricted: June-August, 08:00, 92 days
      {"0 8 * 6-8 *", DayMatch::any, "2023-12-31T08:00:01", "2024-12-31T08:00:00", 92},
      // last weekday of the month in 2024, and the nearest weekday to the 15th
      {"0 12 LW * *", DayMatch::any, "2024-01-01T00:00:00", "2024-12-31T23:59:59", 12},
      {"0 12 15W * *", DayMatch::any, "2024-01-01T00:00:00", "2024-12-31T23:59:59", 12},
  };
  for (const Row& r : rows) {
    INFO("\"" << r.expr << "\" " << sched::to_string(r.match) << " [" << r.from << ", " << r.to << "]");
    CHECK(CronExpr::parse(r.expr).count_local(wall(r.from), wall(r.to), r.match) == r.expected);
  }
}

namespace {

std::uint32_t property_seed() {
  if (const char* s = std::getenv("SCHED_PROPERTY_SEED")) return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 0));
  return 20241103u;
}

// Transitions the random intervals lean on (zdump, see above).
struct Anchor {
  const char* zone;
  const char* at;
};
const Anchor kAnchors[] = {
    {"UTC", "2024-03-10T07:00:00Z"},
    {"America/New_York", "2024-03-10T07:00:00Z"},
    {"America/New_York", "2024-11-03T06:00:00Z"},
    {"Australia/Lord_Howe", "2024-04-06T15:00:00Z"},
    {"Australia/Lord_Howe", "2024-10-05T15:30:00Z"},
};

}  // namespace

// count(a, b) against a chain of next() from a, capped at kMaxSteps fires: when
// the chain is longer, b is pulled back to the last fire reached, so every
// comparison is exact. Short windows are also checked against the reference
// fires of tests/support, and count is checked to add up over a split.
TEST_CASE("count property: count(a, b) == the next() steps from a that stay <= b",
          "[count][property][dst]") {
  constexpr std::size_t kMaxSteps = 3000;
  const std::uint32_t seed = property_seed();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  // Interval lengths from a minute to two years, log-spread.
  const std::int64_t kLengths[] = {60, 3600, 86400, 4 * 86400, 40 * 86400, 730 * 86400};
  int failures = 0;
  for (int i = 0; i < 240 && failures < 5; ++i) {
    const sched_test::Expr e = sched_test::random_expr(rng, sched_test::GenOptions{0.35, 0.03, true});
    const Anchor& anchor = kAnchors[static_cast<std::size_t>(i) % std::size(kAnchors)];
    const std::int64_t length = uniform(1, kLengths[static_cast<std::size_t>(uniform(0, 5))]);
    const Instant a = at(anchor.at) - Seconds{uniform(0, length)};
    Instant b = a + Seconds{length};
    const sched::DayMatch match = uniform(0, 3) == 0 ? sched::DayMatch::all : sched::DayMatch::any;
    INFO("case " << i << ": \"" << e.text() << "\" " << sched::to_string(match) << " in " << anchor.zone
                 << " (" << date::format("%FT%TZ", a) << ", " << date::format("%FT%TZ", b) << "]");
    const sched::CronExpr expr = sched::CronExpr::parse(e.text());
    const sched_test::Matcher matcher(e);
    for (const DstGap gap : {run_after, skip}) {
      for (const DstRepeat repeat : {automatic, first, both}) {
        INFO("gap=" << name(gap) << " repeat=" << name(repeat));
        const sched::ScheduleOptions options{match, gap, repeat};
        const sched::Schedule s{expr, sched::Zone::locate(anchor.zone), options};
        std::vector<Instant> chain;
        for (std::optional<Instant> t = s.next(a); t && *t <= b && chain.size() < kMaxSteps; t = s.next(*t)) {
          chain.push_back(*t);
        }
        const Instant until = chain.size() == kMaxSteps ? chain.back() : b;
        const std::uint64_t counted = s.count(a, until);
        CHECK(counted == chain.size());
        const Instant middle = a + (until - a) / 2;
        CHECK(s.count(a, middle) + s.count(middle, until) == counted);
        if (chain.size() <= 300 && until - a <= Seconds{4 * 86400}) {
          const auto ref = sched_test::reference_fires(matcher, s.zone().tz(), options, a + Seconds{1}, until);
          CHECK(counted == ref.size());
        }
        if (counted != chain.size()) ++failures;
      }
    }
  }
}
