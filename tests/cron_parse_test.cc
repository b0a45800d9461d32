// Every rejection of the cron parser, with its exact one-line message.

#include <string>

#include <catch2/catch.hpp>

#include "sched/cron.h"
#include "sched/error.h"

namespace {

struct InvalidRow {
  const char* expression;
  const char* message;
};

// Each message names the field, the token, what is allowed and the column.
const InvalidRow kInvalid[] = {
    {R"()",
     R"(invalid schedule "": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 0)"},
    {R"(   )",
     R"(invalid schedule "   ": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 0)"},
    {R"(* * * *)",
     R"(invalid schedule "* * * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 4)"},
    {R"(* * * * * * *)",
     R"(invalid schedule "* * * * * * *": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 7)"},
    {R"(@daily *)",
     R"(invalid schedule "@daily *": a macro such as @daily stands alone, without other fields)"},
    {R"(@fortnightly)",
     R"(invalid schedule "@fortnightly": unknown macro "@fortnightly" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly))"},
    {R"(@reboot)",
     R"(invalid schedule "@reboot": unknown macro "@reboot" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly))"},
    {R"(60 * * * *)",
     R"(invalid schedule "60 * * * *": minute: 60 is outside 0-59 (column 1))"},
    {R"(0 24 * * *)",
     R"(invalid schedule "0 24 * * *": hour: 24 is outside 0-23 (column 3))"},
    {R"(0 0 0 * *)",
     R"(invalid schedule "0 0 0 * *": day-of-month: 0 is outside 1-31 (column 5))"},
    {R"(0 0 32 * *)",
     R"(invalid schedule "0 0 32 * *": day-of-month: 32 is outside 1-31 (column 5))"},
    {R"(0 0 * 0 *)",
     R"(invalid schedule "0 0 * 0 *": month: 0 is outside 1-12 (column 7))"},
    {R"(0 0 * 13 *)",
     R"(invalid schedule "0 0 * 13 *": month: 13 is outside 1-12 (column 7))"},
    {R"(0 0 * * 8)",
     R"(invalid schedule "0 0 * * 8": day-of-week: 8 is outside 0-7 (column 9))"},
    {R"(*/0 * * * *)",
     R"(invalid schedule "*/0 * * * *": minute: step 0 is outside 1-60 (column 3))"},
    {R"(*/61 * * * *)",
     R"(invalid schedule "*/61 * * * *": minute: step 61 is outside 1-60 (column 3))"},
    {R"(*/ * * * *)",
     R"(invalid schedule "*/ * * * *": minute: "*/" is missing its step after / (1-60) (column 1))"},
    {R"(*/5/2 * * * *)",
     R"(invalid schedule "*/5/2 * * * *": minute: "*/5/2" has more than one step (column 1))"},
    {R"(5-1 * * * *)",
     R"(invalid schedule "5-1 * * * *": minute: range 5-1 runs backwards; write it low-high within 0-59 (column 1))"},
    {R"(0 23-1 * * *)",
     R"(invalid schedule "0 23-1 * * *": hour: range 23-1 runs backwards; write it low-high within 0-23 (column 3))"},
    {R"(0 0 20-10 * *)",
     R"(invalid schedule "0 0 20-10 * *": day-of-month: range 20-10 runs backwards; write it low-high within 1-31 (column 5))"},
    {R"(1-2-3 * * * *)",
     R"(invalid schedule "1-2-3 * * * *": minute: "1-2-3" is not a range a-b (column 1))"},
    {R"(1- * * * *)",
     R"(invalid schedule "1- * * * *": minute: "1-" is missing a value; expected 0-59 (column 1))"},
    {R"(-5 * * * *)",
     R"(invalid schedule "-5 * * * *": minute: "-5" is missing a value; expected 0-59 (column 1))"},
    {R"(1,,2 * * * *)",
     R"(invalid schedule "1,,2 * * * *": minute: empty list item in "1,,2" (column 3))"},
    {R"(1, * * * *)",
     R"(invalid schedule "1, * * * *": minute: empty list item in "1," (column 3))"},
    {R"(,1 * * * *)",
     R"(invalid schedule ",1 * * * *": minute: empty list item in ",1" (column 1))"},
    {R"(a * * * *)",
     R"(invalid schedule "a * * * *": minute: "a" is not a number in 0-59 (column 1))"},
    {R"(1x * * * *)",
     R"(invalid schedule "1x * * * *": minute: "1x" is not a number in 0-59 (column 1))"},
    {R"(0 MON * * *)",
     R"(invalid schedule "0 MON * * *": hour: "MON" is not a number in 0-23 (column 3))"},
    {R"(0 0 * JANUARY *)",
     R"(invalid schedule "0 0 * JANUARY *": month: "JANUARY" is not a number in 1-12 or a name JAN-DEC (column 7))"},
    {R"(0 0 * FOO *)",
     R"(invalid schedule "0 0 * FOO *": month: "FOO" is not a number in 1-12 or a name JAN-DEC (column 7))"},
    {R"(0 0 * * FUNDAY)",
     R"(invalid schedule "0 0 * * FUNDAY": day-of-week: "FUNDAY" is not a number in 0-7 or a name SUN-SAT, nL or n#k (column 9))"},
    {R"(0 0 * * 1x)",
     R"(invalid schedule "0 0 * * 1x": day-of-week: "1x" is not a number in 0-7 or a name SUN-SAT, nL or n#k (column 9))"},
    {R"(0 0 L * * *)",
     R"(invalid schedule "0 0 L * * *": hour: "L": L (last) is only allowed in day-of-month and day-of-week (column 5))"},
    {R"(0 0 * L *)",
     R"(invalid schedule "0 0 * L *": month: "L": L (last) is only allowed in day-of-month and day-of-week (column 7))"},
    {R"(0 L * * *)",
     R"(invalid schedule "0 L * * *": hour: "L": L (last) is only allowed in day-of-month and day-of-week (column 3))"},
    {R"(0 0 * FEB#2 *)",
     R"(invalid schedule "0 0 * FEB#2 *": month: "FEB#2": # (nth weekday) is only allowed in day-of-week (column 7))"},
    {R"(0 0 1#2 * *)",
     R"(invalid schedule "0 0 1#2 * *": day-of-month: "1#2": # (nth weekday) is only allowed in day-of-week (column 5))"},
    {R"(0 0 * * 5#6)",
     R"(invalid schedule "0 0 * * 5#6": day-of-week: occurrence "6" in "5#6" is outside 1-5 (column 11))"},
    {R"(0 0 * * 5#0)",
     R"(invalid schedule "0 0 * * 5#0": day-of-week: occurrence "0" in "5#0" is outside 1-5 (column 11))"},
    {R"(0 0 * * 5#)",
     R"(invalid schedule "0 0 * * 5#": day-of-week: occurrence "" in "5#" is outside 1-5 (column 11))"},
    {R"(0 0 * * L)",
     R"(invalid schedule "0 0 * * L": day-of-week: "L" needs a weekday before it, e.g. 5L or FRIL (last Friday) (column 9))"},
    {R"(0 0 * * 1-5L)",
     R"(invalid schedule "0 0 * * 1-5L": day-of-week: "1-5L": L takes a single weekday, e.g. FRIL (column 9))"},
    {R"(0 0 * * 1-5#2)",
     R"(invalid schedule "0 0 * * 1-5#2": day-of-week: "1-5#2": # takes a single weekday, e.g. FRI#2 (column 9))"},
    {R"(0 0 L-31 * *)",
     R"(invalid schedule "0 0 L-31 * *": day-of-month: offset 31 in "L-31" is outside 0-30 (column 7))"},
    {R"(0 0 L-x * *)",
     R"(invalid schedule "0 0 L-x * *": day-of-month: "L-x": L-n needs a number n in 0-30 (column 7))"},
    {R"(0 0 32W * *)",
     R"(invalid schedule "0 0 32W * *": day-of-month: 32 is outside 1-31 (column 5))"},
    {R"(0 0 0W * *)",
     R"(invalid schedule "0 0 0W * *": day-of-month: 0 is outside 1-31 (column 5))"},
    {R"(0 0 1-5W * *)",
     R"(invalid schedule "0 0 1-5W * *": day-of-month: "1-5W": W takes a single day, e.g. 15W (column 5))"},
    {R"(0 0 W * *)",
     R"(invalid schedule "0 0 W * *": day-of-month: "W" is not a day-of-month form; expected 1-31, L, L-n, nW or LW (column 5))"},
    {R"(0 0 * * 5W)",
     R"(invalid schedule "0 0 * * 5W": day-of-week: "5W" is not a number in 0-7 or a name SUN-SAT, nL or n#k (column 9))"},
    {R"(0 5W * * *)",
     R"(invalid schedule "0 5W * * *": hour: "5W": W (nearest weekday) is only allowed in day-of-month (column 3))"},
    {R"(0 0 5L * *)",
     R"(invalid schedule "0 0 5L * *": day-of-month: "5L" is not a day-of-month form; expected 1-31, L, L-n, nW or LW (column 5))"},
    {R"(? * * * *)",
     R"(invalid schedule "? * * * *": minute: "?": ? is only allowed, alone, in day-of-month and day-of-week (column 1))"},
    {R"(0 0 ?,1 * *)",
     R"(invalid schedule "0 0 ?,1 * *": day-of-month: "?": ? must stand alone as the whole field (column 5))"},
    {R"(0 0 1,? * *)",
     R"(invalid schedule "0 0 1,? * *": day-of-month: "?": ? must stand alone as the whole field (column 7))"},
    {R"(0 0 30 2 *)",
     R"(invalid schedule "0 0 30 2 *": day-of-month: "30" does not occur in month "2", so the schedule never fires (column 5))"},
    {R"(0 0 31 4,6,9,11 *)",
     R"(invalid schedule "0 0 31 4,6,9,11 *": day-of-month: "31" does not occur in month "4,6,9,11", so the schedule never fires (column 5))"},
    {R"(0 0 30,31 FEB *)",
     R"(invalid schedule "0 0 30,31 FEB *": day-of-month: "30,31" does not occur in month "FEB", so the schedule never fires (column 5))"},
    {R"(0 0 L-30 2 *)",
     R"(invalid schedule "0 0 L-30 2 *": day-of-month: "L-30" does not occur in month "2", so the schedule never fires (column 5))"},
    {R"(99999999999 * * * *)",
     R"(invalid schedule "99999999999 * * * *": minute: 99999999999 is outside 0-59 (column 1))"},
    {R"(0 0 * * */8)",
     R"(invalid schedule "0 0 * * */8": day-of-week: step 8 is outside 1-7 (column 11))"},
    {R"(0 0 * */13 *)",
     R"(invalid schedule "0 0 * */13 *": month: step 13 is outside 1-12 (column 9))"},
    {R"(0 */25 * * *)",
     R"(invalid schedule "0 */25 * * *": hour: step 25 is outside 1-24 (column 5))"},
    {R"(* * * * * 1x)",
     R"(invalid schedule "* * * * * 1x": day-of-week: "1x" is not a number in 0-7 or a name SUN-SAT, nL or n#k (column 11))"},
    {R"(60 * * * * *)",
     R"(invalid schedule "60 * * * * *": second: 60 is outside 0-59 (column 1))"},
    {R"(0 0 1 1 * 2024)",
     R"(invalid schedule "0 0 1 1 * 2024": day-of-week: 2024 is outside 0-7 (column 11))"},
    {R"(0 0 15W-1 * *)",
     R"(invalid schedule "0 0 15W-1 * *": day-of-month: "15W" is not a number in 1-31, L, L-n, nW or LW (column 5))"},
    {R"(0 0 * * MON-)",
     R"(invalid schedule "0 0 * * MON-": day-of-week: "MON-" is missing a value; expected 0-7 or a name SUN-SAT (column 9))"},
    {R"(0 0 * * MON-FUN)",
     R"(invalid schedule "0 0 * * MON-FUN": day-of-week: "FUN" is not a number in 0-7 or a name SUN-SAT (column 13))"},
    {R"(0 0 * * SUN#2#3)",
     R"(invalid schedule "0 0 * * SUN#2#3": day-of-week: occurrence "2#3" in "SUN#2#3" is outside 1-5 (column 13))"},
    {R"(@)",
     R"(invalid schedule "@": unknown macro "@" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly))"},
};

std::string rejection_of(const char* expression) {
  try {
    (void)sched::CronExpr::parse(expression);
  } catch (const sched::Error& e) {
    CHECK(e.code() == sched::ErrorCode::invalid_schedule);
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("invalid expressions are rejected with one exact line", "[cron][parse]") {
  STATIC_REQUIRE(sizeof kInvalid / sizeof kInvalid[0] >= 40);
  for (const InvalidRow& row : kInvalid) {
    INFO("expression: \"" << row.expression << "\"");
    CHECK(rejection_of(row.expression) == row.message);
  }
}

TEST_CASE("valid forms of every field are accepted", "[cron][parse]") {
  const char* valid[] = {
      "* * * * *",           "*/5 * * * *",        "0 8 * * *",          "0 9 * * 1-5",
      "0 0 29 2 *",          "*/7 3-17 1,15 * 1-5", "0 0 L * *",          "*/10 * * * * *",
      "0 0 * * 5#3",         "0 30 2 * * *",       "0 0 L-3 * *",        "0 0 15W * *",
      "0 0 LW * *",          "0 0 * * 5L",         "0 0 * * FRIL",       "0 0 * * fri#2",
      "0 0 ? * MON",         "0 0 1 * ?",          "0 0 * jan-mar *",    "0 0 * * SUN-SAT",
      "0 0 * * 7",           "0 0 * * 5-7",        "0 0 * * FRI-MON",    "0 0 * NOV-FEB *",
      "5/15 * * * *",        "0-30/10 * * * *",    "@yearly",            "@annually",
      "@monthly",            "@weekly",            "@daily",             "@midnight",
      "@hourly",             "@DAILY",             "  0  8\t* *  *  ",   "0 0 1,L,15W * *",
      "0 0 * * 1#1,5L,3",    "*/60 * * * *",       "0 0 31 * *",         "0 0 30,31 2,3 *",
  };
  for (const char* text : valid) {
    INFO("expression: \"" << text << "\"");
    CHECK_NOTHROW(sched::CronExpr::parse(text));
  }
}

TEST_CASE("fuzz: control characters in a schedule are escaped, so its message stays one line", "[cron][parse][fuzz]") {
  CHECK(rejection_of("0 0 * * *\n") ==
        R"(invalid schedule "0 0 * * *\n": day-of-week: "*\n" is not a number in 0-7 or a name SUN-SAT, nL or n#k (column 9))");
  CHECK(rejection_of("@daily\r") ==
        R"(invalid schedule "@daily\r": unknown macro "@daily\r" (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly))");
  CHECK(rejection_of("0\t0 * \x01") ==
        R"(invalid schedule "0\t0 * \x01": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 4)");
}
