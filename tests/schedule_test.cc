// Schedule's contract at its edges: the supported years, and answers that
// are "never" rather than a search without end.

#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "sched/job_records.h"
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

TEST_CASE("ScheduleCache shares one Schedule per definition: expression, zone and every option", "[schedule]") {
  sched::ScheduleCache cache(sched::Zone::utc());
  sched::JobRecord a;
  a.schedule = "0 9 13 * 5";  // the 13th, or a Friday; with day_match all, Friday the 13th
  sched::JobRecord same = a;
  same.name = "other";
  CHECK(cache.shared_schedule(a) == cache.shared_schedule(same));
  sched::JobRecord all_days = a;
  all_days.day_match = "all";
  sched::JobRecord in_tokyo = a;
  in_tokyo.timezone = "Asia/Tokyo";
  const auto any_match = cache.shared_schedule(a);
  const auto all_match = cache.shared_schedule(all_days);
  const auto tokyo = cache.shared_schedule(in_tokyo);
  CHECK(any_match != all_match);
  CHECK(any_match != tokyo);
  const sched::Instant thursday = at(2024, 9, 12);
  CHECK(any_match->next(thursday) == at(2024, 9, 13, 9));   // Friday the 13th matches both ways
  CHECK(all_match->next(at(2024, 9, 14)) == at(2024, 12, 13, 9));  // the next Friday the 13th
  CHECK(any_match->next(at(2024, 9, 14)) == at(2024, 9, 20, 9));   // the next Friday
  CHECK(tokyo->next(thursday) == at(2024, 9, 13, 0));       // 09:00 in Tokyo is 00:00 UTC
  sched::JobRecord gap_skip = a;
  gap_skip.dst_gap = "skip";
  sched::JobRecord repeat_both = a;
  repeat_both.dst_repeat = "both";
  CHECK(cache.shared_schedule(gap_skip) != any_match);
  CHECK(cache.shared_schedule(repeat_both) != any_match);
  CHECK(cache.shared_schedule(gap_skip)->options().dst_gap == sched::DstGap::skip);
  CHECK(cache.shared_schedule(repeat_both)->options().dst_repeat == sched::DstRepeat::both);
}

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

TEST_CASE("after the last listed transition, the zone's POSIX rule keeps DST going", "[schedule][zone]") {
  // Rows from `zdump -v ZONE`, which applies the same rule: New York's file
  // lists transitions up to 2037-11-01T06:00Z, Lord Howe's up to
  // 2037-10-03T15:30Z.
  struct Row {
    const char* zone;
    const char* expression;
    sched::Instant after;
    std::vector<sched::Instant> fires;
  };
  const Row rows[] = {
      // Across the last listed transition itself (fall back at 06:00Z).
      {"America/New_York", "0 * * * *", at(2037, 11, 1, 4, 30),
       {at(2037, 11, 1, 5), at(2037, 11, 1, 6), at(2037, 11, 1, 7)}},
      // The first spring-forward only the rule knows: 02:30 runs at 03:00 EDT.
      {"America/New_York", "30 2 * * *", at(2038, 3, 13),
       {at(2038, 3, 13, 7, 30), at(2038, 3, 14, 7), at(2038, 3, 15, 6, 30)}},
      {"America/New_York", "0 0 * * *", at(2050, 7, 1), {at(2050, 7, 1, 4)}},
      {"America/New_York", "0 * * * *", at(2040, 11, 4, 4, 30),
       {at(2040, 11, 4, 5), at(2040, 11, 4, 6), at(2040, 11, 4, 7)}},
      // Lord Howe falls back 30 minutes at 2045-04-01T15:00Z (02:00 -> 01:30).
      {"Australia/Lord_Howe", "*/20 * * * *", at(2045, 4, 1, 14, 10),
       {at(2045, 4, 1, 14, 20), at(2045, 4, 1, 14, 40), at(2045, 4, 1, 15, 10), at(2045, 4, 1, 15, 30)}},
      // ... and springs forward at 2038-10-02T15:30Z (02:00 -> 02:30).
      {"Australia/Lord_Howe", "0 2 * * *", at(2038, 10, 2), {at(2038, 10, 2, 15, 30), at(2038, 10, 3, 15)}},
      {"Europe/Berlin", "*/30 * * * *", at(2060, 3, 28, 0, 15),
       {at(2060, 3, 28, 0, 30), at(2060, 3, 28, 1), at(2060, 3, 28, 1, 30)}},
  };
  for (const Row& row : rows) {
    INFO(row.zone << " \"" << row.expression << "\" after " << date::format("%FT%TZ", row.after));
    const auto s = schedule(row.expression, row.zone);
    std::vector<sched::Instant> fires;
    sched::Instant t = row.after;
    for (std::size_t i = 0; i < row.fires.size(); ++i) {
      const auto fire = s.next(t);
      REQUIRE(fire);
      fires.push_back(*fire);
      t = *fire;
    }
    CHECK(fires == row.fires);
    // prev() walks the same fires back.
    for (std::size_t i = row.fires.size() - 1; i > 0; --i) CHECK(s.prev(row.fires[i]) == row.fires[i - 1]);
  }
}
