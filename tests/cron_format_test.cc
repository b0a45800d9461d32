// The canonical text of expressions, and equality of expressions that mean
// the same schedule.

#include <catch2/catch.hpp>

#include "sched/cron.h"

namespace {

struct CanonicalRow {
  const char* written;
  const char* canonical;
};

const CanonicalRow kCanonical[] = {
    {"* * * * *", "* * * * *"},
    {"*/5 * * * *", "*/5 * * * *"},
    {"0 9 * * 1-5", "0 9 * * 1-5"},
    {"0 9 * * MON-FRI", "0 9 * * 1-5"},
    {"0 9 * * mon-fri", "0 9 * * 1-5"},
    {"0 0 * * 7", "0 0 * * 0"},
    {"0 12 * * 0,7", "0 12 * * 0"},
    {"0 0 * * 5-7", "0 0 * * 0,5,6"},
    {"0 0 * * FRI-MON", "0 0 * * 0,1,5,6"},
    {"0 0 * NOV-FEB *", "0 0 * 1,2,11,12 *"},
    {"0 0 * * SUN-SAT", "0 0 * * 0-6"},
    {"0 0 1-31 * *", "0 0 1-31 * *"},
    {"0 0 ? * ?", "0 0 * * *"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
    {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"},
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"0 0 8 * * *", "0 8 * * *"},
    {"*/10 * * * * *", "*/10 * * * * *"},
    {"0-59 * * * *", "* * * * *"},
    {"0 0-23/2 * * *", "0 */2 * * *"},
    {"5/15 * * * *", "5/15 * * * *"},
    {"0-30/10 * * * *", "0,10,20,30 * * * *"},
    {"1,2,3,5 * * * *", "1-3,5 * * * *"},
    {"2,1 * * * *", "1,2 * * * *"},
    {"*/30 * * * *", "*/30 * * * *"},
    {"*/60 * * * *", "0 * * * *"},
    {"0 0 */2 * *", "0 0 */2 * *"},
    {"0 0 L,1,15W * *", "0 0 1,L,15W * *"},
    {"0 0 LW,L-2 * *", "0 0 L-2,LW * *"},
    {"0 0 * * FRIL,MON#1", "0 0 * * 5L,1#1"},
    {"0 0 * * 1#1,5L,3", "0 0 * * 3,5L,1#1"},
    {"0 0 * * */2", "0 0 * * */2"},
    {"0 0 * */3 *", "0 0 * */3 *"},
    {"0 0 * 2/3 *", "0 0 * 2/3 *"},
    {"0 0 1-5 * *", "0 0 1-5 * *"},
    {"*/7 3-17 1,15 * 1-5", "*/7 3-17 1,15 * 1-5"},
};

}  // namespace

TEST_CASE("to_string gives the canonical text", "[cron][format]") {
  for (const CanonicalRow& row : kCanonical) {
    INFO("written: \"" << row.written << "\"");
    const sched::CronExpr e = sched::CronExpr::parse(row.written);
    CHECK(e.to_string() == row.canonical);
    CHECK(sched::CronExpr::parse(e.to_string()) == e);
  }
}

TEST_CASE("expressions that mean the same schedule are equal", "[cron][format]") {
  using sched::CronExpr;
  CHECK(CronExpr::parse("0 0 * * 7") == CronExpr::parse("0 0 * * SUN"));
  CHECK(CronExpr::parse("@daily") == CronExpr::parse("0 0 * * *"));
  CHECK(CronExpr::parse("0 0 * * ?") == CronExpr::parse("0 0 * * *"));
  CHECK(CronExpr::parse("0 8 * * *") == CronExpr::parse("0 0 8 * * *"));
  // Restricted and unrestricted day fields differ when the other day field is
  // restricted, so they are different expressions.
  CHECK_FALSE(CronExpr::parse("0 0 1-31 * *") == CronExpr::parse("0 0 * * *"));
  CHECK_FALSE(CronExpr::parse("0 0 * * 0-6") == CronExpr::parse("0 0 * * *"));
  CHECK_FALSE(CronExpr::parse("0 8 * * *") == CronExpr::parse("0 9 * * *"));
}

TEST_CASE("hour_is_periodic decides dst_repeat auto", "[cron][format]") {
  struct Row {
    const char* expression;
    bool periodic;
  };
  const Row rows[] = {
      {"0 * * * *", true},       {"*/20 * * * *", true},    {"0 */2 * * *", true},
      {"0 0-23/3 * * *", true},  {"0 0,12 * * *", true},    {"30 1 * * *", false},
      {"0 0 * * *", false},      {"0 1/2 * * *", false},    {"0 1-3 * * *", false},
      {"0 0,1 * * *", false},
  };
  for (const Row& row : rows) {
    INFO("expression: \"" << row.expression << "\"");
    CHECK(sched::CronExpr::parse(row.expression).hour_is_periodic() == row.periodic);
  }
}
