// Property tests: random structured cron expressions, checked against a slow
// reference (tests/support/reference_matcher.h) that shares no code with the
// engine.
//
// Reproduce a failure with the seed and case printed in its INFO lines:
//   SCHED_PROPERTY_SEED=<seed> build/tests/sched_tests "[property]"
// SCHED_PROPERTY_SCALE=<factor> multiplies the case counts (e.g. 10 for a
// long soak); SCHED_PROPERTY_STATS=1 prints what each test covered.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "sched/cron.h"
#include "sched/schedule.h"
#include "sched/zone.h"
#include "support/reference_matcher.h"

namespace {

using namespace std::chrono_literals;
using sched_test::Expr;
using sched_test::GenOptions;
using sched_test::Matcher;
using sched_test::SysSeconds;
using Seconds = std::chrono::seconds;

std::uint32_t base_seed() {
  if (const char* s = std::getenv("SCHED_PROPERTY_SEED"))
    return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 0));
  return 20240310u;
}

int scaled(int n) {
  if (const char* s = std::getenv("SCHED_PROPERTY_SCALE")) {
    const double f = std::strtod(s, nullptr);
    if (f > 0) return std::max(1, static_cast<int>(n * f));
  }
  return n;
}

// Fires compared per window at most (see the tests below).
constexpr std::size_t kMaxFires = 200;

bool print_stats() { return std::getenv("SCHED_PROPERTY_STATS") != nullptr; }

// Each case has its own generator, so one case reproduces on its own.
std::mt19937 case_rng(std::uint32_t seed, std::uint32_t test, int index) {
  std::seed_seq seq{seed, test, static_cast<std::uint32_t>(index)};
  return std::mt19937(seq);
}

std::int64_t uniform64(std::mt19937& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

SysSeconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + Seconds{s};
}

std::string options_text(const sched::ScheduleOptions& o) {
  return std::string("day_match=") + sched::to_string(o.day_match) +
         " dst_gap=" + sched::to_string(o.dst_gap) + " dst_repeat=" + sched::to_string(o.dst_repeat);
}

std::optional<sched::CronExpr> parse_checked(const std::string& text) {
  try {
    return sched::CronExpr::parse(text);
  } catch (const std::exception& e) {
    FAIL_CHECK("parse rejected a valid expression: \"" << text << "\": " << e.what());
    return std::nullopt;
  }
}

struct Stats {
  long windows = 0;
  long windows_with_fires = 0;
  long fires = 0;
  long gap_fires = 0;       // reference fires at the end of a DST gap
  long repeat_fires = 0;    // reference fires at a second occurrence
  long engine_calls = 0;
  long probes = 0;
  long never = 0;           // windows after which next() says "never again"

  void print(const char* name) const {
    if (!print_stats()) return;
    std::cerr << name << ": windows " << windows << " (" << windows_with_fires
              << " with fires), fires " << fires << ", gap fires " << gap_fires
              << ", second-occurrence fires " << repeat_fires << ", engine calls "
              << engine_calls << ", probes " << probes << ", never fires again " << never
              << "\n";
  }
};

// The first difference between two fire lists, or "" when they are equal.
std::string difference(const std::vector<SysSeconds>& ref, const std::vector<SysSeconds>& got,
                       const date::time_zone& tz, const char* direction) {
  const std::size_t n = std::max(ref.size(), got.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool has_ref = i < ref.size();
    const bool has_got = i < got.size();
    if (has_ref && has_got && ref[i] == got[i]) continue;
    std::ostringstream os;
    os << direction << " fire #" << i << " (reference " << ref.size() << " fires, engine "
       << got.size() << "): reference "
       << (has_ref ? sched_test::describe(ref[i], tz) : std::string("<none in window>"))
       << ", engine "
       << (has_got ? sched_test::describe(got[i], tz) : std::string("<none in window>"));
    if (i > 0 && i - 1 < ref.size())
      os << "; previous fire " << sched_test::describe(ref[i - 1], tz);
    return os.str();
  }
  return {};
}

std::string opt_text(const std::optional<SysSeconds>& t, const date::time_zone& tz) {
  return t ? sched_test::describe(*t, tz) : std::string("<none>");
}

// Checks one schedule over the window [from, to] against the reference fire
// list `ref` (the fires in [from, to]). Returns false after the first failed
// check, which has already been reported.
bool check_window(const sched::Schedule& s, const Matcher& m, const date::time_zone& tz,
                  const sched::ScheduleOptions& o, const std::vector<SysSeconds>& ref,
                  SysSeconds from, SysSeconds to, std::mt19937& rng, Stats& stats) {
  INFO("window [" << sched_test::describe(from, tz) << ", " << sched_test::describe(to, tz)
                  << "] " << options_text(o));
  ++stats.windows;
  stats.fires += static_cast<long>(ref.size());
  if (!ref.empty()) ++stats.windows_with_fires;

  // The first call that leaves the window must land on a fire with nothing
  // in between, however far away (the reference walks the days in between);
  // an empty answer means no fire in the next (previous) 400 years.
  constexpr date::days k400Years{146097};
  auto check_beyond_after = [&](const std::optional<SysSeconds>& beyond) {
    if (!beyond) ++stats.never;
    const std::optional<SysSeconds> first =
        sched_test::reference_first_fire(m, tz, o, to + 1s, beyond ? *beyond : to + k400Years);
    INFO("next() leaving the window: " << opt_text(beyond, tz)
                                       << "; the reference's first fire after the window: "
                                       << opt_text(first, tz));
    CHECK(first == beyond);
    return first == beyond;
  };
  auto check_beyond_before = [&](const std::optional<SysSeconds>& beyond) {
    const std::optional<SysSeconds> first =
        sched_test::reference_first_fire(m, tz, o, beyond ? *beyond : from - k400Years, from - 1s);
    INFO("prev() leaving the window: " << opt_text(beyond, tz)
                                       << "; the reference's first fire from there on: "
                                       << opt_text(first, tz));
    CHECK(first == beyond);
    return first == beyond;
  };

  // Forward: next() chained from just before the window.
  {
    std::vector<SysSeconds> got;
    std::optional<SysSeconds> beyond;
    SysSeconds t = from - 1s;
    for (;;) {
      const std::optional<SysSeconds> n = s.next(t);
      ++stats.engine_calls;
      if (!n) break;
      if (!(*n > t)) {
        FAIL_CHECK("next(" << sched_test::describe(t, tz) << ") = " << sched_test::describe(*n, tz)
                           << " is not after its argument");
        return false;
      }
      if (*n > to) {
        beyond = n;
        break;
      }
      got.push_back(*n);
      t = *n;
    }
    const std::string diff = difference(ref, got, tz, "next");
    CHECK(diff == "");
    if (!diff.empty()) return false;
    if (!check_beyond_after(beyond)) return false;
  }

  // Backward: prev() chained from just after the window.
  {
    std::vector<SysSeconds> got;
    std::optional<SysSeconds> beyond;
    SysSeconds t = to + 1s;
    for (;;) {
      const std::optional<SysSeconds> p = s.prev(t);
      ++stats.engine_calls;
      if (!p) break;
      if (!(*p < t)) {
        FAIL_CHECK("prev(" << sched_test::describe(t, tz) << ") = " << sched_test::describe(*p, tz)
                           << " is not before its argument");
        return false;
      }
      if (*p < from) {
        beyond = p;
        break;
      }
      got.push_back(*p);
      t = *p;
    }
    std::reverse(got.begin(), got.end());
    const std::string diff = difference(ref, got, tz, "prev");
    CHECK(diff == "");
    if (!diff.empty()) return false;
    if (!check_beyond_before(beyond)) return false;
  }

  // Probes: random instants, and instants at and around the fires.
  std::vector<SysSeconds> probes;
  for (int i = 0; i < 4; ++i)
    probes.push_back(from + Seconds{uniform64(rng, 0, (to - from).count())});
  for (int i = 0; i < 4 && !ref.empty(); ++i) {
    const SysSeconds f = ref[static_cast<std::size_t>(
        uniform64(rng, 0, static_cast<std::int64_t>(ref.size()) - 1))];
    probes.push_back(f + Seconds{uniform64(rng, -1, 1)});
  }
  for (const SysSeconds t : probes) {
    if (t < from || t > to) continue;
    ++stats.probes;
    INFO("probe t = " << sched_test::describe(t, tz));
    // The reference's answers, when they lie inside the window.
    std::optional<SysSeconds> first_after, first_at_or_after, last_before, last_at_or_before;
    for (const SysSeconds f : ref) {
      if (f > t && !first_after) first_after = f;
      if (f >= t && !first_at_or_after) first_at_or_after = f;
      if (f < t) last_before = f;
      if (f <= t) last_at_or_before = f;
    }
    const std::optional<SysSeconds> n = s.next(t);
    const std::optional<SysSeconds> p = s.prev(t);
    stats.engine_calls += 2;
    INFO("engine: next(t) = " << opt_text(n, tz) << ", prev(t) = " << opt_text(p, tz));
    if (first_after) {
      CHECK(n == first_after);
    } else {
      CHECK((!n || *n > to));
    }
    if (last_before) {
      CHECK(p == last_before);
    } else {
      CHECK((!p || *p < from));
    }
    if (n) {
      const std::optional<SysSeconds> pn = s.prev(*n);
      ++stats.engine_calls;
      INFO("prev(next(t)) = " << opt_text(pn, tz));
      CHECK((pn && *pn <= t));
      if (last_at_or_before) CHECK(pn == last_at_or_before);
    }
    if (p) {
      const std::optional<SysSeconds> np = s.next(*p);
      ++stats.engine_calls;
      INFO("next(prev(t)) = " << opt_text(np, tz));
      CHECK((np && *np >= t));
      if (first_at_or_after) CHECK(np == first_at_or_after);
    }
  }
  return true;
}

// DST transitions, from `zdump -v ZONE | grep 2024` (and 2025; 2018-2019 for
// Sao Paulo, which has had no DST since).
struct Transition {
  const char* zone;
  SysSeconds at;
  std::string what;
};
const std::vector<Transition>& transitions() {
  static const std::vector<Transition> list = {
      {"America/New_York", at(2024, 3, 10, 7), "gap 02:00-03:00"},
      {"America/New_York", at(2024, 11, 3, 6), "repeat 01:00-02:00"},
      {"America/New_York", at(2025, 3, 9, 7), "gap 02:00-03:00"},
      {"America/New_York", at(2025, 11, 2, 6), "repeat 01:00-02:00"},
      {"Australia/Lord_Howe", at(2024, 4, 6, 15), "repeat 01:30-02:00"},
      {"Australia/Lord_Howe", at(2024, 10, 5, 15, 30), "gap 02:00-02:30"},
      {"Australia/Lord_Howe", at(2025, 4, 5, 15), "repeat 01:30-02:00"},
      {"Australia/Lord_Howe", at(2025, 10, 4, 15, 30), "gap 02:00-02:30"},
      // Midnight shifts (SPEC §2): the gap is the first hour of a day, the
      // repeat the last hour of the day before.
      {"America/Sao_Paulo", at(2018, 11, 4, 3), "gap 00:00-01:00"},
      {"America/Sao_Paulo", at(2019, 2, 17, 2), "repeat 23:00-24:00"},
  };
  return list;
}

// Every third DST case takes the zone's next offset change after a random
// instant in 1900-2036 in one of these zones instead: 1- and 2-hour and
// 30-minute shifts, midnight shifts (Havana repeats 00:00-01:00, Sao Paulo
// 23:00-24:00), and offsets that are not whole minutes
// (Amsterdam's +00:19:32 until 1937).
Transition random_transition(std::mt19937& rng, const Transition& fallback) {
  static const std::vector<const char*> zones = {
      "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Europe/London",
      "Europe/Amsterdam", "Asia/Tehran",         "Pacific/Chatham",   "America/St_Johns",
      "Antarctica/Troll", "Europe/Moscow",       "America/Havana"};
  const char* zone = zones[static_cast<std::size_t>(
      uniform64(rng, 0, static_cast<std::int64_t>(zones.size()) - 1))];
  const auto& tz = *date::locate_zone(zone);
  const SysSeconds t = at(static_cast<int>(uniform64(rng, 1900, 2036)), 1, 1) +
                       Seconds{uniform64(rng, 0, 366 * 86400)};
  const date::sys_info info = tz.get_info(t);
  if (info.end > at(2037, 1, 1)) return fallback;
  const date::sys_info after = tz.get_info(info.end);
  std::ostringstream what;
  what << "offset " << info.offset.count() << " s -> " << after.offset.count() << " s";
  return Transition{zone, info.end, what.str()};
}

const std::vector<sched::ScheduleOptions>& dst_option_sets(sched::DayMatch dm) {
  static std::vector<sched::ScheduleOptions> lists[2];
  auto& l = lists[dm == sched::DayMatch::any ? 0 : 1];
  if (l.empty())
    for (auto gap : {sched::DstGap::run_after, sched::DstGap::skip})
      for (auto rep : {sched::DstRepeat::automatic, sched::DstRepeat::first, sched::DstRepeat::both})
        l.push_back(sched::ScheduleOptions{dm, gap, rep});
  return l;
}

sched::DayMatch random_day_match(std::mt19937& rng) {
  return std::bernoulli_distribution(0.5)(rng) ? sched::DayMatch::any : sched::DayMatch::all;
}

void count_dst_fires(const std::vector<sched_test::Candidate>& cands,
                     const sched::ScheduleOptions& o, bool periodic, Stats& stats) {
  for (const auto& c : cands) {
    if (!sched_test::fires(c, o, periodic)) continue;
    if (c.gap_match && o.dst_gap == sched::DstGap::run_after) ++stats.gap_fires;
    if (c.occurrence == sched_test::Occurrence::second) ++stats.repeat_fires;
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// The reference itself, on answers worked out by hand from SPEC §1-2.

TEST_CASE("reference matcher: hand-checked answers", "[property][reference]") {
  const auto& ny = *date::locate_zone("America/New_York");
  const auto& lh = *date::locate_zone("Australia/Lord_Howe");
  const auto& utc = *date::locate_zone("UTC");
  using sched::DayMatch;
  using sched::DstGap;
  using sched::DstRepeat;
  auto expr = [](std::vector<std::vector<sched_test::Item>> f5) {
    Expr e;
    e.field(sched_test::FieldId::second).items = {
        sched_test::Item{sched_test::Item::Kind::value, 0, 0, 0, false, 0}};
    for (int i = 0; i < 5; ++i) e.fields[i + 1].items = f5[static_cast<std::size_t>(i)];
    return e;
  };
  using K = sched_test::Item::Kind;
  const sched_test::Item star{K::star, 0, 0, 0, false, 0};
  auto v = [](int a) { return sched_test::Item{K::value, a, 0, 0, false, 0}; };

  // 30 2 * * * in New York: 2024-03-10 02:30 does not exist.
  const Expr e0230 = expr({{v(30)}, {v(2)}, {star}, {star}, {star}});
  CHECK(e0230.text() == "30 2 * * *");
  const Matcher m0230(e0230);
  const sched::ScheduleOptions run_after{DayMatch::any, DstGap::run_after, DstRepeat::automatic};
  const sched::ScheduleOptions skip{DayMatch::any, DstGap::skip, DstRepeat::automatic};
  CHECK(sched_test::reference_fires(m0230, ny, run_after, at(2024, 3, 9), at(2024, 3, 12)) ==
        std::vector<SysSeconds>{at(2024, 3, 9, 7, 30), at(2024, 3, 10, 7), at(2024, 3, 11, 6, 30)});
  CHECK(sched_test::reference_fires(m0230, ny, skip, at(2024, 3, 9), at(2024, 3, 12)) ==
        std::vector<SysSeconds>{at(2024, 3, 9, 7, 30), at(2024, 3, 11, 6, 30)});

  // */20 2 * * *: three fire times in one gap collapse into one fire.
  const Matcher m20(expr({{sched_test::Item{K::star_step, 0, 0, 20, false, 0}}, {v(2)}, {star}, {star}, {star}}));
  CHECK(sched_test::reference_fires(m20, ny, run_after, at(2024, 3, 10), at(2024, 3, 10, 23)) ==
        std::vector<SysSeconds>{at(2024, 3, 10, 7)});

  // 30 1 * * * on 2024-11-03: 01:30 happens twice; hour not periodic.
  const Matcher m0130(expr({{v(30)}, {v(1)}, {star}, {star}, {star}}));
  CHECK_FALSE(m0130.hour_periodic());
  CHECK(sched_test::reference_fires(m0130, ny, run_after, at(2024, 11, 3), at(2024, 11, 3, 23)) ==
        std::vector<SysSeconds>{at(2024, 11, 3, 5, 30)});
  const sched::ScheduleOptions both{DayMatch::any, DstGap::run_after, DstRepeat::both};
  CHECK(sched_test::reference_fires(m0130, ny, both, at(2024, 11, 3), at(2024, 11, 3, 23)) ==
        std::vector<SysSeconds>{at(2024, 11, 3, 5, 30), at(2024, 11, 3, 6, 30)});

  // 0 * * * *: periodic hours fire at both 01:00s under auto, once under first.
  const Matcher mhourly(expr({{v(0)}, {star}, {star}, {star}, {star}}));
  CHECK(mhourly.hour_periodic());
  CHECK(sched_test::reference_fires(mhourly, ny, run_after, at(2024, 11, 3, 4), at(2024, 11, 3, 7)) ==
        std::vector<SysSeconds>{at(2024, 11, 3, 4), at(2024, 11, 3, 5), at(2024, 11, 3, 6),
                                at(2024, 11, 3, 7)});
  const sched::ScheduleOptions first{DayMatch::any, DstGap::run_after, DstRepeat::first};
  CHECK(sched_test::reference_fires(mhourly, ny, first, at(2024, 11, 3, 4), at(2024, 11, 3, 7)) ==
        std::vector<SysSeconds>{at(2024, 11, 3, 4), at(2024, 11, 3, 5), at(2024, 11, 3, 7)});

  // Lord Howe: 45 1 * * * on 2024-04-07 repeats (01:30-02:00 twice, 30 min apart).
  const Matcher m0145(expr({{v(45)}, {v(1)}, {star}, {star}, {star}}));
  CHECK(sched_test::reference_fires(m0145, lh, both, at(2024, 4, 6, 12), at(2024, 4, 6, 18)) ==
        std::vector<SysSeconds>{at(2024, 4, 6, 14, 45), at(2024, 4, 6, 15, 15)});
  // 15 2 * * * on 2024-10-06: 02:15 is inside the 30-minute gap.
  const Matcher m0215(expr({{v(15)}, {v(2)}, {star}, {star}, {star}}));
  CHECK(sched_test::reference_fires(m0215, lh, run_after, at(2024, 10, 5, 12), at(2024, 10, 5, 18)) ==
        std::vector<SysSeconds>{at(2024, 10, 5, 15, 30)});

  // Sao Paulo's midnight shifts: 2018-11-04 00:00-01:00 does not exist (the
  // day starts at 01:00), 2019-02-16 23:00-24:00 happens twice.
  const auto& sp = *date::locate_zone("America/Sao_Paulo");
  const Matcher m0_nov4(expr({{v(0)}, {v(0)}, {v(4)}, {v(11)}, {star}}));
  CHECK(sched_test::reference_fires(m0_nov4, sp, run_after, at(2018, 11, 1), at(2018, 11, 6)) ==
        std::vector<SysSeconds>{at(2018, 11, 4, 3)});
  CHECK(sched_test::reference_fires(m0_nov4, sp, skip, at(2018, 11, 1), at(2018, 11, 6)).empty());
  const Matcher m2330(expr({{v(30)}, {v(23)}, {star}, {star}, {star}}));
  CHECK(sched_test::reference_fires(m2330, sp, both, at(2019, 2, 16, 12), at(2019, 2, 17, 12)) ==
        std::vector<SysSeconds>{at(2019, 2, 17, 1, 30), at(2019, 2, 17, 2, 30)});
  CHECK(sched_test::reference_fires(m2330, sp, first, at(2019, 2, 16, 12), at(2019, 2, 17, 12)) ==
        std::vector<SysSeconds>{at(2019, 2, 17, 1, 30)});

  // Day specials, in UTC (2024-03: Fri 1st, 31 days, Sun 31st).
  auto days = [&](const Expr& e, DayMatch dm, int y, unsigned mo) {
    std::vector<unsigned> out;
    const Matcher m(e);
    const sched::ScheduleOptions o{dm, DstGap::run_after, DstRepeat::automatic};
    for (SysSeconds f : sched_test::reference_fires(m, utc, o, at(y, mo, 1), at(y, mo, 1) + date::days{31} - 1s))
      if (date::year_month_day{date::floor<date::days>(f)}.month() == date::month{mo})
        out.push_back(static_cast<unsigned>(date::year_month_day{date::floor<date::days>(f)}.day()));
    return out;
  };
  const sched_test::Item L{K::last_day, 0, 0, 0, false, 0};
  const sched_test::Item L3{K::last_day, 3, 0, 0, false, 0};
  const sched_test::Item LW{K::last_weekday, 0, 0, 0, false, 0};
  auto W = [](int n) { return sched_test::Item{K::nearest_weekday, n, 0, 0, false, 0}; };
  auto nth = [](int w, int k) { return sched_test::Item{K::nth_weekday, w, k, 0, true, 0}; };
  auto lastof = [](int w) { return sched_test::Item{K::last_of_weekday, w, 0, 0, true, 0}; };
  const sched_test::Item q{K::question, 0, 0, 0, false, 0};
  CHECK(days(expr({{v(0)}, {v(0)}, {L}, {star}, {q}}), DayMatch::any, 2024, 3) == std::vector<unsigned>{31});
  CHECK(days(expr({{v(0)}, {v(0)}, {L3}, {star}, {q}}), DayMatch::any, 2024, 2) == std::vector<unsigned>{26});
  CHECK(days(expr({{v(0)}, {v(0)}, {LW}, {star}, {star}}), DayMatch::any, 2024, 3) == std::vector<unsigned>{29});
  CHECK(days(expr({{v(0)}, {v(0)}, {W(1)}, {star}, {star}}), DayMatch::any, 2024, 6) == std::vector<unsigned>{3});   // Sat 1st -> Mon 3rd
  CHECK(days(expr({{v(0)}, {v(0)}, {W(30)}, {star}, {star}}), DayMatch::any, 2024, 6) == std::vector<unsigned>{28});  // Sun 30th (last) -> Fri 28th
  CHECK(days(expr({{v(0)}, {v(0)}, {W(31)}, {star}, {star}}), DayMatch::any, 2024, 6).empty());                       // June has no 31st
  CHECK(days(expr({{v(0)}, {v(0)}, {W(16)}, {star}, {star}}), DayMatch::any, 2024, 3) == std::vector<unsigned>{15});  // Sat 16th -> Fri 15th
  CHECK(days(expr({{v(0)}, {v(0)}, {star}, {star}, {nth(5, 5)}}), DayMatch::any, 2024, 3) == std::vector<unsigned>{29});
  CHECK(days(expr({{v(0)}, {v(0)}, {star}, {star}, {nth(5, 5)}}), DayMatch::any, 2024, 4).empty());
  CHECK(days(expr({{v(0)}, {v(0)}, {star}, {star}, {lastof(7)}}), DayMatch::any, 2024, 3) == std::vector<unsigned>{31});
  // Both restricted: OR by default, AND with "all".
  CHECK(days(expr({{v(0)}, {v(0)}, {v(13)}, {star}, {v(5)}}), DayMatch::any, 2024, 9) ==
        std::vector<unsigned>{6, 13, 20, 27});
  CHECK(days(expr({{v(0)}, {v(0)}, {v(13)}, {star}, {v(5)}}), DayMatch::all, 2024, 9) ==
        std::vector<unsigned>{13});
  // `*/2` is restricted: 1,3,5,... OR Mondays.
  CHECK(days(expr({{v(0)}, {v(0)}, {sched_test::Item{K::star_step, 0, 0, 2, false, 0}}, {star}, {v(1)}}),
             DayMatch::any, 2024, 9).size() == 16 + 2);
  // Weekday ranges wrap: FRI-MON.
  CHECK(days(expr({{v(0)}, {v(0)}, {star}, {star}, {sched_test::Item{K::range, 5, 1, 0, true, 0}}}),
             DayMatch::any, 2024, 9) ==
        std::vector<unsigned>{1, 2, 6, 7, 8, 9, 13, 14, 15, 16, 20, 21, 22, 23, 27, 28, 29, 30});
}

TEST_CASE("reference matcher: the zone walk agrees with a second-by-second zoned_time walk",
          "[property][reference]") {
  const std::uint32_t seed = base_seed();
  INFO("seed " << seed);
  const int cases = scaled(80);
  long compared = 0;
  for (int i = 0; i < cases; ++i) {
    std::mt19937 rng = case_rng(seed, 1, i);
    const Expr e = sched_test::random_expr(rng, GenOptions{0.5, 0.02, true});
    Transition tr = transitions()[static_cast<std::size_t>(i) % transitions().size()];
    if (i % 3 == 2) tr = random_transition(rng, tr);
    const auto& tz = *date::locate_zone(tr.zone);
    const SysSeconds from = tr.at - Seconds{uniform64(rng, 0, 3600)};
    const SysSeconds to = from + 75min;
    INFO("case " << i << ": \"" << e.text() << "\" in " << tr.zone << " from "
                 << sched_test::describe(from, tz));
    const Matcher m(e);
    for (auto dm : {sched::DayMatch::any, sched::DayMatch::all}) {
      const auto fast = sched_test::reference_candidates(m, dm, tz, from, to);
      const auto slow = sched_test::brute_force_candidates(m, dm, tz, from, to);
      for (const auto& o : dst_option_sets(dm)) {
        INFO(options_text(o));
        const auto f = sched_test::select_fires(fast, o, m.hour_periodic());
        const auto b = sched_test::select_fires(slow, o, m.hour_periodic());
        CHECK(difference(b, f, tz, "reference") == "");
        compared += static_cast<long>(b.size());
      }
    }
  }
  if (print_stats()) std::cerr << "reference self-check: " << cases << " cases, " << compared << " fires\n";
}

// ---------------------------------------------------------------------------
// The engine against the reference.

TEST_CASE("cron property: to_string round-trips through parse", "[property][cron]") {
  const std::uint32_t seed = base_seed();
  INFO("seed " << seed);
  const int cases = scaled(10000);
  int failures = 0;
  for (int i = 0; i < cases && failures < 5; ++i) {
    std::mt19937 rng = case_rng(seed, 2, i);
    const Expr e = sched_test::random_expr(rng);
    const std::string text = e.text();
    INFO("case " << i << ": \"" << text << "\"");
    const std::optional<sched::CronExpr> parsed = parse_checked(text);
    if (!parsed) {
      ++failures;
      continue;
    }
    const std::string canonical = parsed->to_string();
    INFO("to_string: \"" << canonical << "\"");
    std::optional<sched::CronExpr> again;
    try {
      again = sched::CronExpr::parse(canonical);
    } catch (const std::exception& ex) {
      FAIL_CHECK("to_string produced text that does not parse: " << ex.what());
      ++failures;
      continue;
    }
    const bool same = *again == *parsed;
    CHECK(same);
    CHECK(again->to_string() == canonical);
    if (!same || again->to_string() != canonical) ++failures;
  }
}

TEST_CASE("schedule property: next/prev agree with the reference in UTC and fixed-offset zones",
          "[property][schedule]") {
  const std::uint32_t seed = base_seed();
  INFO("seed " << seed);
  const int cases = scaled(2400);
  const std::vector<const char*> zones = {"UTC", "Etc/GMT+5", "Etc/GMT-13"};
  Stats stats;
  int failures = 0;
  for (int i = 0; i < cases && failures < 5; ++i) {
    std::mt19937 rng = case_rng(seed, 3, i);
    const Expr e = sched_test::random_expr(rng);
    const char* zone_name = zones[static_cast<std::size_t>(uniform64(rng, 0, 2))];
    const auto& tz = *date::locate_zone(zone_name);
    const sched::ScheduleOptions o{random_day_match(rng),
                                   std::bernoulli_distribution(0.5)(rng) ? sched::DstGap::run_after
                                                                         : sched::DstGap::skip,
                                   sched::DstRepeat::automatic};
    INFO("case " << i << ": \"" << e.text() << "\" in " << zone_name);
    const std::optional<sched::CronExpr> expr = parse_checked(e.text());
    if (!expr) {
      ++failures;
      continue;
    }
    const sched::Schedule s(*expr, sched::Zone::locate(zone_name), o);
    const Matcher m(e);

    // A window of 3 days (5 fields) or 3 hours (6 fields), anywhere in
    // 1900-2299; a third start near a month's end (L, LW, W, #5), and most
    // are moved to just before a fire so that they hold some.
    const Seconds length = e.six ? Seconds{3h} : Seconds{72h};
    SysSeconds from;
    if (std::bernoulli_distribution(0.33)(rng)) {
      const date::year_month ym = date::year{static_cast<int>(uniform64(rng, 1900, 2299))} /
                                  date::month{static_cast<unsigned>(uniform64(rng, 1, 12))};
      from = date::sys_days{ym / date::last} - date::days{uniform64(rng, 0, 3)} +
             Seconds{uniform64(rng, 0, 86399)};
    } else {
      from = at(1900, 1, 1) + Seconds{uniform64(rng, 0, (at(2299, 12, 1) - at(1900, 1, 1)).count())};
    }
    if (std::bernoulli_distribution(0.7)(rng)) {
      // The first fire in the next 60 days, by the reference.
      const auto off = tz.get_info(from).offset;
      const auto local = m.first_match(date::local_seconds{from.time_since_epoch() + off},
                                       date::local_seconds{from.time_since_epoch() + off} + date::days{60},
                                       o.day_match);
      if (local)
        from = SysSeconds{local->time_since_epoch() - off} - Seconds{uniform64(rng, 0, length.count() / 2)};
    }
    SysSeconds to = from + length;
    std::vector<SysSeconds> ref = sched_test::reference_fires(m, tz, o, from, to);
    // A dense schedule's window ends at its kMaxFires-th fire, so that every
    // case costs about the same.
    if (ref.size() > kMaxFires) {
      ref.resize(kMaxFires);
      to = ref.back();
    }
    if (!check_window(s, m, tz, o, ref, from, to, rng, stats)) ++failures;
  }
  stats.print("fixed zones");
}

TEST_CASE("schedule property: next/prev agree with the reference across DST transitions",
          "[property][schedule][dst]") {
  const std::uint32_t seed = base_seed();
  INFO("seed " << seed);
  const int cases = scaled(400);
  Stats stats;
  int failures = 0;

  // The windows below straddle these transitions; make sure they are real.
  for (const Transition& tr : transitions()) {
    const auto& tz = *date::locate_zone(tr.zone);
    INFO(tr.zone << " " << tr.what);
    CHECK(tz.get_info(tr.at).begin == tr.at);
  }

  for (int i = 0; i < cases && failures < 5; ++i) {
    std::mt19937 rng = case_rng(seed, 4, i);
    const Expr e = sched_test::random_expr(rng, GenOptions{0.35, 0.03, true});
    Transition tr = transitions()[static_cast<std::size_t>(i) % transitions().size()];
    if (i % 3 == 2) tr = random_transition(rng, tr);
    const auto& tz = *date::locate_zone(tr.zone);
    const sched::DayMatch dm = random_day_match(rng);
    INFO("case " << i << ": \"" << e.text() << "\" in " << tr.zone << " around "
                 << sched_test::describe(tr.at, tz) << " (" << tr.what << ")");
    const std::optional<sched::CronExpr> expr = parse_checked(e.text());
    if (!expr) {
      ++failures;
      continue;
    }
    const Matcher m(e);
    // 2 days (5 fields) or 2 hours (6 fields) holding the transition.
    const Seconds length = e.six ? Seconds{2h} : Seconds{48h};
    SysSeconds from = tr.at - Seconds{uniform64(rng, 60, length.count() - 60)};
    SysSeconds to = from + length;
    auto cands = sched_test::reference_candidates(m, dm, tz, from, to);
    // A dense schedule's window shrinks round the transition until it holds
    // at most kMaxFires candidates.
    while (cands.size() > kMaxFires && to - from > 4s) {
      from += (tr.at - from) / 2;
      to -= (to - tr.at) / 2;
      cands = sched_test::reference_candidates(m, dm, tz, from, to);
    }
    const sched::Zone zone = sched::Zone::locate(tr.zone);
    for (const auto& o : dst_option_sets(dm)) {
      const sched::Schedule s(*expr, zone, o);
      const std::vector<SysSeconds> ref = sched_test::select_fires(cands, o, m.hour_periodic());
      count_dst_fires(cands, o, m.hour_periodic(), stats);
      if (!check_window(s, m, tz, o, ref, from, to, rng, stats)) {
        ++failures;
        break;
      }
    }
  }
  stats.print("DST zones");
}
