// Table-driven tests of Schedule::next / Schedule::prev on cron expressions
// (SPEC §1): every syntax form, month ends, leap years, the special day forms,
// day matching "any"/"all", and exact boundaries.
//
// Every expected instant was worked out by hand with a calendar and then
// cross-checked against an independent brute-force reference (day by day,
// straight from the definitions), never by running the code under test.
// Instants are UTC; except for the zone table at the end, schedules run in
// Zone::utc(), so the wall time in an expression is the UTC time.
//
// Calendar facts the rows lean on (weekday of the date):
//   2024: Jan 1 Mon, Jan 15 Mon, Feb 29 Thu, Mar 31 Sun, Apr 1 Mon, Jun 1 Sat,
//         Jun 30 Sun, Aug 31 Sat, Sep 1 Sun, Sep 13 Fri, Nov 30 Sat, Dec 1 Sun
//   2025: Feb 1 Sat;  2028-02-29 Tue;  2016-02-01 and 2044-02-01 Mon;
//   2100 is not a leap year (2100-02-28 Sun), 2000 is.

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "sched/cron.h"
#include "sched/error.h"
#include "sched/schedule.h"
#include "sched/time.h"
#include "support/instant_text.h"
#include "sched/zone.h"

namespace {

using sched::DayMatch;
using sched::Instant;

constexpr DayMatch any = DayMatch::any;
constexpr DayMatch all = DayMatch::all;

using sched::test::at;
using sched::test::show;

struct Row {
  const char* expr;
  DayMatch match;
  const char* from;      // `after` for next(), `before` for prev()
  const char* expected;  // UTC instant, or "never"
};

struct ZoneRow {
  const char* zone;
  const char* expr;
  DayMatch match;
  const char* from;
  const char* expected;
};

enum class Dir { next, prev };

std::string describe(const char* zone, const Row& r, Dir dir) {
  return std::string{dir == Dir::next ? "next" : "prev"} + "(\"" + r.expr + "\", " +
         (r.match == any ? "any" : "all") + ", " + zone + ", " +
         (dir == Dir::next ? "after " : "before ") + r.from + ") expected " + r.expected;
}

// Runs one row. A "never" row passes if the expression is rejected at parse
// time (SPEC §1 allows either) or if the schedule answers "never".
void check(const Row& r, Dir dir, const sched::Zone& zone) {
  INFO(describe(zone.name().c_str(), r, dir));
  const std::string expected = r.expected;
  if (expected == "never") {
    std::optional<sched::CronExpr> expr;
    try {
      expr = sched::CronExpr::parse(r.expr);
    } catch (const sched::Error& e) {
      INFO("rejected at parse time: " << e.what());
      CHECK(e.code() == sched::ErrorCode::invalid_schedule);
      return;
    }
    const sched::Schedule s{*expr, zone, sched::ScheduleOptions{r.match, {}, {}}};
    const auto got = dir == Dir::next ? s.next(at(r.from)) : s.prev(at(r.from));
    CHECK(show(got) == expected);
    return;
  }
  std::optional<sched::CronExpr> expr;
  REQUIRE_NOTHROW(expr = sched::CronExpr::parse(r.expr));
  const sched::Schedule s{*expr, zone, sched::ScheduleOptions{r.match, {}, {}}};
  const auto got = dir == Dir::next ? s.next(at(r.from)) : s.prev(at(r.from));
  CHECK(show(got) == show(at(r.expected)));
}

void run(const std::vector<Row>& rows, Dir dir) {
  const sched::Zone utc = sched::Zone::utc();
  for (const Row& r : rows) check(r, dir, utc);
}

}  // namespace

// ---------------------------------------------------------------------------
// Plain fields: *, numbers, ranges, steps, lists; exact boundaries.

TEST_CASE("next: plain fields, steps and lists", "[next][cron]") {
  const std::vector<Row> rows = {
      // ROWS next_plain
      // after == a fire time returns the NEXT one
      {"* * * * *", any, "2024-01-15T08:00:00Z", "2024-01-15T08:01:00Z"},
      {"* * * * *", any, "2024-01-15T08:00:30Z", "2024-01-15T08:01:00Z"},
      {"* * * * *", any, "2024-01-15T08:00:59Z", "2024-01-15T08:01:00Z"},
      {"0 * * * *", any, "2024-01-15T08:00:00Z", "2024-01-15T09:00:00Z"},
      {"0 0 * * *", any, "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"},
      {"0 0 * * *", any, "2024-02-28T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"30 12 * * *", any, "2024-01-15T12:30:00Z", "2024-01-16T12:30:00Z"},
      {"30 12 * * *", any, "2024-01-15T12:29:59Z", "2024-01-15T12:30:00Z"},
      {"59 23 31 12 *", any, "2024-12-31T23:59:00Z", "2025-12-31T23:59:00Z"},
      {"0 0 1 1 *", any, "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"0 12 * 6 *", any, "2024-06-30T12:00:00Z", "2025-06-01T12:00:00Z"},
      // steps: */n, a/n (a to the field's max), a-b/n
      {"*/15 * * * *", any, "2024-01-15T08:07:00Z", "2024-01-15T08:15:00Z"},
      {"*/15 * * * *", any, "2024-01-15T08:45:00Z", "2024-01-15T09:00:00Z"},
      {"5/15 * * * *", any, "2024-01-15T08:36:00Z", "2024-01-15T08:50:00Z"},
      {"5/15 * * * *", any, "2024-01-15T08:50:00Z", "2024-01-15T09:05:00Z"},
      {"10-30/10 * * * *", any, "2024-01-15T08:15:00Z", "2024-01-15T08:20:00Z"},
      {"10-30/10 * * * *", any, "2024-01-15T08:30:00Z", "2024-01-15T09:10:00Z"},
      {"0 9-17/4 * * *", any, "2024-01-15T13:00:00Z", "2024-01-15T17:00:00Z"},
      {"0 9-17/4 * * *", any, "2024-01-15T17:00:00Z", "2024-01-16T09:00:00Z"},
      {"0 */6 * * *", any, "2024-01-15T18:00:00Z", "2024-01-16T00:00:00Z"},
      {"0 22/3 * * *", any, "2024-01-15T22:00:00Z", "2024-01-16T22:00:00Z"},
      {"0 0 */10 * *", any, "2024-01-21T00:00:00Z", "2024-01-31T00:00:00Z"},
      {"0 0 */10 * *", any, "2024-02-21T00:00:00Z", "2024-03-01T00:00:00Z"},
      {"0 0 1 */3 *", any, "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z"},
      {"0 0 1 2/5 *", any, "2024-07-01T00:00:00Z", "2024-12-01T00:00:00Z"},
      {"0 0 1 2/5 *", any, "2024-12-01T00:00:00Z", "2025-02-01T00:00:00Z"},
      // lists, mixed with ranges and steps
      {"15,45 8,20 * * *", any, "2024-01-15T08:45:00Z", "2024-01-15T20:15:00Z"},
      {"0-10/5,50 * * * *", any, "2024-01-15T08:10:00Z", "2024-01-15T08:50:00Z"},
      {"0-10/5,50 * * * *", any, "2024-01-15T08:50:00Z", "2024-01-15T09:00:00Z"},
      {"0 0 1,15 * *", any, "2024-01-15T00:00:00Z", "2024-02-01T00:00:00Z"},
      {"0 22 * * 1-5", any, "2024-01-19T22:00:00Z", "2024-01-22T22:00:00Z"},
      {"0 22 * * 1-5", any, "2024-01-19T21:59:59Z", "2024-01-19T22:00:00Z"},
      // `?` is `*` in the day fields
      {"0 0 ? * MON", any, "2024-01-15T00:00:00Z", "2024-01-22T00:00:00Z"},
      {"0 0 15 * ?", any, "2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z"},
      {"0 0 ? * ?", any, "2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z"},
      // END ROWS
  };
  run(rows, Dir::next);
}

TEST_CASE("prev: plain fields, steps and lists", "[next][prev][cron]") {
  const std::vector<Row> rows = {
      // ROWS prev_plain
      // before == a fire time returns the PREVIOUS one
      {"* * * * *", any, "2024-01-15T08:00:00Z", "2024-01-15T07:59:00Z"},
      {"* * * * *", any, "2024-01-15T08:00:30Z", "2024-01-15T08:00:00Z"},
      {"* * * * *", any, "2024-01-15T08:00:01Z", "2024-01-15T08:00:00Z"},
      {"0 * * * *", any, "2024-01-01T00:00:00Z", "2023-12-31T23:00:00Z"},
      {"0 0 * * *", any, "2025-01-01T00:00:00Z", "2024-12-31T00:00:00Z"},
      {"0 0 * * *", any, "2024-03-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 1 1 *", any, "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 1 1 *", any, "2025-01-01T00:00:01Z", "2025-01-01T00:00:00Z"},
      {"30 12 * * *", any, "2024-01-15T12:30:00Z", "2024-01-14T12:30:00Z"},
      {"*/15 * * * *", any, "2024-01-15T08:00:00Z", "2024-01-15T07:45:00Z"},
      {"5/15 * * * *", any, "2024-01-15T09:05:00Z", "2024-01-15T08:50:00Z"},
      {"10-30/10 * * * *", any, "2024-01-15T09:10:00Z", "2024-01-15T08:30:00Z"},
      {"0 9-17/4 * * *", any, "2024-01-16T09:00:00Z", "2024-01-15T17:00:00Z"},
      {"0 */6 * * *", any, "2024-01-16T00:00:00Z", "2024-01-15T18:00:00Z"},
      {"0 0 */10 * *", any, "2024-03-01T00:00:00Z", "2024-02-21T00:00:00Z"},
      {"0 0 1 2/5 *", any, "2025-02-01T00:00:00Z", "2024-12-01T00:00:00Z"},
      {"0-10/5,50 * * * *", any, "2024-01-15T08:50:00Z", "2024-01-15T08:10:00Z"},
      {"0 22 * * 1-5", any, "2024-01-22T22:00:00Z", "2024-01-19T22:00:00Z"},
      {"0 0 ? * MON", any, "2024-01-22T00:00:00Z", "2024-01-15T00:00:00Z"},
      // END ROWS
  };
  run(rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Seconds (6 fields, second first).

TEST_CASE("next/prev: seconds field", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_seconds
      {"*/10 * * * * *", any, "2024-01-15T08:00:55Z", "2024-01-15T08:01:00Z"},
      {"*/10 * * * * *", any, "2024-01-15T08:00:10Z", "2024-01-15T08:00:20Z"},
      {"30 * * * * *", any, "2024-01-15T08:00:30Z", "2024-01-15T08:01:30Z"},
      {"0 0 0 * * *", any, "2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z"},
      {"15-45/15 30 9 * * *", any, "2024-01-15T09:30:45Z", "2024-01-16T09:30:15Z"},
      {"15-45/15 30 9 * * *", any, "2024-01-15T09:30:15Z", "2024-01-15T09:30:30Z"},
      {"59 59 23 31 12 *", any, "2024-12-31T23:59:58Z", "2024-12-31T23:59:59Z"},
      {"59 59 23 31 12 *", any, "2024-12-31T23:59:59Z", "2025-12-31T23:59:59Z"},
      {"5,10 * * * * *", any, "2024-01-15T08:00:07Z", "2024-01-15T08:00:10Z"},
      {"0 */2 * * * *", any, "2024-01-15T08:01:00Z", "2024-01-15T08:02:00Z"},
      {"* * * * * *", any, "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z"},
      {"30 0 0 L * *", any, "2024-02-29T00:00:30Z", "2024-03-31T00:00:30Z"},
      {"7/20 * * * * *", any, "2024-01-15T08:00:47Z", "2024-01-15T08:01:07Z"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_seconds
      {"*/10 * * * * *", any, "2024-01-15T08:01:00Z", "2024-01-15T08:00:50Z"},
      {"59 59 23 31 12 *", any, "2025-12-31T23:59:59Z", "2024-12-31T23:59:59Z"},
      {"15-45/15 30 9 * * *", any, "2024-01-16T09:30:15Z", "2024-01-15T09:30:45Z"},
      {"* * * * * *", any, "2024-03-01T00:00:00Z", "2024-02-29T23:59:59Z"},
      {"0 0 0 1 1 *", any, "2024-01-01T00:00:01Z", "2024-01-01T00:00:00Z"},
      {"30 0 0 L * *", any, "2024-03-31T00:00:30Z", "2024-02-29T00:00:30Z"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Names (any case), weekday 0/7, wrapping day-of-week and month ranges.

TEST_CASE("next/prev: names, weekday 7 and wrapping ranges", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_names
      {"0 0 1 jan *", any, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"0 0 1 Mar-May *", any, "2024-05-01T00:00:00Z", "2025-03-01T00:00:00Z"},
      {"0 0 1 jun,DEC *", any, "2024-06-01T00:00:00Z", "2024-12-01T00:00:00Z"},
      {"0 9 * * mon", any, "2024-01-15T09:00:00Z", "2024-01-22T09:00:00Z"},
      {"0 9 * * Sat,SUN", any, "2024-01-15T00:00:00Z", "2024-01-20T09:00:00Z"},
      {"0 9 * * tue-THU", any, "2024-01-18T09:00:00Z", "2024-01-23T09:00:00Z"},
      {"0 0 * FEB sun", any, "2024-01-31T00:00:00Z", "2024-02-04T00:00:00Z"},
      // weekday 7 and 0 are Sunday
      {"0 0 * * 7", any, "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * 0", any, "2024-01-21T00:00:00Z", "2024-01-28T00:00:00Z"},
      {"0 0 * * 5-7", any, "2024-01-21T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 * * 6-7", any, "2024-01-19T12:00:00Z", "2024-01-20T00:00:00Z"},
      {"0 0 * * 1,7", any, "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      // wrapping day-of-week: FRI-MON = Fri, Sat, Sun, Mon
      {"0 0 * * FRI-MON", any, "2024-01-16T00:00:00Z", "2024-01-19T00:00:00Z"},
      {"0 0 * * FRI-MON", any, "2024-01-19T00:00:00Z", "2024-01-20T00:00:00Z"},
      {"0 0 * * FRI-MON", any, "2024-01-21T00:00:00Z", "2024-01-22T00:00:00Z"},
      {"0 0 * * FRI-MON", any, "2024-01-22T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 * * 5-1", any, "2024-01-16T00:00:00Z", "2024-01-19T00:00:00Z"},
      {"0 0 * * sat-tue", any, "2024-01-17T00:00:00Z", "2024-01-20T00:00:00Z"},
      // wrapping month: NOV-FEB = Nov, Dec, Jan, Feb
      {"0 0 1 NOV-FEB *", any, "2024-02-01T00:00:00Z", "2024-11-01T00:00:00Z"},
      {"0 0 1 NOV-FEB *", any, "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"0 0 1 11-2 *", any, "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"},
      {"0 0 1 dec-jan *", any, "2024-01-01T00:00:00Z", "2024-12-01T00:00:00Z"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_names
      {"0 9 * * mon", any, "2024-01-15T09:00:00Z", "2024-01-08T09:00:00Z"},
      {"0 0 1 Mar-May *", any, "2025-03-01T00:00:00Z", "2024-05-01T00:00:00Z"},
      {"0 9 * * Sat,SUN", any, "2024-01-20T09:00:00Z", "2024-01-14T09:00:00Z"},
      {"0 0 * * 7", any, "2024-01-21T00:00:00Z", "2024-01-14T00:00:00Z"},
      {"0 0 * * 5-7", any, "2024-01-26T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * FRI-MON", any, "2024-01-19T00:00:00Z", "2024-01-15T00:00:00Z"},
      {"0 0 * * FRI-MON", any, "2024-01-22T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * 5-1", any, "2024-01-25T00:00:00Z", "2024-01-22T00:00:00Z"},
      {"0 0 1 NOV-FEB *", any, "2024-11-01T00:00:00Z", "2024-02-01T00:00:00Z"},
      {"0 0 1 NOV-FEB *", any, "2025-01-01T00:00:00Z", "2024-12-01T00:00:00Z"},
      {"0 0 1 11-2 *", any, "2024-11-01T00:00:00Z", "2024-02-01T00:00:00Z"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Leap years, month ends, `31` skipping short months, L and L-n.

TEST_CASE("next/prev: leap years, month ends, L and L-n", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_month_ends
      {"0 0 29 2 *", any, "2025-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 29 2 *", any, "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 29 2 *", any, "2024-02-28T23:59:59Z", "2024-02-29T00:00:00Z"},
      {"0 0 29 2 *", any, "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},  // 2100 not leap
      {"0 0 29 2 *", any, "1999-03-01T00:00:00Z", "2000-02-29T00:00:00Z"},  // 2000 is leap
      {"0 0 31 * *", any, "2024-01-31T00:00:00Z", "2024-03-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-07-31T00:00:00Z", "2024-08-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-08-31T00:00:00Z", "2024-10-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-12-31T00:00:00Z", "2025-01-31T00:00:00Z"},
      {"0 0 30 * *", any, "2024-01-30T00:00:00Z", "2024-03-30T00:00:00Z"},
      {"0 0 30 * *", any, "2025-01-30T00:00:00Z", "2025-03-30T00:00:00Z"},
      {"0 0 L * *", any, "2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 L * *", any, "2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z"},
      {"0 0 L * *", any, "2024-04-15T00:00:00Z", "2024-04-30T00:00:00Z"},
      {"0 0 L * *", any, "2024-12-31T00:00:00Z", "2025-01-31T00:00:00Z"},
      {"0 0 L 2 *", any, "2024-01-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 L 2 *", any, "2025-01-01T00:00:00Z", "2025-02-28T00:00:00Z"},
      {"0 0 L 2 *", any, "2100-01-01T00:00:00Z", "2100-02-28T00:00:00Z"},
      {"0 0 L-1 * *", any, "2024-02-01T00:00:00Z", "2024-02-28T00:00:00Z"},
      {"0 0 L-1 * *", any, "2025-02-01T00:00:00Z", "2025-02-27T00:00:00Z"},
      {"0 0 L-3 * *", any, "2024-04-27T00:00:00Z", "2024-05-28T00:00:00Z"},
      {"0 0 L-2 2 *", any, "2024-02-27T00:00:00Z", "2025-02-26T00:00:00Z"},
      // L-30 is day 1 of a 31-day month and does not exist in shorter ones
      {"0 0 L-30 * *", any, "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z"},
      // lists mixing plain days and specials
      {"0 0 1,15,L * *", any, "2024-02-15T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 1,15,L * *", any, "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"},
      {"0 0 1,15,L * *", any, "2024-04-15T12:00:00Z", "2024-04-30T00:00:00Z"},
      {"0 0 10,L-1 * *", any, "2024-06-10T00:00:00Z", "2024-06-29T00:00:00Z"},
      {"0 0 L,LW * *", any, "2024-08-01T00:00:00Z", "2024-08-30T00:00:00Z"},
      // never: the day cannot occur in the months (parse error or "never")
      {"0 0 30 2 *", any, "2024-01-01T00:00:00Z", "never"},
      {"0 0 31 2,4 *", any, "2024-01-01T00:00:00Z", "never"},
      {"0 0 31 4,6,9,11 *", any, "2024-01-01T00:00:00Z", "never"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_month_ends
      {"0 0 29 2 *", any, "2028-02-29T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 29 2 *", any, "2104-01-01T00:00:00Z", "2096-02-29T00:00:00Z"},
      {"0 0 L 2 *", any, "2100-03-01T00:00:00Z", "2100-02-28T00:00:00Z"},
      {"0 0 31 * *", any, "2024-03-31T00:00:00Z", "2024-01-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-10-01T00:00:00Z", "2024-08-31T00:00:00Z"},
      {"0 0 31 * *", any, "2024-07-30T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 L * *", any, "2024-03-31T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 L * *", any, "2025-01-01T00:00:00Z", "2024-12-31T00:00:00Z"},
      {"0 0 L-1 * *", any, "2024-03-01T00:00:00Z", "2024-02-28T00:00:00Z"},
      {"0 0 L-3 * *", any, "2024-05-28T00:00:00Z", "2024-04-27T00:00:00Z"},
      {"0 0 L-30 * *", any, "2024-05-01T00:00:00Z", "2024-03-01T00:00:00Z"},
      {"0 0 1,15,L * *", any, "2024-03-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 1,15,L * *", any, "2024-02-29T00:00:00Z", "2024-02-15T00:00:00Z"},
      {"0 0 30 2 *", any, "2024-01-01T00:00:00Z", "never"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// nW and LW: the nearest weekday, never leaving the month.

TEST_CASE("next/prev: nW and LW", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_weekday
      {"0 0 1W * *", any, "2024-05-31T00:00:00Z", "2024-06-03T00:00:00Z"},  // Sat 1st -> Mon 3rd
      {"0 0 1W * *", any, "2024-08-01T00:00:00Z", "2024-09-02T00:00:00Z"},  // Sun 1st -> Mon 2nd
      {"0 0 1W * *", any, "2024-11-30T00:00:00Z", "2024-12-02T00:00:00Z"},  // Sun 1st -> Mon 2nd
      {"0 0 1W * *", any, "2025-01-01T00:00:00Z", "2025-02-03T00:00:00Z"},  // Sat 1st -> Mon 3rd
      {"0 0 1W * *", any, "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"},  // Thu 1st
      {"0 0 2W * *", any, "2024-02-29T00:00:00Z", "2024-03-01T00:00:00Z"},  // Sat 2nd -> Fri 1st
      {"0 0 15W * *", any, "2024-06-01T00:00:00Z", "2024-06-14T00:00:00Z"},  // Sat -> Fri
      {"0 0 15W * *", any, "2024-09-01T00:00:00Z", "2024-09-16T00:00:00Z"},  // Sun -> Mon
      {"0 0 15W * *", any, "2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z"},  // Thu
      {"0 0 31W * *", any, "2024-03-01T00:00:00Z", "2024-03-29T00:00:00Z"},  // Sun 31st -> Fri 29th
      {"0 0 31W * *", any, "2024-03-29T00:00:00Z", "2024-05-31T00:00:00Z"},  // April has no 31st
      {"0 0 31W * *", any, "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z"},  // June has no 31st
      {"0 0 31W * *", any, "2024-08-01T00:00:00Z", "2024-08-30T00:00:00Z"},  // Sat 31st -> Fri 30th
      {"0 0 30W * *", any, "2024-06-01T00:00:00Z", "2024-06-28T00:00:00Z"},  // Sun 30th (last) -> Fri
      {"0 0 30W * *", any, "2024-02-01T00:00:00Z", "2024-03-29T00:00:00Z"},  // no Feb 30; Sat 30th -> Fri
      {"0 0 29W 2 *", any, "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},  // only leap years
      {"0 0 LW * *", any, "2024-03-01T00:00:00Z", "2024-03-29T00:00:00Z"},  // Sun 31st -> Fri 29th
      {"0 0 LW * *", any, "2024-06-01T00:00:00Z", "2024-06-28T00:00:00Z"},  // Sun 30th -> Fri 28th
      {"0 0 LW * *", any, "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z"},  // Thu 29th
      {"0 0 LW * *", any, "2024-08-30T00:00:00Z", "2024-09-30T00:00:00Z"},  // Mon 30th
      {"0 0 LW * *", any, "2024-03-29T00:00:00Z", "2024-04-30T00:00:00Z"},
      {"0 0 LW * *", any, "2024-11-01T00:00:00Z", "2024-11-29T00:00:00Z"},  // Sat 30th -> Fri 29th
      {"0 0 31W 4 *", any, "2024-01-01T00:00:00Z", "never"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_weekday
      {"0 0 1W * *", any, "2024-06-04T00:00:00Z", "2024-06-03T00:00:00Z"},
      {"0 0 1W * *", any, "2024-06-03T00:00:00Z", "2024-05-01T00:00:00Z"},
      {"0 0 1W * *", any, "2024-09-03T00:00:00Z", "2024-09-02T00:00:00Z"},
      {"0 0 2W * *", any, "2024-03-02T00:00:00Z", "2024-03-01T00:00:00Z"},
      {"0 0 15W * *", any, "2024-06-15T00:00:00Z", "2024-06-14T00:00:00Z"},
      {"0 0 31W * *", any, "2024-07-01T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 31W * *", any, "2024-04-30T00:00:00Z", "2024-03-29T00:00:00Z"},
      {"0 0 30W * *", any, "2024-07-01T00:00:00Z", "2024-06-28T00:00:00Z"},
      {"0 0 29W 2 *", any, "2028-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 LW * *", any, "2024-09-01T00:00:00Z", "2024-08-30T00:00:00Z"},
      {"0 0 LW * *", any, "2024-12-01T00:00:00Z", "2024-11-29T00:00:00Z"},
      {"0 0 LW * *", any, "2024-03-29T00:00:00Z", "2024-02-29T00:00:00Z"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Day-of-week specials: wL / NAML (last weekday of the month), w#k.

TEST_CASE("next/prev: last and nth weekday of the month", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_nth
      {"0 0 * * 5L", any, "2024-01-01T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 * * FRIL", any, "2024-01-26T00:00:00Z", "2024-02-23T00:00:00Z"},
      {"0 0 * * friL", any, "2024-03-01T00:00:00Z", "2024-03-29T00:00:00Z"},
      {"0 0 * * 0L", any, "2024-03-01T00:00:00Z", "2024-03-31T00:00:00Z"},
      {"0 0 * * 7L", any, "2024-04-01T00:00:00Z", "2024-04-28T00:00:00Z"},
      {"0 0 * * 4L", any, "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 * * 5#2", any, "2024-01-01T00:00:00Z", "2024-01-12T00:00:00Z"},
      {"0 0 * * FRI#2", any, "2024-01-12T00:00:00Z", "2024-02-09T00:00:00Z"},
      {"0 0 * * fri#2", any, "2024-01-11T23:59:59Z", "2024-01-12T00:00:00Z"},
      {"0 0 * * 1#1", any, "2023-12-31T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 * * SUN#3", any, "2024-01-01T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * 7#1", any, "2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z"},
      // #5 only in months that have a fifth: 2024 has five Fridays in Mar, May, Aug, Nov
      {"0 0 * * 5#5", any, "2024-01-01T00:00:00Z", "2024-03-29T00:00:00Z"},
      {"0 0 * * 5#5", any, "2024-03-29T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 * * 5#5", any, "2024-05-31T00:00:00Z", "2024-08-30T00:00:00Z"},
      {"0 0 * * 4#5", any, "2024-01-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      // five Mondays in February: a leap year whose Feb 1st is a Monday (2016, 2044)
      {"0 0 * 2 1#5", any, "2024-01-01T00:00:00Z", "2044-02-29T00:00:00Z"},
      {"0 0 * * 1#1,5L", any, "2024-01-02T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 * * 1#1,5L", any, "2024-01-26T00:00:00Z", "2024-02-05T00:00:00Z"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_nth
      {"0 0 * * 5L", any, "2024-02-23T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 * * FRIL", any, "2024-04-01T00:00:00Z", "2024-03-29T00:00:00Z"},
      {"0 0 * * 0L", any, "2024-03-31T00:00:00Z", "2024-02-25T00:00:00Z"},
      {"0 0 * * 5#2", any, "2024-02-09T00:00:00Z", "2024-01-12T00:00:00Z"},
      {"0 0 * * 5#5", any, "2024-08-30T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 * * 5#5", any, "2024-03-29T00:00:00Z", "2023-12-29T00:00:00Z"},
      {"0 0 * 2 1#5", any, "2044-01-01T00:00:00Z", "2016-02-29T00:00:00Z"},
      {"0 0 * * 1#1,5L", any, "2024-01-26T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 * * SUN#3", any, "2024-01-21T00:00:00Z", "2023-12-17T00:00:00Z"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Macros.

TEST_CASE("next/prev: macros", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_macros
      {"@yearly", any, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@annually", any, "2024-06-15T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@monthly", any, "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z"},
      {"@weekly", any, "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"@daily", any, "2024-02-28T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"@midnight", any, "2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"},
      {"@hourly", any, "2024-01-15T08:00:00Z", "2024-01-15T09:00:00Z"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_macros
      {"@yearly", any, "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"@annually", any, "2024-06-15T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"@monthly", any, "2024-03-01T00:00:00Z", "2024-02-01T00:00:00Z"},
      {"@weekly", any, "2024-01-21T00:00:00Z", "2024-01-14T00:00:00Z"},
      {"@daily", any, "2024-03-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"@midnight", any, "2025-01-01T00:00:00Z", "2024-12-31T00:00:00Z"},
      {"@hourly", any, "2024-01-01T00:00:00Z", "2023-12-31T23:00:00Z"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// Day matching: both day fields restricted -> any (OR) by default, all (AND)
// on request; `*/n` counts as restricted; one restricted field alone decides.

TEST_CASE("next/prev: day matching any and all", "[next][cron]") {
  const std::vector<Row> next_rows = {
      // ROWS next_daymatch
      {"0 0 13 * FRI", any, "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"},
      {"0 0 13 * FRI", all, "2024-01-01T00:00:00Z", "2024-09-13T00:00:00Z"},
      {"0 0 13 * FRI", all, "2024-09-13T00:00:00Z", "2024-12-13T00:00:00Z"},
      {"0 0 1 * MON", any, "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"},
      {"0 0 1 * MON", all, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
      {"0 0 1-7 * MON", any, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"},
      {"0 0 1-7 * MON", all, "2024-01-01T00:00:00Z", "2024-02-05T00:00:00Z"},
      // `*/10` (1, 11, 21, 31) is restricted: OR with Mondays
      {"0 0 */10 * MON", any, "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"},
      {"0 0 */10 * MON", any, "2024-01-08T00:00:00Z", "2024-01-11T00:00:00Z"},
      {"0 0 */10 * MON", all, "2024-01-01T00:00:00Z", "2024-03-11T00:00:00Z"},
      // `*/2` in day-of-week (Sun, Tue, Thu, Sat) is restricted too
      {"0 0 15 * */2", any, "2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z"},
      {"0 0 15 * */2", all, "2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z"},
      {"0 0 L * 5L", any, "2024-01-01T00:00:00Z", "2024-01-26T00:00:00Z"},
      {"0 0 L * 5L", all, "2024-01-01T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"0 0 1W * MON", all, "2023-12-31T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 1W * MON", all, "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"},
      {"0 0 1,15 * 5#2", any, "2024-01-01T00:00:00Z", "2024-01-12T00:00:00Z"},
      {"0 0 1,15 * 5#2", any, "2024-01-12T00:00:00Z", "2024-01-15T00:00:00Z"},
      // only one field restricted: "all" changes nothing
      {"0 0 L * *", all, "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 * * MON", all, "2024-01-15T00:00:00Z", "2024-01-22T00:00:00Z"},
      {"0 0 ? * 5#2", all, "2024-01-01T00:00:00Z", "2024-01-12T00:00:00Z"},
      {"0 0 15 * ?", all, "2024-01-01T00:00:00Z", "2024-01-15T00:00:00Z"},
      // "all" combinations that can never happen: parse error or "never"
      {"0 0 1W * SAT", all, "2024-01-01T00:00:00Z", "never"},
      {"0 0 LW * SUN", all, "2024-01-01T00:00:00Z", "never"},
      {"0 0 13 * 5L", all, "2024-01-01T00:00:00Z", "never"},
      {"0 0 1-7 * 5#2", all, "2024-01-01T00:00:00Z", "never"},
      // END ROWS
  };
  const std::vector<Row> prev_rows = {
      // ROWS prev_daymatch
      {"0 0 13 * FRI", all, "2024-12-13T00:00:00Z", "2024-09-13T00:00:00Z"},
      {"0 0 13 * FRI", any, "2024-09-13T00:00:00Z", "2024-09-06T00:00:00Z"},
      {"0 0 */10 * MON", any, "2024-01-11T00:00:00Z", "2024-01-08T00:00:00Z"},
      {"0 0 */10 * MON", all, "2024-03-11T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 1-7 * MON", all, "2024-02-05T00:00:00Z", "2024-01-01T00:00:00Z"},
      {"0 0 1-7 * MON", any, "2024-02-05T00:00:00Z", "2024-02-04T00:00:00Z"},
      {"0 0 L * 5L", all, "2024-05-31T00:00:00Z", "2023-06-30T00:00:00Z"},
      {"0 0 15 * */2", all, "2024-02-15T00:00:00Z", "2023-10-15T00:00:00Z"},
      {"0 0 13 * 5L", all, "2024-01-01T00:00:00Z", "never"},
      // END ROWS
  };
  run(next_rows, Dir::next);
  run(prev_rows, Dir::prev);
}

// ---------------------------------------------------------------------------
// A few rows in zones with a fixed offset (no DST in the years used).

TEST_CASE("next/prev: fixed-offset zones", "[next][cron]") {
  const std::vector<ZoneRow> next_rows = {
      // ROWS next_zones
      {"Asia/Kolkata", "0 9 * * *", any, "2024-01-15T00:00:00Z", "2024-01-15T03:30:00Z"},
      {"Asia/Kolkata", "0 9 * * *", any, "2024-01-15T03:30:00Z", "2024-01-16T03:30:00Z"},
      {"Asia/Tokyo", "0 0 L * *", any, "2024-01-31T00:00:00Z", "2024-02-28T15:00:00Z"},
      {"Asia/Tokyo", "0 0 1 1 *", any, "2024-06-01T00:00:00Z", "2024-12-31T15:00:00Z"},
      {"Pacific/Kiritimati", "0 0 * * MON", any, "2024-01-14T00:00:00Z", "2024-01-14T10:00:00Z"},
      {"America/Panama", "0 12 * * *", any, "2024-01-15T17:00:00Z", "2024-01-16T17:00:00Z"},
      {"America/Panama", "0 20 * * FRI", any, "2024-01-19T23:00:00Z", "2024-01-20T01:00:00Z"},
      // END ROWS
  };
  const std::vector<ZoneRow> prev_rows = {
      // ROWS prev_zones
      {"Asia/Kolkata", "30 23 31 12 *", any, "2025-01-01T00:00:00Z", "2024-12-31T18:00:00Z"},
      {"Asia/Tokyo", "0 0 L * *", any, "2024-03-01T00:00:00Z", "2024-02-28T15:00:00Z"},
      {"America/Panama", "0 20 * * FRI", any, "2024-01-20T01:00:00Z", "2024-01-13T01:00:00Z"},
      // END ROWS
  };
  for (const ZoneRow& z : next_rows) {
    check(Row{z.expr, z.match, z.from, z.expected}, Dir::next, sched::Zone::locate(z.zone));
  }
  for (const ZoneRow& z : prev_rows) {
    check(Row{z.expr, z.match, z.from, z.expected}, Dir::prev, sched::Zone::locate(z.zone));
  }
}
