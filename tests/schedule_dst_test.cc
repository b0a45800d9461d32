// Table-driven tests of Schedule across DST transitions (SPEC §2): wall times
// that do not exist (dst_gap run_after / skip) and wall times that happen twice
// (dst_repeat automatic / first / both), in zones with one-hour shifts at 02:00
// (America/New_York, Europe/Berlin), a 30-minute shift (Australia/Lord_Howe)
// and a midnight shift (America/Sao_Paulo, 2018).
//
// Each row chains next() (or prev()) from a start instant and compares the
// whole sequence, so a failure shows every fire around the transition.
// Every expected instant was derived by hand from `zdump -v ZONE` (the source
// of truth for the transition instants, quoted above each group), never by
// asking the code under test, and cross-checked with an independent
// reference built on Python's zoneinfo.

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/date.h>

#include "sched/cron.h"
#include "sched/schedule.h"
#include "sched/time.h"
#include "support/instant_text.h"
#include "sched/zone.h"

namespace {

using sched::DstGap;
using sched::DstRepeat;
using sched::Instant;

constexpr DstGap run_after = DstGap::run_after;
constexpr DstGap skip = DstGap::skip;
constexpr DstRepeat automatic = DstRepeat::automatic;
constexpr DstRepeat first = DstRepeat::first;
constexpr DstRepeat both = DstRepeat::both;

enum class Dir { next, prev };

using sched::test::at;
using sched::test::show;

struct ChainRow {
  const char* zone;
  const char* expr;
  DstGap gap;
  DstRepeat repeat;
  Dir dir;
  const char* from;                    // first `after` (next) or `before` (prev)
  std::vector<const char*> expected;   // consecutive fires, UTC
};

const char* name(DstGap g) { return g == run_after ? "run_after" : "skip"; }
const char* name(DstRepeat r) {
  return r == automatic ? "automatic" : r == first ? "first" : "both";
}

// Chains next() (or prev()) expected.size() times from row.from and compares
// the whole sequence; the strings show the instant in UTC and in the zone.
void check_chain(const ChainRow& row) {
  INFO(row.zone << " \"" << row.expr << "\" gap=" << name(row.gap)
                << " repeat=" << name(row.repeat)
                << (row.dir == Dir::next ? " next() after " : " prev() before ") << row.from);
  const sched::Zone zone = sched::Zone::locate(row.zone);
  const sched::Schedule s{sched::CronExpr::parse(row.expr), zone,
                          sched::ScheduleOptions{sched::DayMatch::any, row.gap, row.repeat}};
  std::vector<std::string> want;
  for (const char* e : row.expected) want.push_back(show(at(e)));
  std::vector<std::string> got;
  std::optional<Instant> cursor = at(row.from);
  for (std::size_t i = 0; i < row.expected.size() && cursor; ++i) {
    cursor = row.dir == Dir::next ? s.next(*cursor) : s.prev(*cursor);
    got.push_back(show(cursor));
  }
  CHECK(got == want);
}

void run(const std::vector<ChainRow>& rows) {
  for (const ChainRow& r : rows) check_chain(r);
}

constexpr Dir next = Dir::next;
constexpr Dir prev = Dir::prev;

}  // namespace

// ---------------------------------------------------------------------------
// America/New_York, 2024.
//   Sun Mar 10 06:59:59 2024 UT = 01:59:59 EST ; 07:00:00 UT = 03:00:00 EDT
//     -> local 02:00:00-02:59:59 does not exist; the gap ends at 07:00:00Z.
//   Sun Nov  3 05:59:59 2024 UT = 01:59:59 EDT ; 06:00:00 UT = 01:00:00 EST
//     -> local 01:00-01:59 happens twice: 05:00-05:59Z (EDT), 06:00-06:59Z (EST).

TEST_CASE("dst: New York spring forward", "[dst][schedule]") {
  run({
      // ROWS new_york_gap
      // 02:30 daily: run_after fires at 03:00 EDT = the transition instant; skip loses that day.
      {"America/New_York", "30 2 * * *", run_after, automatic, next, "2024-03-09T00:00:00Z",
       {"2024-03-09T07:30:00Z", "2024-03-10T07:00:00Z", "2024-03-11T06:30:00Z", "2024-03-12T06:30:00Z"}},
      {"America/New_York", "30 2 * * *", skip, automatic, next, "2024-03-09T00:00:00Z",
       {"2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z", "2024-03-12T06:30:00Z"}},
      {"America/New_York", "30 2 * * *", run_after, automatic, prev, "2024-03-12T00:00:00Z",
       {"2024-03-11T06:30:00Z", "2024-03-10T07:00:00Z", "2024-03-09T07:30:00Z"}},
      {"America/New_York", "30 2 * * *", skip, automatic, prev, "2024-03-12T00:00:00Z",
       {"2024-03-11T06:30:00Z", "2024-03-09T07:30:00Z", "2024-03-08T07:30:00Z"}},
      // exact boundaries around the transition instant
      {"America/New_York", "30 2 * * *", run_after, automatic, next, "2024-03-10T06:59:59Z",
       {"2024-03-10T07:00:00Z", "2024-03-11T06:30:00Z"}},
      {"America/New_York", "30 2 * * *", run_after, automatic, next, "2024-03-10T07:00:00Z",
       {"2024-03-11T06:30:00Z"}},
      {"America/New_York", "30 2 * * *", run_after, automatic, prev, "2024-03-10T07:00:01Z",
       {"2024-03-10T07:00:00Z", "2024-03-09T07:30:00Z"}},
      {"America/New_York", "30 2 * * *", run_after, automatic, prev, "2024-03-10T07:00:00Z",
       {"2024-03-09T07:30:00Z"}},
      // every 15 minutes: 02:00-02:45 collapse into 07:00Z, which is also 03:00 EDT's own fire
      {"America/New_York", "*/15 * * * *", run_after, automatic, next, "2024-03-10T06:30:00Z",
       {"2024-03-10T06:45:00Z", "2024-03-10T07:00:00Z", "2024-03-10T07:15:00Z", "2024-03-10T07:30:00Z"}},
      {"America/New_York", "*/15 * * * *", skip, automatic, next, "2024-03-10T06:30:00Z",
       {"2024-03-10T06:45:00Z", "2024-03-10T07:00:00Z", "2024-03-10T07:15:00Z", "2024-03-10T07:30:00Z"}},
      {"America/New_York", "*/15 * * * *", run_after, automatic, prev, "2024-03-10T07:30:00Z",
       {"2024-03-10T07:15:00Z", "2024-03-10T07:00:00Z", "2024-03-10T06:45:00Z", "2024-03-10T06:30:00Z"}},
      {"America/New_York", "*/15 * * * *", skip, automatic, prev, "2024-03-10T07:30:00Z",
       {"2024-03-10T07:15:00Z", "2024-03-10T07:00:00Z", "2024-03-10T06:45:00Z", "2024-03-10T06:30:00Z"}},
      // 10, 30, 50 past: 02:10, 02:30, 02:50 collapse into one fire at 07:00Z, or vanish with skip
      {"America/New_York", "10/20 * * * *", run_after, automatic, next, "2024-03-10T06:30:00Z",
       {"2024-03-10T06:50:00Z", "2024-03-10T07:00:00Z", "2024-03-10T07:10:00Z", "2024-03-10T07:30:00Z"}},
      {"America/New_York", "10/20 * * * *", skip, automatic, next, "2024-03-10T06:30:00Z",
       {"2024-03-10T06:50:00Z", "2024-03-10T07:10:00Z", "2024-03-10T07:30:00Z", "2024-03-10T07:50:00Z"}},
      {"America/New_York", "10/20 * * * *", run_after, automatic, prev, "2024-03-10T07:30:00Z",
       {"2024-03-10T07:10:00Z", "2024-03-10T07:00:00Z", "2024-03-10T06:50:00Z", "2024-03-10T06:30:00Z"}},
      {"America/New_York", "10/20 * * * *", skip, automatic, prev, "2024-03-10T07:30:00Z",
       {"2024-03-10T07:10:00Z", "2024-03-10T06:50:00Z", "2024-03-10T06:30:00Z", "2024-03-10T06:10:00Z"}},
      // 02:00 (nonexistent, moved to 07:00Z) and 03:00 (07:00Z) are one fire
      {"America/New_York", "0 2,3 * * *", run_after, automatic, next, "2024-03-10T06:00:00Z",
       {"2024-03-10T07:00:00Z", "2024-03-11T06:00:00Z", "2024-03-11T07:00:00Z"}},
      {"America/New_York", "0 2,3 * * *", skip, automatic, next, "2024-03-10T06:00:00Z",
       {"2024-03-10T07:00:00Z", "2024-03-11T06:00:00Z", "2024-03-11T07:00:00Z"}},
      // END ROWS
  });
}

TEST_CASE("dst: New York fall back", "[dst][schedule]") {
  run({
      // ROWS new_york_repeat
      // 01:30 daily: fixed hour, so automatic = first
      {"America/New_York", "30 1 * * *", run_after, automatic, next, "2024-11-02T00:00:00Z",
       {"2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, first, next, "2024-11-02T00:00:00Z",
       {"2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, both, next, "2024-11-02T00:00:00Z",
       {"2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-04T06:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, automatic, prev, "2024-11-04T12:00:00Z",
       {"2024-11-04T06:30:00Z", "2024-11-03T05:30:00Z", "2024-11-02T05:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, first, prev, "2024-11-04T12:00:00Z",
       {"2024-11-04T06:30:00Z", "2024-11-03T05:30:00Z", "2024-11-02T05:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, both, prev, "2024-11-04T12:00:00Z",
       {"2024-11-04T06:30:00Z", "2024-11-03T06:30:00Z", "2024-11-03T05:30:00Z", "2024-11-02T05:30:00Z"}},
      {"America/New_York", "30 1 * * *", run_after, both, next, "2024-11-03T05:30:00Z",
       {"2024-11-03T06:30:00Z", "2024-11-04T06:30:00Z"}},
      // hourly: hour field `*`, so automatic = both (no silent hour)
      {"America/New_York", "0 * * * *", run_after, automatic, next, "2024-11-03T03:30:00Z",
       {"2024-11-03T04:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z"}},
      {"America/New_York", "0 * * * *", run_after, both, next, "2024-11-03T03:30:00Z",
       {"2024-11-03T04:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z"}},
      {"America/New_York", "0 * * * *", run_after, first, next, "2024-11-03T03:30:00Z",
       {"2024-11-03T04:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z", "2024-11-03T09:00:00Z"}},
      {"America/New_York", "0 * * * *", run_after, automatic, prev, "2024-11-03T08:30:00Z",
       {"2024-11-03T08:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T04:00:00Z"}},
      {"America/New_York", "0 * * * *", run_after, both, prev, "2024-11-03T08:30:00Z",
       {"2024-11-03T08:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T04:00:00Z"}},
      {"America/New_York", "0 * * * *", run_after, first, prev, "2024-11-03T08:30:00Z",
       {"2024-11-03T08:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T05:00:00Z", "2024-11-03T04:00:00Z", "2024-11-03T03:00:00Z"}},
      // every 20 minutes through the whole repeated hour
      {"America/New_York", "*/20 * * * *", run_after, automatic, next, "2024-11-03T04:30:00Z",
       {"2024-11-03T04:40:00Z", "2024-11-03T05:00:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:40:00Z",
        "2024-11-03T06:00:00Z", "2024-11-03T06:20:00Z", "2024-11-03T06:40:00Z", "2024-11-03T07:00:00Z",
        "2024-11-03T07:20:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, both, next, "2024-11-03T04:30:00Z",
       {"2024-11-03T04:40:00Z", "2024-11-03T05:00:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:40:00Z",
        "2024-11-03T06:00:00Z", "2024-11-03T06:20:00Z", "2024-11-03T06:40:00Z", "2024-11-03T07:00:00Z",
        "2024-11-03T07:20:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, first, next, "2024-11-03T04:30:00Z",
       {"2024-11-03T04:40:00Z", "2024-11-03T05:00:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:40:00Z",
        "2024-11-03T07:00:00Z", "2024-11-03T07:20:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, automatic, prev, "2024-11-03T07:10:00Z",
       {"2024-11-03T07:00:00Z", "2024-11-03T06:40:00Z", "2024-11-03T06:20:00Z", "2024-11-03T06:00:00Z",
        "2024-11-03T05:40:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:00:00Z", "2024-11-03T04:40:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, both, prev, "2024-11-03T07:10:00Z",
       {"2024-11-03T07:00:00Z", "2024-11-03T06:40:00Z", "2024-11-03T06:20:00Z", "2024-11-03T06:00:00Z",
        "2024-11-03T05:40:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:00:00Z", "2024-11-03T04:40:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, first, prev, "2024-11-03T07:10:00Z",
       {"2024-11-03T07:00:00Z", "2024-11-03T05:40:00Z", "2024-11-03T05:20:00Z", "2024-11-03T05:00:00Z",
        "2024-11-03T04:40:00Z"}},
      // starting inside the second occurrence (01:10 EST = 06:10Z)
      {"America/New_York", "*/20 * * * *", run_after, first, next, "2024-11-03T06:10:00Z",
       {"2024-11-03T07:00:00Z", "2024-11-03T07:20:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, both, next, "2024-11-03T06:10:00Z",
       {"2024-11-03T06:20:00Z", "2024-11-03T06:40:00Z", "2024-11-03T07:00:00Z"}},
      {"America/New_York", "*/20 * * * *", run_after, first, prev, "2024-11-03T06:30:00Z",
       {"2024-11-03T05:40:00Z", "2024-11-03T05:20:00Z"}},
      // hour field 1-3 is neither `*` nor `*/n`: automatic = first
      {"America/New_York", "0 1-3 * * *", run_after, automatic, next, "2024-11-03T04:00:00Z",
       {"2024-11-03T05:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z", "2024-11-04T06:00:00Z"}},
      {"America/New_York", "0 1-3 * * *", run_after, both, next, "2024-11-03T04:00:00Z",
       {"2024-11-03T05:00:00Z", "2024-11-03T06:00:00Z", "2024-11-03T07:00:00Z", "2024-11-03T08:00:00Z"}},
      // END ROWS
  });
}

// ---------------------------------------------------------------------------
// Europe/Berlin, 2024.
//   Sun Mar 31 00:59:59 2024 UT = 01:59:59 CET ; 01:00:00 UT = 03:00:00 CEST
//     -> local 02:00-02:59 does not exist; the gap ends at 01:00:00Z.
//   Sun Oct 27 00:59:59 2024 UT = 02:59:59 CEST ; 01:00:00 UT = 02:00:00 CET
//     -> local 02:00-02:59 happens twice: 00:00-00:59Z (CEST), 01:00-01:59Z (CET).

TEST_CASE("dst: Berlin", "[dst][schedule]") {
  run({
      // ROWS berlin
      {"Europe/Berlin", "30 2 * * *", run_after, automatic, next, "2024-03-30T00:00:00Z",
       {"2024-03-30T01:30:00Z", "2024-03-31T01:00:00Z", "2024-04-01T00:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", skip, automatic, next, "2024-03-30T00:00:00Z",
       {"2024-03-30T01:30:00Z", "2024-04-01T00:30:00Z", "2024-04-02T00:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, automatic, prev, "2024-04-01T12:00:00Z",
       {"2024-04-01T00:30:00Z", "2024-03-31T01:00:00Z", "2024-03-30T01:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", skip, automatic, prev, "2024-04-01T12:00:00Z",
       {"2024-04-01T00:30:00Z", "2024-03-30T01:30:00Z", "2024-03-29T01:30:00Z"}},
      {"Europe/Berlin", "*/15 * * * *", run_after, automatic, next, "2024-03-31T00:30:00Z",
       {"2024-03-31T00:45:00Z", "2024-03-31T01:00:00Z", "2024-03-31T01:15:00Z"}},
      {"Europe/Berlin", "*/15 * * * *", skip, automatic, next, "2024-03-31T00:30:00Z",
       {"2024-03-31T00:45:00Z", "2024-03-31T01:00:00Z", "2024-03-31T01:15:00Z"}},
      // fall back: 02:30 daily (fixed hour: automatic = first)
      {"Europe/Berlin", "30 2 * * *", run_after, automatic, next, "2024-10-26T00:00:00Z",
       {"2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, first, next, "2024-10-26T00:00:00Z",
       {"2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, both, next, "2024-10-26T00:00:00Z",
       {"2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z", "2024-10-28T01:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, automatic, prev, "2024-10-28T12:00:00Z",
       {"2024-10-28T01:30:00Z", "2024-10-27T00:30:00Z", "2024-10-26T00:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, first, prev, "2024-10-28T12:00:00Z",
       {"2024-10-28T01:30:00Z", "2024-10-27T00:30:00Z", "2024-10-26T00:30:00Z"}},
      {"Europe/Berlin", "30 2 * * *", run_after, both, prev, "2024-10-28T12:00:00Z",
       {"2024-10-28T01:30:00Z", "2024-10-27T01:30:00Z", "2024-10-27T00:30:00Z", "2024-10-26T00:30:00Z"}},
      // hourly through the repeat
      {"Europe/Berlin", "0 * * * *", run_after, automatic, next, "2024-10-26T22:30:00Z",
       {"2024-10-26T23:00:00Z", "2024-10-27T00:00:00Z", "2024-10-27T01:00:00Z", "2024-10-27T02:00:00Z"}},
      {"Europe/Berlin", "0 * * * *", run_after, both, next, "2024-10-26T22:30:00Z",
       {"2024-10-26T23:00:00Z", "2024-10-27T00:00:00Z", "2024-10-27T01:00:00Z", "2024-10-27T02:00:00Z"}},
      {"Europe/Berlin", "0 * * * *", run_after, first, next, "2024-10-26T22:30:00Z",
       {"2024-10-26T23:00:00Z", "2024-10-27T00:00:00Z", "2024-10-27T02:00:00Z", "2024-10-27T03:00:00Z"}},
      // every 20 minutes through the repeat, forwards and backwards
      {"Europe/Berlin", "*/20 * * * *", run_after, automatic, next, "2024-10-26T23:30:00Z",
       {"2024-10-26T23:40:00Z", "2024-10-27T00:00:00Z", "2024-10-27T00:20:00Z", "2024-10-27T00:40:00Z",
        "2024-10-27T01:00:00Z", "2024-10-27T01:20:00Z", "2024-10-27T01:40:00Z", "2024-10-27T02:00:00Z"}},
      {"Europe/Berlin", "*/20 * * * *", run_after, both, next, "2024-10-26T23:30:00Z",
       {"2024-10-26T23:40:00Z", "2024-10-27T00:00:00Z", "2024-10-27T00:20:00Z", "2024-10-27T00:40:00Z",
        "2024-10-27T01:00:00Z", "2024-10-27T01:20:00Z", "2024-10-27T01:40:00Z", "2024-10-27T02:00:00Z"}},
      {"Europe/Berlin", "*/20 * * * *", run_after, first, next, "2024-10-26T23:30:00Z",
       {"2024-10-26T23:40:00Z", "2024-10-27T00:00:00Z", "2024-10-27T00:20:00Z", "2024-10-27T00:40:00Z",
        "2024-10-27T02:00:00Z", "2024-10-27T02:20:00Z"}},
      {"Europe/Berlin", "*/20 * * * *", run_after, automatic, prev, "2024-10-27T02:00:00Z",
       {"2024-10-27T01:40:00Z", "2024-10-27T01:20:00Z", "2024-10-27T01:00:00Z", "2024-10-27T00:40:00Z",
        "2024-10-27T00:20:00Z", "2024-10-27T00:00:00Z", "2024-10-26T23:40:00Z"}},
      {"Europe/Berlin", "*/20 * * * *", run_after, first, prev, "2024-10-27T02:00:00Z",
       {"2024-10-27T00:40:00Z", "2024-10-27T00:20:00Z", "2024-10-27T00:00:00Z", "2024-10-26T23:40:00Z"}},
      // `*/2` hours (0, 2, 4, ...) includes the repeated 02:00: automatic = both
      {"Europe/Berlin", "0 */2 * * *", run_after, automatic, next, "2024-10-26T21:30:00Z",
       {"2024-10-26T22:00:00Z", "2024-10-27T00:00:00Z", "2024-10-27T01:00:00Z", "2024-10-27T03:00:00Z"}},
      {"Europe/Berlin", "0 */2 * * *", run_after, first, next, "2024-10-26T21:30:00Z",
       {"2024-10-26T22:00:00Z", "2024-10-27T00:00:00Z", "2024-10-27T03:00:00Z", "2024-10-27T05:00:00Z"}},
      // END ROWS
  });
}

// ---------------------------------------------------------------------------
// Australia/Lord_Howe: a 30-minute shift (+11 in summer, +10:30 in winter).
//   Sat Apr  6 14:59:59 2024 UT = Sun Apr  7 01:59:59 +11 ;
//   Sat Apr  6 15:00:00 2024 UT = Sun Apr  7 01:30:00 +1030
//     -> local 01:30-01:59 happens twice: 14:30-14:59Z (+11), 15:00-15:29Z (+1030).
//   Sat Oct  5 15:29:59 2024 UT = Sun Oct  6 01:59:59 +1030 ;
//   Sat Oct  5 15:30:00 2024 UT = Sun Oct  6 02:30:00 +11
//     -> local 02:00-02:29 does not exist; the gap ends at 15:30:00Z.
//   2025: repeat at Sat Apr 5 15:00:00 UT (01:30 +1030 again), gap ending
//   Sat Oct 4 15:30:00 UT (02:30 +11).

TEST_CASE("dst: Lord Howe 30-minute shift", "[dst][schedule]") {
  run({
      // ROWS lord_howe
      // repeat, every 20 minutes: only 01:40 falls in the repeated half hour
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, automatic, next, "2024-04-06T13:50:00Z",
       {"2024-04-06T14:00:00Z", "2024-04-06T14:20:00Z", "2024-04-06T14:40:00Z", "2024-04-06T15:10:00Z",
        "2024-04-06T15:30:00Z", "2024-04-06T15:50:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, both, next, "2024-04-06T13:50:00Z",
       {"2024-04-06T14:00:00Z", "2024-04-06T14:20:00Z", "2024-04-06T14:40:00Z", "2024-04-06T15:10:00Z",
        "2024-04-06T15:30:00Z", "2024-04-06T15:50:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, first, next, "2024-04-06T13:50:00Z",
       {"2024-04-06T14:00:00Z", "2024-04-06T14:20:00Z", "2024-04-06T14:40:00Z", "2024-04-06T15:30:00Z",
        "2024-04-06T15:50:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, automatic, prev, "2024-04-06T15:50:00Z",
       {"2024-04-06T15:30:00Z", "2024-04-06T15:10:00Z", "2024-04-06T14:40:00Z", "2024-04-06T14:20:00Z",
        "2024-04-06T14:00:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, first, prev, "2024-04-06T15:50:00Z",
       {"2024-04-06T15:30:00Z", "2024-04-06T14:40:00Z", "2024-04-06T14:20:00Z", "2024-04-06T14:00:00Z"}},
      // repeat, 01:45 daily (fixed hour: automatic = first)
      {"Australia/Lord_Howe", "45 1 * * *", run_after, automatic, next, "2024-04-05T00:00:00Z",
       {"2024-04-05T14:45:00Z", "2024-04-06T14:45:00Z", "2024-04-07T15:15:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, first, next, "2024-04-05T00:00:00Z",
       {"2024-04-05T14:45:00Z", "2024-04-06T14:45:00Z", "2024-04-07T15:15:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, both, next, "2024-04-05T00:00:00Z",
       {"2024-04-05T14:45:00Z", "2024-04-06T14:45:00Z", "2024-04-06T15:15:00Z", "2024-04-07T15:15:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, automatic, prev, "2024-04-07T18:00:00Z",
       {"2024-04-07T15:15:00Z", "2024-04-06T14:45:00Z", "2024-04-05T14:45:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, both, prev, "2024-04-07T18:00:00Z",
       {"2024-04-07T15:15:00Z", "2024-04-06T15:15:00Z", "2024-04-06T14:45:00Z", "2024-04-05T14:45:00Z"}},
      // 02:00 is after the repeated half hour: it happens once, at +10:30
      {"Australia/Lord_Howe", "0 2 * * *", run_after, both, next, "2024-04-06T00:00:00Z",
       {"2024-04-06T15:30:00Z", "2024-04-07T15:30:00Z"}},
      // gap, every 20 minutes: 02:00 and 02:20 collapse into 02:30 +11 = 15:30Z
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, automatic, next, "2024-10-05T15:00:00Z",
       {"2024-10-05T15:10:00Z", "2024-10-05T15:30:00Z", "2024-10-05T15:40:00Z", "2024-10-05T16:00:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", skip, automatic, next, "2024-10-05T15:00:00Z",
       {"2024-10-05T15:10:00Z", "2024-10-05T15:40:00Z", "2024-10-05T16:00:00Z", "2024-10-05T16:20:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", run_after, automatic, prev, "2024-10-05T16:00:00Z",
       {"2024-10-05T15:40:00Z", "2024-10-05T15:30:00Z", "2024-10-05T15:10:00Z", "2024-10-05T14:50:00Z"}},
      {"Australia/Lord_Howe", "*/20 * * * *", skip, automatic, prev, "2024-10-05T16:00:00Z",
       {"2024-10-05T15:40:00Z", "2024-10-05T15:10:00Z", "2024-10-05T14:50:00Z", "2024-10-05T14:30:00Z"}},
      // gap, 02:00 daily
      {"Australia/Lord_Howe", "0 2 * * *", run_after, automatic, next, "2024-10-04T12:00:00Z",
       {"2024-10-04T15:30:00Z", "2024-10-05T15:30:00Z", "2024-10-06T15:00:00Z"}},
      {"Australia/Lord_Howe", "0 2 * * *", skip, automatic, next, "2024-10-04T12:00:00Z",
       {"2024-10-04T15:30:00Z", "2024-10-06T15:00:00Z", "2024-10-07T15:00:00Z"}},
      {"Australia/Lord_Howe", "0 2 * * *", run_after, automatic, prev, "2024-10-07T00:00:00Z",
       {"2024-10-06T15:00:00Z", "2024-10-05T15:30:00Z", "2024-10-04T15:30:00Z"}},
      {"Australia/Lord_Howe", "0 2 * * *", skip, automatic, prev, "2024-10-07T00:00:00Z",
       {"2024-10-06T15:00:00Z", "2024-10-04T15:30:00Z", "2024-10-03T15:30:00Z"}},
      // 02:15 is in the gap, 01:45 is not
      {"Australia/Lord_Howe", "15 2 * * *", run_after, automatic, next, "2024-10-05T12:00:00Z",
       {"2024-10-05T15:30:00Z", "2024-10-06T15:15:00Z"}},
      {"Australia/Lord_Howe", "15 2 * * *", skip, automatic, next, "2024-10-05T12:00:00Z",
       {"2024-10-06T15:15:00Z", "2024-10-07T15:15:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, automatic, next, "2024-10-05T12:00:00Z",
       {"2024-10-05T15:15:00Z", "2024-10-06T14:45:00Z"}},
      // 2025
      {"Australia/Lord_Howe", "45 1 * * *", run_after, both, next, "2025-04-05T12:00:00Z",
       {"2025-04-05T14:45:00Z", "2025-04-05T15:15:00Z", "2025-04-06T15:15:00Z"}},
      {"Australia/Lord_Howe", "45 1 * * *", run_after, automatic, next, "2025-04-05T12:00:00Z",
       {"2025-04-05T14:45:00Z", "2025-04-06T15:15:00Z"}},
      {"Australia/Lord_Howe", "0 2 * * *", run_after, automatic, next, "2025-10-04T12:00:00Z",
       {"2025-10-04T15:30:00Z", "2025-10-05T15:00:00Z"}},
      {"Australia/Lord_Howe", "0 2 * * *", skip, automatic, next, "2025-10-04T12:00:00Z",
       {"2025-10-05T15:00:00Z", "2025-10-06T15:00:00Z"}},
      // END ROWS
  });
}

// ---------------------------------------------------------------------------
// America/Sao_Paulo, 2018: shifts at midnight.
//   Sun Feb 18 01:59:59 2018 UT = Sat Feb 17 23:59:59 -02 ;
//   Sun Feb 18 02:00:00 2018 UT = Sat Feb 17 23:00:00 -03
//     -> local Feb 17 23:00-23:59 happens twice: 01:00-01:59Z (-02), 02:00-02:59Z (-03).
//   Sun Nov  4 02:59:59 2018 UT = Sat Nov  3 23:59:59 -03 ;
//   Sun Nov  4 03:00:00 2018 UT = Sun Nov  4 01:00:00 -02
//     -> local Nov 4 00:00-00:59 does not exist; the gap ends at 03:00:00Z.
//   2019: only the February transition (Brazil dropped DST), so Nov 4 2019 is -03.

TEST_CASE("dst: Sao Paulo midnight shifts", "[dst][schedule]") {
  run({
      // ROWS sao_paulo
      // midnight on the spring-forward night does not exist
      {"America/Sao_Paulo", "0 0 * * *", run_after, automatic, next, "2018-11-02T12:00:00Z",
       {"2018-11-03T03:00:00Z", "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"}},
      {"America/Sao_Paulo", "0 0 * * *", skip, automatic, next, "2018-11-02T12:00:00Z",
       {"2018-11-03T03:00:00Z", "2018-11-05T02:00:00Z", "2018-11-06T02:00:00Z"}},
      {"America/Sao_Paulo", "0 0 * * *", run_after, automatic, prev, "2018-11-06T00:00:00Z",
       {"2018-11-05T02:00:00Z", "2018-11-04T03:00:00Z", "2018-11-03T03:00:00Z"}},
      {"America/Sao_Paulo", "0 0 * * *", skip, automatic, prev, "2018-11-06T00:00:00Z",
       {"2018-11-05T02:00:00Z", "2018-11-03T03:00:00Z", "2018-11-02T03:00:00Z"}},
      // Sunday midnight: the moved fire is still on Sunday (01:00 -02)
      {"America/Sao_Paulo", "0 0 * * SUN", run_after, automatic, next, "2018-11-01T00:00:00Z",
       {"2018-11-04T03:00:00Z", "2018-11-11T02:00:00Z"}},
      {"America/Sao_Paulo", "0 0 * * SUN", skip, automatic, next, "2018-11-01T00:00:00Z",
       {"2018-11-11T02:00:00Z", "2018-11-18T02:00:00Z"}},
      // a date that has no midnight in 2018; in 2019 there is no DST any more
      {"America/Sao_Paulo", "0 0 4 11 *", run_after, automatic, next, "2018-01-01T00:00:00Z",
       {"2018-11-04T03:00:00Z", "2019-11-04T03:00:00Z"}},
      {"America/Sao_Paulo", "0 0 4 11 *", skip, automatic, next, "2018-01-01T00:00:00Z",
       {"2019-11-04T03:00:00Z"}},
      {"America/Sao_Paulo", "*/30 * * * *", run_after, automatic, next, "2018-11-04T02:00:00Z",
       {"2018-11-04T02:30:00Z", "2018-11-04T03:00:00Z", "2018-11-04T03:30:00Z"}},
      {"America/Sao_Paulo", "*/30 * * * *", skip, automatic, next, "2018-11-04T02:00:00Z",
       {"2018-11-04T02:30:00Z", "2018-11-04T03:00:00Z", "2018-11-04T03:30:00Z"}},
      // 23:30 on the fall-back night happens twice (fixed hour: automatic = first)
      {"America/Sao_Paulo", "30 23 * * *", run_after, automatic, next, "2018-02-16T12:00:00Z",
       {"2018-02-17T01:30:00Z", "2018-02-18T01:30:00Z", "2018-02-19T02:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * *", run_after, first, next, "2018-02-16T12:00:00Z",
       {"2018-02-17T01:30:00Z", "2018-02-18T01:30:00Z", "2018-02-19T02:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * *", run_after, both, next, "2018-02-16T12:00:00Z",
       {"2018-02-17T01:30:00Z", "2018-02-18T01:30:00Z", "2018-02-18T02:30:00Z", "2018-02-19T02:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * *", run_after, automatic, prev, "2018-02-19T12:00:00Z",
       {"2018-02-19T02:30:00Z", "2018-02-18T01:30:00Z", "2018-02-17T01:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * *", run_after, first, prev, "2018-02-19T12:00:00Z",
       {"2018-02-19T02:30:00Z", "2018-02-18T01:30:00Z", "2018-02-17T01:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * *", run_after, both, prev, "2018-02-19T12:00:00Z",
       {"2018-02-19T02:30:00Z", "2018-02-18T02:30:00Z", "2018-02-18T01:30:00Z", "2018-02-17T01:30:00Z"}},
      // Saturday 23:30: both occurrences are still Saturday
      {"America/Sao_Paulo", "30 23 * * SAT", run_after, both, next, "2018-02-12T00:00:00Z",
       {"2018-02-18T01:30:00Z", "2018-02-18T02:30:00Z", "2018-02-25T02:30:00Z"}},
      {"America/Sao_Paulo", "30 23 * * SAT", run_after, automatic, next, "2018-02-12T00:00:00Z",
       {"2018-02-18T01:30:00Z", "2018-02-25T02:30:00Z"}},
      // every 30 minutes through the repeated hour
      {"America/Sao_Paulo", "*/30 * * * *", run_after, automatic, next, "2018-02-18T00:30:00Z",
       {"2018-02-18T01:00:00Z", "2018-02-18T01:30:00Z", "2018-02-18T02:00:00Z", "2018-02-18T02:30:00Z",
        "2018-02-18T03:00:00Z"}},
      {"America/Sao_Paulo", "*/30 * * * *", run_after, first, next, "2018-02-18T00:30:00Z",
       {"2018-02-18T01:00:00Z", "2018-02-18T01:30:00Z", "2018-02-18T03:00:00Z", "2018-02-18T03:30:00Z"}},
      {"America/Sao_Paulo", "*/30 * * * *", run_after, both, prev, "2018-02-18T03:00:00Z",
       {"2018-02-18T02:30:00Z", "2018-02-18T02:00:00Z", "2018-02-18T01:30:00Z", "2018-02-18T01:00:00Z",
        "2018-02-18T00:30:00Z"}},
      {"America/Sao_Paulo", "*/30 * * * *", run_after, first, prev, "2018-02-18T03:00:00Z",
       {"2018-02-18T01:30:00Z", "2018-02-18T01:00:00Z", "2018-02-18T00:30:00Z"}},
      // END ROWS
  });
}
