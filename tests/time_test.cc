// Text forms of instants: RFC 3339 in files and JSON, wall time for people.

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "sched/error.h"
#include "sched/time.h"
#include "sched/zone.h"

namespace {

using namespace std::chrono_literals;

sched::InstantMs utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  return sched::InstantMs{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

std::string rejection_of(const char* text, const sched::Zone& zone) {
  try {
    (void)sched::parse_time(text, zone);
  } catch (const sched::Error& e) {
    CHECK(e.code() == sched::ErrorCode::invalid_time);
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("format_rfc3339 writes UTC with milliseconds", "[time]") {
  CHECK(sched::format_rfc3339(utc(2024, 1, 15, 8, 0, 0)) == "2024-01-15T08:00:00.000Z");
  CHECK(sched::format_rfc3339(utc(1999, 12, 31, 23, 59, 59, 999)) == "1999-12-31T23:59:59.999Z");
  CHECK(sched::format_rfc3339(utc(812, 3, 4, 5, 6, 7, 8)) == "0812-03-04T05:06:07.008Z");
  CHECK(sched::format_rfc3339(utc(9999, 12, 31, 23, 59, 59, 0)) == "9999-12-31T23:59:59.000Z");
  // Past year 9999 the text still names the instant (date::format's form).
  CHECK(sched::format_rfc3339(utc(10000, 1, 1, 0, 0, 0, 0)) == "10000-01-01T00:00:00.000Z");
}

TEST_CASE("parse_rfc3339 reads Z and offsets, and nothing else", "[time]") {
  sched::InstantMs t{};
  REQUIRE(sched::parse_rfc3339("2024-01-15T08:00:00.000Z", t));
  CHECK(t == utc(2024, 1, 15, 8, 0, 0));
  REQUIRE(sched::parse_rfc3339("2024-03-10T01:30:00.25-05:00", t));
  CHECK(t == utc(2024, 3, 10, 6, 30, 0, 250));
  REQUIRE(sched::parse_rfc3339("2024-03-10T12:00:00+05:30", t));
  CHECK(t == utc(2024, 3, 10, 6, 30, 0));
  for (const char* bad : {"", "2024-01-15", "2024-01-15T08:00Z", "2024-01-15T08:00:00", "2024-02-30T00:00:00Z",
                          "2024-01-15T24:00:00Z", "2024-01-15T08:00:00.Z", "2024-01-15T08:00:00Zjunk",
                          "24-01-15T08:00:00Z"}) {
    INFO("text: \"" << bad << "\"");
    CHECK_FALSE(sched::parse_rfc3339(bad, t));
  }
}

TEST_CASE("parse_time reads wall times in the zone", "[time]") {
  const auto ny = sched::Zone::locate("America/New_York");
  CHECK(sched::parse_time("2024-01-15T08:00:00Z", ny) == utc(2024, 1, 15, 8, 0, 0));
  CHECK(sched::parse_time("2024-01-15 08:00", ny) == utc(2024, 1, 15, 13, 0, 0));
  CHECK(sched::parse_time("2024-07-15T08:00:30", ny) == utc(2024, 7, 15, 12, 0, 30));
  CHECK(sched::parse_time("2024-07-15", ny) == utc(2024, 7, 15, 4, 0, 0));
  // 01:30 happens twice on 2024-11-03 (EDT, then EST): the first is meant.
  CHECK(sched::parse_time("2024-11-03 01:30", ny) == utc(2024, 11, 3, 5, 30, 0));
  CHECK(rejection_of("2024-03-10 02:30", ny) ==
        "invalid time \"2024-03-10 02:30\": it does not exist in America/New_York (the clocks skip it for "
        "daylight saving time)");
  // Past the last transition the tz file lists, its POSIX rule decides.
  CHECK(sched::parse_time("2050-07-01 00:00", ny) == utc(2050, 7, 1, 4, 0, 0));
  CHECK(sched::parse_time("2040-11-04 01:30", ny) == utc(2040, 11, 4, 5, 30, 0));
  CHECK(rejection_of("2040-03-11 02:30", ny) ==
        "invalid time \"2040-03-11 02:30\": it does not exist in America/New_York (the clocks skip it for "
        "daylight saving time)");
  CHECK(rejection_of("yesterday", ny) ==
        "invalid time \"yesterday\": expected RFC 3339 such as 2024-03-10T06:30:00Z or "
        "2024-03-10T01:30:00-05:00, or a wall time such as \"2024-03-10 01:30\" read in America/New_York");
}

TEST_CASE("format_local shows wall time, offset and abbreviation", "[time]") {
  const auto ny = sched::Zone::locate("America/New_York");
  const auto lord_howe = sched::Zone::locate("Australia/Lord_Howe");
  using date::floor;
  CHECK(sched::format_local(floor<std::chrono::seconds>(utc(2024, 3, 10, 7, 0, 0)), ny) ==
        "Sun 2024-03-10 03:00:00 -04:00 EDT");
  CHECK(sched::format_local(floor<std::chrono::seconds>(utc(2050, 7, 1, 4, 0, 0)), ny) ==
        "Fri 2050-07-01 00:00:00 -04:00 EDT");
  CHECK(sched::format_local(floor<std::chrono::seconds>(utc(2024, 1, 15, 8, 0, 0)), sched::Zone::utc()) ==
        "Mon 2024-01-15 08:00:00 +00:00 UTC");
  CHECK(sched::format_local(floor<std::chrono::seconds>(utc(2024, 1, 15, 0, 0, 0)), lord_howe) ==
        "Mon 2024-01-15 11:00:00 +11:00 +11");
}

TEST_CASE("zones are values located by name", "[time][zone]") {
  CHECK(sched::Zone::locate("Europe/Berlin").name() == "Europe/Berlin");
  CHECK(sched::Zone::utc().fixed_offset() == std::chrono::seconds{0});
  CHECK(sched::Zone::locate("Etc/GMT+5").fixed_offset() == std::chrono::seconds{-5 * 3600});
  CHECK_FALSE(sched::Zone::locate("America/New_York").fixed_offset().has_value());
  try {
    (void)sched::Zone::locate("Mars/Olympus_Mons");
    FAIL("an unknown zone was accepted");
  } catch (const sched::Error& e) {
    CHECK(e.code() == sched::ErrorCode::unknown_zone);
    CHECK(std::string(e.what()) ==
          "unknown time zone \"Mars/Olympus_Mons\": not in the tz database (expected an IANA name such as "
          "Europe/Berlin or UTC)");
  }
}
