#pragma once
// A slow, deliberately simple reference for cron matching and DST handling,
// written from SPEC §1–2 without looking at (or calling) the engine: it never
// uses CronExpr::matches, next_local, prev_local or Schedule.
//
//  - Expr is a STRUCTURED cron expression (a list of items per field) that a
//    random generator builds and renders to text, so the property tests know
//    what the text means without parsing it.
//  - Matcher decides whether a local wall time matches, item by item, with
//    date.h calendar arithmetic.
//  - reference_candidates / reference_fires / reference_first_fire list the
//    fire instants of an expression in a zone over a window of UTC instants
//    under the DST rules. They enumerate the matching wall times of each
//    constant-offset stretch of the zone (sys_info), which is a second-by-
//    second walk without the seconds that cannot match;
//    brute_force_candidates really walks every second with date::zoned_time,
//    and a test checks that both agree.
//
// Only the option enums of sched/schedule.h and sched/cron.h are used here.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "sched/cron.h"
#include "sched/schedule.h"

namespace sched_test {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

enum class FieldId : int { second = 0, minute = 1, hour = 2, dom = 3, month = 4, dow = 5 };
inline constexpr int kFieldCount = 6;

// One comma-separated item of a field.
struct Item {
  enum class Kind {
    star,             // *
    question,         // ?            (day fields only, alone)
    value,            // a
    range,            // a-b          (a > b wraps: months and weekdays only)
    star_step,        // */n
    value_step,       // a/n          (a, a+n, ... up to the field's maximum)
    range_step,       // a-b/n        (may wrap like range)
    last_day,         // L (a = 0) or L-a          (day-of-month)
    nearest_weekday,  // aW                        (day-of-month)
    last_weekday,     // LW                        (day-of-month)
    last_of_weekday,  // aL                        (day-of-week)
    nth_weekday,      // a#b                       (day-of-week)
  };
  Kind kind = Kind::star;
  int a = 0;
  int b = 0;
  int step = 0;
  bool names = false;   // render month / weekday numbers as names
  int letter_case = 0;  // names: 0 "JAN", 1 "jan", 2 "Jan"
};

struct Field {
  std::vector<Item> items;
};

struct Expr {
  bool six = false;    // 6 fields (seconds first); else seconds is implicitly 0
  std::string macro;   // when set, rendered as the macro ("@daily"); fields hold its meaning
  bool loose_spacing = false;  // tabs, double and leading/trailing spaces between fields
  Field fields[kFieldCount];

  const Field& field(FieldId id) const { return fields[static_cast<int>(id)]; }
  Field& field(FieldId id) { return fields[static_cast<int>(id)]; }

  // The text handed to CronExpr::parse.
  std::string text() const;
};

std::string render_field(FieldId id, const Field& f);

// Restricted = anything but exactly `*` or `?` (SPEC §1).
bool restricted(const Field& f);

struct GenOptions {
  double six_fields = 0.35;  // probability of a 6-field expression
  double macro = 0.03;       // probability of a macro
  bool dst_bias = false;     // favour hours 0-3 and unrestricted days (DST windows)
};

Expr random_expr(std::mt19937& rng, const GenOptions& options = {});

// The expression's macro, if any, as a structured Expr (@yearly -> 0 0 1 1 *).
Expr macro_expr(const std::string& macro);

class Matcher {
 public:
  explicit Matcher(const Expr& e);

  bool matches(LocalSeconds t, sched::DayMatch match) const;
  bool day_matches(date::year_month_day ymd, sched::DayMatch match) const;
  bool time_matches(int hour, int minute, int second) const {
    return hours_[hour] && minutes_[minute] && seconds_[second];
  }
  bool month_matches(unsigned month) const { return months_[month]; }

  // The hour field, as a set of hours, is {0, n, 2n, ...} for some n
  // (`*`, `*/n`, `0-23`, `0/6`, ...): dst_repeat "auto" fires twice.
  bool hour_periodic() const;

  // Calls f(t) for every matching wall time t in [from, to], in order; stops
  // early when f returns false (f may also return void).
  template <class F>
  void for_each_match(LocalSeconds from, LocalSeconds to, sched::DayMatch match, F&& f) const;
  bool any_match(LocalSeconds from, LocalSeconds to, sched::DayMatch match) const;
  // The first matching wall time in [from, to], if any.
  std::optional<LocalSeconds> first_match(LocalSeconds from, LocalSeconds to,
                                          sched::DayMatch match) const;

 private:
  bool dom_item_matches(const Item& it, date::year_month_day ymd) const;
  bool dow_item_matches(const Item& it, date::year_month_day ymd) const;

  // Plain values (from item_values) and the special items, per day field.
  bool dom_plain_[32] = {};
  bool dow_plain_[7] = {};
  std::vector<Item> dom_specials_;
  std::vector<Item> dow_specials_;
  bool seconds_[60] = {};
  bool minutes_[60] = {};
  bool hours_[24] = {};
  bool months_[13] = {};
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
};

// The plain values an item stands for (not the L / W / # specials), in the
// field's own numbering; weekday 7 is returned as 0.
std::vector<int> item_values(FieldId id, const Item& it);

enum class Occurrence : std::uint8_t { unique, first, second };

// An instant at which something may fire.
struct Candidate {
  SysSeconds t;
  bool local_match = false;  // the wall time at t matches
  Occurrence occurrence = Occurrence::unique;  // of that wall time
  bool gap_match = false;    // t ends a DST gap holding a matching wall time
};

// Every instant in [from, to] whose wall time matches, plus the transition
// instants that end a gap holding a matching wall time, in order.
std::vector<Candidate> reference_candidates(const Matcher& m, sched::DayMatch match,
                                            const date::time_zone& tz, SysSeconds from,
                                            SysSeconds to);

// SPEC §2 applied to one candidate.
bool fires(const Candidate& c, const sched::ScheduleOptions& options, bool hour_periodic);

std::vector<SysSeconds> select_fires(const std::vector<Candidate>& candidates,
                                     const sched::ScheduleOptions& options, bool hour_periodic);

// The fire instants in [from, to].
std::vector<SysSeconds> reference_fires(const Matcher& m, const date::time_zone& tz,
                                        const sched::ScheduleOptions& options, SysSeconds from,
                                        SysSeconds to);

// The first fire in [from, to]; stops there, so a long empty stretch costs
// only a walk over its days.
std::optional<SysSeconds> reference_first_fire(const Matcher& m, const date::time_zone& tz,
                                               const sched::ScheduleOptions& options,
                                               SysSeconds from, SysSeconds to);

// The same candidates, found by walking every second of [from, to] with
// date::zoned_time.
std::vector<Candidate> brute_force_candidates(const Matcher& m, sched::DayMatch match,
                                              const date::time_zone& tz, SysSeconds from,
                                              SysSeconds to);

// "2024-03-10T07:00:00Z (Sun 2024-03-10 03:00:00 EDT)"
std::string describe(SysSeconds t, const date::time_zone& tz);

// ---------------------------------------------------------------------------

template <class F>
void Matcher::for_each_match(LocalSeconds from, LocalSeconds to, sched::DayMatch match,
                             F&& f) const {
  using std::chrono::hours;
  using std::chrono::minutes;
  if (to < from) return;
  const date::year_month_day first{date::floor<date::days>(from)};
  const date::year_month_day last{date::floor<date::days>(to)};
  const date::year_month first_month = first.year() / first.month();
  const date::year_month last_month = last.year() / last.month();
  // Month by month (skipping the months that do not match), day by day.
  for (date::year_month ym = first_month; ym <= last_month; ym += date::months{1}) {
    if (!months_[static_cast<unsigned>(ym.month())]) continue;
    const unsigned d0 = ym == first_month ? static_cast<unsigned>(first.day()) : 1u;
    const unsigned d1 = ym == last_month ? static_cast<unsigned>(last.day())
                                         : static_cast<unsigned>((ym / date::last).day());
    for (unsigned dn = d0; dn <= d1; ++dn) {
      const date::year_month_day ymd = ym / date::day{dn};
      if (!day_matches(ymd, match)) continue;
      const date::local_days d{ymd};
      for (int h = 0; h < 24; ++h) {
        const LocalSeconds hour_start = d + hours{h};
        if (hour_start > to) return;
        if (!hours_[h] || hour_start + Seconds{3599} < from) continue;
        for (int mi = 0; mi < 60; ++mi) {
          const LocalSeconds minute_start = hour_start + minutes{mi};
          if (minute_start > to) return;
          if (!minutes_[mi] || minute_start + Seconds{59} < from) continue;
          for (int s = 0; s < 60; ++s) {
            if (!seconds_[s]) continue;
            const LocalSeconds t = minute_start + Seconds{s};
            if (t < from) continue;
            if (t > to) return;
            if constexpr (std::is_same_v<decltype(f(t)), bool>) {
              if (!f(t)) return;
            } else {
              f(t);
            }
          }
        }
      }
    }
  }
}

}  // namespace sched_test
