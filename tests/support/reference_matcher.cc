#include "support/reference_matcher.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace sched_test {
namespace {

using Kind = Item::Kind;

constexpr std::array<const char*, 13> kMonthNames = {
    "", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 8> kWeekdayNames = {"SUN", "MON", "TUE", "WED",
                                                      "THU", "FRI", "SAT", "SUN"};

struct Bounds {
  int lo;
  int hi;
};

// The values a field may be written with. Weekdays go to 7 (Sunday again).
Bounds written_bounds(FieldId id) {
  switch (id) {
    case FieldId::second:
    case FieldId::minute: return {0, 59};
    case FieldId::hour: return {0, 23};
    case FieldId::dom: return {1, 31};
    case FieldId::month: return {1, 12};
    case FieldId::dow: return {0, 7};
  }
  return {0, 0};
}

// The cycle a wrapping range runs round, and what `*` and steps cover:
// weekdays 0-6 (a step never reaches 7; the generator avoids the steps for
// which that would matter).
Bounds cycle_bounds(FieldId id) {
  if (id == FieldId::dow) return {0, 6};
  return written_bounds(id);
}

bool wraps(FieldId id) { return id == FieldId::month || id == FieldId::dow; }

std::string cased(const char* name, int letter_case) {
  std::string s = name;
  if (letter_case == 1) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (letter_case == 2) {
    for (std::size_t i = 1; i < s.size(); ++i)
      s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  return s;
}

std::string number(FieldId id, int v, const Item& it) {
  if (it.names && id == FieldId::month && v >= 1 && v <= 12)
    return cased(kMonthNames[static_cast<std::size_t>(v)], it.letter_case);
  if (it.names && id == FieldId::dow && v >= 0 && v <= 7)
    return cased(kWeekdayNames[static_cast<std::size_t>(v)], it.letter_case);
  return std::to_string(v);
}

std::string render_item(FieldId id, const Item& it) {
  switch (it.kind) {
    case Kind::star: return "*";
    case Kind::question: return "?";
    case Kind::value: return number(id, it.a, it);
    case Kind::range: return number(id, it.a, it) + "-" + number(id, it.b, it);
    case Kind::star_step: return "*/" + std::to_string(it.step);
    case Kind::value_step: return number(id, it.a, it) + "/" + std::to_string(it.step);
    case Kind::range_step:
      return number(id, it.a, it) + "-" + number(id, it.b, it) + "/" + std::to_string(it.step);
    case Kind::last_day: return it.a == 0 ? "L" : "L-" + std::to_string(it.a);
    case Kind::nearest_weekday: return std::to_string(it.a) + "W";
    case Kind::last_weekday: return "LW";
    case Kind::last_of_weekday: return number(id, it.a, it) + "L";
    case Kind::nth_weekday: return number(id, it.a, it) + "#" + std::to_string(it.b);
  }
  return "?bad";
}

// The values of a range a-b in cycle order, wrapping when a > b.
std::vector<int> range_sequence(FieldId id, int a, int b) {
  std::vector<int> out;
  if (a <= b) {
    for (int v = a; v <= b; ++v) out.push_back(v);
  } else {
    const Bounds c = cycle_bounds(id);
    for (int v = a; v <= c.hi; ++v) out.push_back(v);
    for (int v = c.lo; v <= b; ++v) out.push_back(v);
  }
  return out;
}

unsigned last_day_of(date::year y, date::month m) {
  return static_cast<unsigned>((y / m / date::last).day());
}

// ---------------------------------------------------------------------------
// The generator.

class Gen {
 public:
  Gen(std::mt19937& rng, const GenOptions& o) : rng_(rng), o_(o) {}

  Expr expr() {
    if (chance(o_.macro)) {
      static const std::array<const char*, 7> macros = {
          "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
      return macro_expr(macros[static_cast<std::size_t>(uniform(0, 6))]);
    }
    Expr e;
    e.six = chance(o_.six_fields);
    e.loose_spacing = chance(0.05);
    e.field(FieldId::second) =
        e.six ? field(FieldId::second, 0.35) : Field{{Item{Kind::value, 0, 0, 0, false, 0}}};
    e.field(FieldId::minute) = field(FieldId::minute, e.six ? 0.45 : 0.3);
    e.field(FieldId::hour) = field(FieldId::hour, e.six ? 0.5 : 0.35);
    e.field(FieldId::month) = field(FieldId::month, o_.dst_bias ? 0.85 : 0.6);
    // Plain days stay within what the months allow, so that the expression
    // can fire: 31 when a 31-day month is in, else 28.
    day_limit_ = 31;
    if (restricted(e.field(FieldId::month))) {
      bool has31 = false;
      for (const Item& it : e.field(FieldId::month).items)
        for (int v : item_values(FieldId::month, it))
          if (v == 1 || v == 3 || v == 5 || v == 7 || v == 8 || v == 10 || v == 12) has31 = true;
      if (!has31) day_limit_ = 28;
    }
    const double day_star = o_.dst_bias ? 0.75 : 0.5;
    e.field(FieldId::dom) = field(FieldId::dom, day_star);
    e.field(FieldId::dow) = field(FieldId::dow, day_star);
    return e;
  }

 private:
  bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p; }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Field field(FieldId id, double p_star) {
    Field f;
    const bool day = id == FieldId::dom || id == FieldId::dow;
    if (chance(p_star)) {
      f.items.push_back(Item{day && chance(0.3) ? Kind::question : Kind::star, 0, 0, 0, false, 0});
      return f;
    }
    int n = 1;
    while (n < 4 && chance(0.4)) ++n;
    for (int i = 0; i < n; ++i) f.items.push_back(item(id));
    return f;
  }

  // A value for field `id` within [lo, hi]; hours lean to 0-3 under dst_bias.
  int value(FieldId id, int lo, int hi) {
    // The hours of the DST windows' gaps and repeats: 0-3, and 23 (Sao Paulo).
    if (id == FieldId::hour && o_.dst_bias && chance(0.6)) {
      const int h = uniform(0, 4);
      return h == 4 && hi >= 23 ? 23 : std::min(h, hi);
    }
    return uniform(lo, hi);
  }

  int step(int span) {
    if (chance(0.7)) return uniform(1, std::min(6, span));
    return uniform(1, span + 1);  // a step past the end leaves only the start
  }

  Item item(FieldId id) {
    const bool is_dom = id == FieldId::dom;
    const bool is_dow = id == FieldId::dow;
    Bounds wb = written_bounds(id);
    if (is_dom) wb.hi = day_limit_;
    const Bounds cb = cycle_bounds(id);
    const int span = cb.hi - cb.lo;

    Item it;
    it.names = (id == FieldId::month || is_dow) && chance(0.4);
    it.letter_case = uniform(0, 2);

    // Kinds by weight: `*` in a list 2, value 32, range 16, range/step 10,
    // */step 10, value/step 8, then the day specials 22 (day fields only).
    const int r = uniform(0, is_dom || is_dow ? 99 : 77);
    if (is_dom && r >= 78) {
      const int s = uniform(0, 3);
      if (s == 0) {
        it.kind = Kind::last_day;
        it.a = 0;
      } else if (s == 1) {
        it.kind = Kind::last_day;
        it.a = uniform(1, day_limit_ - 1);
      } else if (s == 2) {
        it.kind = Kind::nearest_weekday;
        it.a = chance(0.3) ? (chance(0.5) ? 1 : day_limit_) : uniform(1, day_limit_);
      } else {
        it.kind = Kind::last_weekday;
      }
      return it;
    }
    if (is_dow && r >= 78) {
      it.kind = chance(0.45) ? Kind::last_of_weekday : Kind::nth_weekday;
      it.a = uniform(0, 7);
      it.b = uniform(1, 5);
      return it;
    }
    if (r < 2) {  // a `*` inside a list: restricted, covers everything
      it.kind = Kind::star;
      if (is_dom && day_limit_ < 31) it.kind = Kind::value, it.a = 1;
      return it;
    }
    if (r < 34) {
      it.kind = Kind::value;
      it.a = value(id, wb.lo, wb.hi);
      return it;
    }
    if (r < 60) {  // ranges, with or without a step
      it.kind = r < 50 ? Kind::range : Kind::range_step;
      if (wraps(id) && chance(0.35)) {
        // a > b, both within the cycle (weekdays 0-6).
        it.a = uniform(cb.lo + 1, cb.hi);
        it.b = uniform(cb.lo, it.a - 1);
      } else {
        it.a = value(id, wb.lo, wb.hi - 1);
        it.b = chance(0.05) ? it.a : uniform(it.a + 1, wb.hi);  // a-a is just a
      }
      if (it.kind == Kind::range_step) it.step = step(span);
      // SUN-SUN would be 0-7 or a single day, depending on the reader.
      if (is_dow && it.a % 7 == it.b % 7) it.names = false;
      return it;
    }
    if (r < 70 && !(is_dom && day_limit_ < 31)) {
      it.kind = Kind::star_step;
      it.step = step(span);
      return it;
    }
    if (!(is_dom && day_limit_ < 31)) {
      it.kind = Kind::value_step;
      it.a = value(id, cb.lo, cb.hi);
      it.step = step(span);
      // Whether `a/n` on weekdays runs to 7 (Sunday) is not settled by the
      // SPEC: keep to steps that never land on 7 unless they start at 0.
      while (is_dow && it.a != 0 && (7 - it.a) % it.step == 0) it.step = step(span);
      return it;
    }
    it.kind = Kind::range_step;
    it.a = uniform(wb.lo, wb.hi - 1);
    it.b = uniform(it.a + 1, wb.hi);
    it.step = step(span);
    return it;
  }

  std::mt19937& rng_;
  GenOptions o_;
  int day_limit_ = 31;
};

}  // namespace

// ---------------------------------------------------------------------------

std::string render_field(FieldId id, const Field& f) {
  std::string out;
  for (std::size_t i = 0; i < f.items.size(); ++i) {
    if (i) out += ',';
    out += render_item(id, f.items[i]);
  }
  return out;
}

std::string Expr::text() const {
  if (!macro.empty()) return macro;
  std::string out = loose_spacing ? " " : "";
  for (int i = six ? 0 : 1; i < kFieldCount; ++i) {
    if (i > (six ? 0 : 1)) out += loose_spacing ? (i % 2 ? "\t" : "  ") : " ";
    out += render_field(static_cast<FieldId>(i), fields[i]);
  }
  if (loose_spacing) out += " ";
  return out;
}

bool restricted(const Field& f) {
  return !(f.items.size() == 1 &&
           (f.items[0].kind == Kind::star || f.items[0].kind == Kind::question));
}

Expr random_expr(std::mt19937& rng, const GenOptions& options) {
  return Gen(rng, options).expr();
}

Expr macro_expr(const std::string& macro) {
  auto v = [](int a) { return Item{Kind::value, a, 0, 0, false, 0}; };
  const Item star{Kind::star, 0, 0, 0, false, 0};
  Expr e;
  e.macro = macro;
  e.field(FieldId::second).items = {v(0)};
  e.field(FieldId::minute).items = {v(0)};
  e.field(FieldId::hour).items = {v(0)};
  e.field(FieldId::dom).items = {star};
  e.field(FieldId::month).items = {star};
  e.field(FieldId::dow).items = {star};
  if (macro == "@yearly" || macro == "@annually") {
    e.field(FieldId::dom).items = {v(1)};
    e.field(FieldId::month).items = {v(1)};
  } else if (macro == "@monthly") {
    e.field(FieldId::dom).items = {v(1)};
  } else if (macro == "@weekly") {
    e.field(FieldId::dow).items = {v(0)};
  } else if (macro == "@daily" || macro == "@midnight") {
  } else if (macro == "@hourly") {
    e.field(FieldId::hour).items = {star};
  } else {
    throw std::invalid_argument("unknown macro " + macro);
  }
  return e;
}

std::vector<int> item_values(FieldId id, const Item& it) {
  const Bounds cb = cycle_bounds(id);
  std::vector<int> out;
  switch (it.kind) {
    case Kind::star:
    case Kind::question:
      for (int v = cb.lo; v <= cb.hi; ++v) out.push_back(v);
      break;
    case Kind::value: out.push_back(it.a); break;
    case Kind::range: out = range_sequence(id, it.a, it.b); break;
    case Kind::star_step:
      for (int v = cb.lo; v <= cb.hi; v += it.step) out.push_back(v);
      break;
    case Kind::value_step:
      for (int v = it.a; v <= cb.hi; v += it.step) out.push_back(v);
      break;
    case Kind::range_step: {
      const std::vector<int> seq = range_sequence(id, it.a, it.b);
      for (std::size_t i = 0; i < seq.size(); i += static_cast<std::size_t>(it.step))
        out.push_back(seq[i]);
      break;
    }
    default: break;  // the day specials have no fixed values
  }
  if (id == FieldId::dow)
    for (int& v : out) v %= 7;
  return out;
}

// ---------------------------------------------------------------------------

Matcher::Matcher(const Expr& e) {
  auto fill = [&](FieldId id, bool* table) {
    for (const Item& it : e.field(id).items)
      for (int v : item_values(id, it)) table[v] = true;
  };
  fill(FieldId::second, seconds_);
  fill(FieldId::minute, minutes_);
  fill(FieldId::hour, hours_);
  fill(FieldId::month, months_);
  for (const Item& it : e.field(FieldId::dom).items) {
    if (it.kind == Kind::last_day || it.kind == Kind::nearest_weekday ||
        it.kind == Kind::last_weekday)
      dom_specials_.push_back(it);
    else
      for (int v : item_values(FieldId::dom, it)) dom_plain_[v] = true;
  }
  for (const Item& it : e.field(FieldId::dow).items) {
    if (it.kind == Kind::last_of_weekday || it.kind == Kind::nth_weekday)
      dow_specials_.push_back(it);
    else
      for (int v : item_values(FieldId::dow, it)) dow_plain_[v] = true;
  }
  dom_restricted_ = restricted(e.field(FieldId::dom));
  dow_restricted_ = restricted(e.field(FieldId::dow));
}

bool Matcher::dom_item_matches(const Item& it, date::year_month_day ymd) const {
  const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int last = static_cast<int>(last_day_of(ymd.year(), ymd.month()));
  auto weekday_of = [&](int day) {
    return static_cast<int>(
        date::weekday{date::sys_days{ymd.year() / ymd.month() / date::day{static_cast<unsigned>(day)}}}
            .c_encoding());
  };
  switch (it.kind) {
    case Kind::last_day: return last - it.a >= 1 && d == last - it.a;
    case Kind::nearest_weekday: {
      const int n = it.a;
      if (n > last) return false;  // no such day this month: no fire
      int target = n;
      const int wd = weekday_of(n);
      if (wd == 6) target = n == 1 ? n + 2 : n - 1;          // Saturday
      else if (wd == 0) target = n == last ? n - 2 : n + 1;  // Sunday
      return d == target;
    }
    case Kind::last_weekday: {
      int target = last;
      const int wd = weekday_of(last);
      if (wd == 6) target = last - 1;
      else if (wd == 0) target = last - 2;
      return d == target;
    }
    default: return false;
  }
}

bool Matcher::dow_item_matches(const Item& it, date::year_month_day ymd) const {
  const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int last = static_cast<int>(last_day_of(ymd.year(), ymd.month()));
  const int wd = static_cast<int>(date::weekday{date::sys_days{ymd}}.c_encoding());
  switch (it.kind) {
    case Kind::last_of_weekday: return wd == it.a % 7 && d + 7 > last;
    case Kind::nth_weekday: return wd == it.a % 7 && (d - 1) / 7 + 1 == it.b;
    default: return false;
  }
}

bool Matcher::day_matches(date::year_month_day ymd, sched::DayMatch match) const {
  if (!dom_restricted_ && !dow_restricted_) return true;
  bool dom = dom_plain_[static_cast<unsigned>(ymd.day())];
  for (const Item& it : dom_specials_)
    if (dom_item_matches(it, ymd)) dom = true;
  bool dow = dow_plain_[date::weekday{date::sys_days{ymd}}.c_encoding()];
  for (const Item& it : dow_specials_)
    if (dow_item_matches(it, ymd)) dow = true;
  if (dom_restricted_ && dow_restricted_)
    return match == sched::DayMatch::any ? (dom || dow) : (dom && dow);
  return dom_restricted_ ? dom : dow;
}

bool Matcher::matches(LocalSeconds t, sched::DayMatch match) const {
  const date::local_days day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<Seconds> tod{t - day};
  return months_[static_cast<unsigned>(ymd.month())] &&
         time_matches(static_cast<int>(tod.hours().count()),
                      static_cast<int>(tod.minutes().count()),
                      static_cast<int>(tod.seconds().count())) &&
         day_matches(ymd, match);
}

bool Matcher::hour_periodic() const {
  for (int n = 1; n <= 23; ++n) {
    bool same = true;
    for (int h = 0; h < 24; ++h)
      if (hours_[h] != (h % n == 0)) same = false;
    if (same) return true;
  }
  return false;
}

bool Matcher::any_match(LocalSeconds from, LocalSeconds to, sched::DayMatch match) const {
  return first_match(from, to, match).has_value();
}

std::optional<LocalSeconds> Matcher::first_match(LocalSeconds from, LocalSeconds to,
                                                 sched::DayMatch match) const {
  std::optional<LocalSeconds> found;
  for_each_match(from, to, match, [&](LocalSeconds t) {
    found = t;
    return false;
  });
  return found;
}

// ---------------------------------------------------------------------------

namespace {

Occurrence occurrence_of(const date::time_zone& tz, LocalSeconds local, SysSeconds t) {
  const date::local_info li = tz.get_info(local);
  if (li.result != date::local_info::ambiguous) return Occurrence::unique;
  return t.time_since_epoch() == local.time_since_epoch() - li.first.offset ? Occurrence::first
                                                                            : Occurrence::second;
}

LocalSeconds to_local(SysSeconds t, Seconds offset) {
  return LocalSeconds{t.time_since_epoch() + offset};
}

SysSeconds to_sys(LocalSeconds l, Seconds offset) {
  return SysSeconds{l.time_since_epoch() - offset};
}

}  // namespace

namespace {

// Calls f(candidate) for every candidate in [from, to], in order, until f
// returns false.
template <class F>
void visit_candidates(const Matcher& m, sched::DayMatch match, const date::time_zone& tz,
                      SysSeconds from, SysSeconds to, F&& f) {
  SysSeconds t = from;
  while (t <= to) {
    const date::sys_info info = tz.get_info(t);
    const SysSeconds seg_last = std::min(SysSeconds{info.end - Seconds{1}}, to);
    const Seconds off = info.offset;
    bool transition_done = false;
    if (t == info.begin) {
      // t starts a new offset. If the clock jumped forward, the wall times
      // [begin + old offset, begin + new offset) do not exist.
      const date::sys_info before = tz.get_info(t - Seconds{1});
      if (before.offset < off) {
        const bool gap = m.any_match(to_local(t, before.offset), to_local(t, off) - Seconds{1}, match);
        if (gap) {
          if (!f(Candidate{t, m.matches(to_local(t, off), match), Occurrence::unique, true})) return;
          transition_done = true;
        }
      }
    }
    bool go_on = true;
    m.for_each_match(to_local(t, off), to_local(seg_last, off), match, [&](LocalSeconds l) {
      const SysSeconds at = to_sys(l, off);
      if (transition_done && at == t) return true;
      go_on = f(Candidate{at, true, occurrence_of(tz, l, at), false});
      return go_on;
    });
    if (!go_on) return;
    t = seg_last + Seconds{1};
  }
}

}  // namespace

std::vector<Candidate> reference_candidates(const Matcher& m, sched::DayMatch match,
                                            const date::time_zone& tz, SysSeconds from,
                                            SysSeconds to) {
  std::vector<Candidate> out;
  visit_candidates(m, match, tz, from, to, [&](const Candidate& c) {
    out.push_back(c);
    return true;
  });
  return out;
}

std::optional<SysSeconds> reference_first_fire(const Matcher& m, const date::time_zone& tz,
                                               const sched::ScheduleOptions& o, SysSeconds from,
                                               SysSeconds to) {
  std::optional<SysSeconds> found;
  const bool periodic = m.hour_periodic();
  visit_candidates(m, o.day_match, tz, from, to, [&](const Candidate& c) {
    if (fires(c, o, periodic)) found = c.t;
    return !found;
  });
  return found;
}

bool fires(const Candidate& c, const sched::ScheduleOptions& o, bool hour_periodic) {
  if (c.gap_match && o.dst_gap == sched::DstGap::run_after) return true;
  if (!c.local_match) return false;
  if (c.occurrence != Occurrence::second) return true;
  switch (o.dst_repeat) {
    case sched::DstRepeat::first: return false;
    case sched::DstRepeat::both: return true;
    case sched::DstRepeat::automatic: return hour_periodic;
  }
  return false;
}

std::vector<SysSeconds> select_fires(const std::vector<Candidate>& candidates,
                                     const sched::ScheduleOptions& o, bool hour_periodic) {
  std::vector<SysSeconds> out;
  for (const Candidate& c : candidates)
    if (fires(c, o, hour_periodic)) out.push_back(c.t);
  return out;
}

std::vector<SysSeconds> reference_fires(const Matcher& m, const date::time_zone& tz,
                                        const sched::ScheduleOptions& o, SysSeconds from,
                                        SysSeconds to) {
  return select_fires(reference_candidates(m, o.day_match, tz, from, to), o, m.hour_periodic());
}

std::vector<Candidate> brute_force_candidates(const Matcher& m, sched::DayMatch match,
                                              const date::time_zone& tz, SysSeconds from,
                                              SysSeconds to) {
  std::vector<Candidate> out;
  for (SysSeconds t = from; t <= to; t += Seconds{1}) {
    const date::zoned_time<Seconds> z{&tz, t};
    const LocalSeconds local = z.get_local_time();
    const date::sys_info info = z.get_info();
    Candidate c{t, m.matches(local, match), occurrence_of(tz, local, t), false};
    if (info.begin == t) {
      const date::sys_info before = tz.get_info(t - Seconds{1});
      if (before.offset < info.offset) {
        for (LocalSeconds l = to_local(t, before.offset); l < local; l += Seconds{1}) {
          // Every wall time in the gap must be one that does not exist.
          if (tz.get_info(l).result != date::local_info::nonexistent)
            throw std::logic_error("brute_force_candidates: gap wall time exists");
          if (m.matches(l, match)) {
            c.gap_match = true;
            break;
          }
        }
      }
    }
    if (c.local_match || c.gap_match) out.push_back(c);
  }
  return out;
}

std::string describe(SysSeconds t, const date::time_zone& tz) {
  std::ostringstream os;
  os << date::format("%FT%TZ", t);
  const date::zoned_time<Seconds> z{&tz, t};
  os << " (" << date::format("%a %F %T %Z", z) << ")";
  return os.str();
}

}  // namespace sched_test
