// Schedule's contract at its edges: the supported years, and answers that
// are "never" rather than a search without end.

#include <chrono>

#include <catch2/catch.hpp>

#include "sched/schedule.h"

namespace {

using std::chrono::seconds;

sched::Instant at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sched::Instant{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + seconds{s};
}

sched::Schedule schedule(const char* text, const char* zone, sched::DayMatch match = sched::DayMatch::any) {
  return sched::Schedule(sched::CronExpr::parse(text), sched::Zone::locate(zone),
                         {match, sched::DstGap::run_after, sched::DstRepeat::automatic});
}

}  // namespace

TEST_CASE("fires stay within the years 0001-9999", "[schedule]") {
  for (const char* zone : {"UTC", "America/New_York", "Asia/Tokyo"}) {
    INFO("zone: " << zone);
    const auto every_minute = schedule("* * * * *", zone);
    CHECK_FALSE(every_minute.next(sched::Schedule::kLatest).has_value());
    CHECK_FALSE(every_minute.next(at(9999, 12, 31, 23, 59, 0)).has_value());
    CHECK_FALSE(every_minute.prev(sched::Schedule::kEarliest).has_value());
    CHECK(every_minute.prev(sched::Schedule::kLatest) == at(9999, 12, 31, 23, 59, 0));
    const auto yearly = schedule("0 0 29 2 *", zone);
    CHECK_FALSE(yearly.next(at(9996, 3, 1)).has_value());
  }
  CHECK(schedule("* * * * *", "UTC").next(at(9999, 12, 31, 23, 58, 0)) == at(9999, 12, 31, 23, 59, 0));
  CHECK(schedule("* * * * *", "UTC").next(sched::Instant{} - std::chrono::hours{24 * 365 * 3000}) ==
        sched::Schedule::kEarliest);
}

TEST_CASE("a schedule that can never fire answers never, in any zone", "[schedule]") {
  for (const char* zone : {"UTC", "America/New_York", "Australia/Lord_Howe"}) {
    INFO("zone: " << zone);
    const auto never = schedule("0 0 30 2 1", zone, sched::DayMatch::all);
    CHECK_FALSE(never.next(at(2024, 1, 1)).has_value());
    CHECK_FALSE(never.prev(at(2024, 1, 1)).has_value());
    // The same expression fires every Monday (and never on Feb 30) under "any".
    CHECK(schedule("0 0 30 2 1", zone).next(at(2024, 1, 1, 12)).has_value());
  }
}

TEST_CASE("rare fires under day_match all are found decades away", "[schedule]") {
  // February 29 falls on a Monday in 2016, then next in 2044.
  const auto leap_monday = schedule("0 0 29 2 1", "America/New_York", sched::DayMatch::all);
  CHECK(leap_monday.next(at(2016, 3, 1)) == at(2044, 2, 29, 5));
  CHECK(leap_monday.prev(at(2044, 2, 29)) == at(2016, 2, 29, 5));
}
