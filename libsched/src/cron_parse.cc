// Parsing of cron expressions into CronExpr bit sets. Every rejection is one
// line naming the field, the token, what is allowed and the 1-based column.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cron_fields.h"
#include "one_line.h"
#include "sched/cron.h"
#include "sched/error.h"

namespace sched {

using cron_fields::Field;
using cron_fields::Spec;

namespace {

// A piece of the expression and where it starts (0-based offset into the text).
struct Piece {
  std::string_view text;
  std::size_t offset;
};

std::vector<Piece> split(std::string_view text, std::size_t base, auto is_separator, bool keep_empty) {
  std::vector<Piece> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || is_separator(text[i])) {
      if (keep_empty || i > start) out.push_back({text.substr(start, i - start), base + start});
      start = i + 1;
    }
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Digits to a number, saturating so that huge numbers still read as "outside".
int to_number(std::string_view digits) {
  long value = 0;
  for (char c : digits) value = std::min(value * 10 + (c - '0'), 1'000'000L);
  return static_cast<int>(value);
}

struct Macro {
  const char* name;
  const char* expansion;
};
constexpr std::array<Macro, 7> kMacros{{{"@yearly", "0 0 1 1 *"},
                                        {"@annually", "0 0 1 1 *"},
                                        {"@monthly", "0 0 1 * *"},
                                        {"@weekly", "0 0 * * 0"},
                                        {"@daily", "0 0 * * *"},
                                        {"@midnight", "0 0 * * *"},
                                        {"@hourly", "0 * * * *"}}};

}  // namespace

class CronParser {
 public:
  explicit CronParser(std::string_view text) : text_(text) {}

  CronExpr parse() {
    const auto fields = split(text_, 0, [](char c) { return c == ' ' || c == '\t'; }, false);
    if (fields.size() == 1 && fields[0].text.front() == '@') return parse_macro(fields[0]);
    if (!fields.empty() && fields[0].text.front() == '@') {
      fail("a macro such as " + std::string(fields[0].text) + " stands alone, without other fields");
    }
    if (fields.size() != 5 && fields.size() != 6) {
      fail("expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found " +
           std::to_string(fields.size()));
    }
    CronExpr e;
    std::size_t i = 0;
    if (fields.size() == 6) e.seconds_ = parse_plain_field(cron_fields::kSecond, fields[i++]);
    e.minutes_ = parse_plain_field(cron_fields::kMinute, fields[i++]);
    e.hours_ = static_cast<std::uint32_t>(parse_plain_field(cron_fields::kHour, fields[i++]));
    const Piece dom = fields[i++];
    const Piece month = fields[i++];
    const Piece dow = fields[i++];
    e.months_ = static_cast<std::uint16_t>(parse_plain_field(cron_fields::kMonth, month));
    parse_day_of_month(dom, e);
    parse_day_of_week(dow, e);
    check_day_of_month_occurs(e, dom, month);
    return e;
  }

 private:
  // The text and its pieces are quoted with their control characters escaped
  // (one_line.h): a newline in a schedule must not break the message.
  [[noreturn]] void fail(const std::string& detail) const {
    throw Error(ErrorCode::invalid_schedule,
                sched::detail::one_line("invalid schedule \"" + std::string(text_) + "\": " + detail));
  }

  [[noreturn]] void fail_at(const Spec& spec, std::size_t offset, const std::string& problem) const {
    fail(std::string(spec.name) + ": " + problem + " (column " + std::to_string(offset + 1) + ")");
  }

  static std::string allowed_values(const Spec& spec) {
    std::string s = std::to_string(spec.lo) + "-" + std::to_string(spec.hi);
    if (spec.name_range != nullptr) s += " or a name " + std::string(spec.name_range);
    return s;
  }

  CronExpr parse_macro(const Piece& piece) const {
    for (const Macro& m : kMacros) {
      if (upper(piece.text) == upper(m.name)) return CronParser(m.expansion).parse();
    }
    std::string known;
    for (const Macro& m : kMacros) known += std::string(known.empty() ? "" : ", ") + m.name;
    fail("unknown macro \"" + std::string(piece.text) + "\" (known: " + known + ")");
  }

  // A number or (for month and day-of-week) a name, within lo-hi.
  int parse_value(const Spec& spec, const Piece& value, const Piece& item) const {
    if (value.text.empty()) {
      fail_at(spec, item.offset, "\"" + std::string(item.text) + "\" is missing a value; expected " +
                                     allowed_values(spec));
    }
    int v = 0;
    if (all_digits(value.text)) {
      v = to_number(value.text);
    } else if (spec.names != nullptr && value.text.size() == 3) {
      const std::string name = upper(value.text);
      const int count = spec.hi - spec.lo + (spec.field == Field::day_of_week ? 0 : 1);
      v = -1;
      for (int k = 0; k < count; ++k) {
        if (name == spec.names[k]) v = spec.lo + k;
      }
      if (v < 0) {
        fail_at(spec, value.offset, "\"" + std::string(value.text) + "\" is not a number in " + allowed_values(spec));
      }
    } else {
      std::string expected = allowed_values(spec);
      if (spec.field == Field::day_of_month) expected += ", L, L-n, nW or LW";
      if (spec.field == Field::day_of_week) expected += ", nL or n#k";
      fail_at(spec, value.offset, "\"" + std::string(value.text) + "\" is not a number in " + expected);
    }
    if (v < spec.lo || v > spec.hi) {
      fail_at(spec, value.offset,
              std::string(value.text) + " is outside " + std::to_string(spec.lo) + "-" + std::to_string(spec.hi));
    }
    return v;
  }

  static void set_value(const Spec& spec, std::uint64_t& bits, int v) {
    if (spec.field == Field::day_of_week) v %= 7;
    bits |= std::uint64_t{1} << v;
  }

  // Values a, a+step, … up to b; for a > b in a wrapping field, around the cycle.
  void set_range(const Spec& spec, std::uint64_t& bits, int a, int b, int step, const Piece& item) const {
    if (a <= b) {
      for (int v = a; v <= b; v += step) set_value(spec, bits, v);
      return;
    }
    if (!spec.wraps) {
      fail_at(spec, item.offset, "range " + std::string(item.text.substr(0, item.text.find('/'))) +
                                     " runs backwards; write it low-high within " + std::to_string(spec.lo) +
                                     "-" + std::to_string(spec.hi));
    }
    const int n = cron_fields::cycle_length(spec);
    const int length = ((b - a) % n + n) % n;
    for (int i = 0; i <= length; i += step) set_value(spec, bits, spec.lo + (a - spec.lo + i) % n);
  }

  int parse_step(const Spec& spec, const Piece& step, const Piece& item) const {
    const int max_step = cron_fields::cycle_length(spec);
    const std::string allowed = "1-" + std::to_string(max_step);
    if (step.text.empty()) {
      fail_at(spec, item.offset, "\"" + std::string(item.text) + "\" is missing its step after / (" + allowed + ")");
    }
    if (!all_digits(step.text)) {
      fail_at(spec, step.offset, "step \"" + std::string(step.text) + "\" is not a number in " + allowed);
    }
    const int n = to_number(step.text);
    if (n < 1 || n > max_step) {
      fail_at(spec, step.offset, "step " + std::string(step.text) + " is outside " + allowed);
    }
    return n;
  }

  // `*`, `a`, `a-b`, each with an optional `/step`.
  std::uint64_t parse_item(const Spec& spec, const Piece& item) const {
    reject_misplaced_specials(spec, item);
    const auto slash = item.text.find('/');
    Piece base{item.text.substr(0, slash), item.offset};
    int step = 1;
    if (slash != std::string_view::npos) {
      const Piece step_piece{item.text.substr(slash + 1), item.offset + slash + 1};
      if (step_piece.text.find('/') != std::string_view::npos) {
        fail_at(spec, item.offset, "\"" + std::string(item.text) + "\" has more than one step");
      }
      step = parse_step(spec, step_piece, item);
    }
    std::uint64_t bits = 0;
    if (base.text == "*") {
      set_range(spec, bits, spec.lo, spec.cycle_hi, step, item);
      return bits;
    }
    const auto dash = base.text.find('-');
    if (dash == std::string_view::npos) {
      const int a = parse_value(spec, base, item);
      set_range(spec, bits, a, slash == std::string_view::npos ? a : spec.cycle_hi, step, item);
      return bits;
    }
    const Piece from{base.text.substr(0, dash), base.offset};
    const Piece to{base.text.substr(dash + 1), base.offset + dash + 1};
    if (to.text.find('-') != std::string_view::npos) {
      fail_at(spec, item.offset, "\"" + std::string(item.text) + "\" is not a range a-b");
    }
    const int a = parse_value(spec, from, item);
    const int b = parse_value(spec, to, item);
    set_range(spec, bits, a, b, step, item);
    return bits;
  }

  // L, W and # belong to the day fields; ? too. Report them by name elsewhere.
  void reject_misplaced_specials(const Spec& spec, const Piece& item) const {
    const std::string u = upper(item.text);
    const std::string quoted = "\"" + std::string(item.text) + "\"";
    if (u.find('#') != std::string::npos) {
      fail_at(spec, item.offset, quoted + ": # (nth weekday) is only allowed in day-of-week");
    }
    if (u.find('?') != std::string::npos) {
      fail_at(spec, item.offset, quoted + ": ? is only allowed, alone, in day-of-month and day-of-week");
    }
    const bool is_day_field = spec.field == Field::day_of_month || spec.field == Field::day_of_week;
    if (!is_day_field && !u.empty() && u.back() == 'W') {
      fail_at(spec, item.offset, quoted + ": W (nearest weekday) is only allowed in day-of-month");
    }
    const bool last_form = u == "L" || u.starts_with("L-") ||
                           (u.size() > 1 && u.back() == 'L' && all_digits(std::string_view(u).substr(0, u.size() - 1)));
    if (!is_day_field && last_form) {
      fail_at(spec, item.offset, quoted + ": L (last) is only allowed in day-of-month and day-of-week");
    }
  }

  std::uint64_t parse_plain_field(const Spec& spec, const Piece& field) const {
    std::uint64_t bits = 0;
    for (const Piece& item : split(field.text, field.offset, [](char c) { return c == ','; }, true)) {
      if (item.text.empty()) fail_at(spec, item.offset, "empty list item in \"" + std::string(field.text) + "\"");
      bits |= parse_item(spec, item);
    }
    return bits;
  }

  static bool is_wildcard(std::string_view field) { return field == "*" || field == "?"; }

  void reject_lone_question_mark(const Spec& spec, const Piece& item) const {
    if (item.text.find('?') != std::string_view::npos) {
      fail_at(spec, item.offset, "\"" + std::string(item.text) + "\": ? must stand alone as the whole field");
    }
  }

  void parse_day_of_month(const Piece& field, CronExpr& e) const {
    const Spec& spec = cron_fields::kDayOfMonth;
    e.dom_restricted_ = !is_wildcard(field.text);
    if (!e.dom_restricted_) {
      e.days_ = 0xFFFFFFFEu;
      return;
    }
    for (const Piece& item : split(field.text, field.offset, [](char c) { return c == ','; }, true)) {
      if (item.text.empty()) fail_at(spec, item.offset, "empty list item in \"" + std::string(field.text) + "\"");
      reject_lone_question_mark(spec, item);
      const std::string u = upper(item.text);
      if (u == "L") {
        e.last_day_offsets_ |= 1u;
      } else if (u == "LW") {
        e.last_weekday_ = true;
      } else if (u.starts_with("L-")) {
        const Piece n{item.text.substr(2), item.offset + 2};
        if (!all_digits(n.text)) {
          fail_at(spec, n.offset, "\"" + std::string(item.text) + "\": L-n needs a number n in 0-30");
        }
        const int offset = to_number(n.text);
        if (offset > 30) fail_at(spec, n.offset, "offset " + std::string(n.text) + " in \"" +
                                                    std::string(item.text) + "\" is outside 0-30");
        e.last_day_offsets_ |= 1u << offset;
      } else if (u.size() > 1 && u.back() == 'W') {
        const Piece n{item.text.substr(0, item.text.size() - 1), item.offset};
        if (!all_digits(n.text)) {
          fail_at(spec, item.offset, "\"" + std::string(item.text) + "\": W takes a single day, e.g. 15W");
        }
        e.nearest_weekdays_ |= 1u << parse_value(spec, n, item);
      } else if (u == "W" || u.find('L') != std::string::npos) {
        fail_at(spec, item.offset, "\"" + std::string(item.text) +
                                       "\" is not a day-of-month form; expected 1-31, L, L-n, nW or LW");
      } else {
        e.days_ |= static_cast<std::uint32_t>(parse_item(spec, item));
      }
    }
  }

  void parse_day_of_week(const Piece& field, CronExpr& e) const {
    const Spec& spec = cron_fields::kDayOfWeek;
    e.dow_restricted_ = !is_wildcard(field.text);
    if (!e.dow_restricted_) {
      e.weekdays_ = 0x7F;
      return;
    }
    for (const Piece& item : split(field.text, field.offset, [](char c) { return c == ','; }, true)) {
      if (item.text.empty()) fail_at(spec, item.offset, "empty list item in \"" + std::string(field.text) + "\"");
      reject_lone_question_mark(spec, item);
      const auto hash = item.text.find('#');
      if (hash != std::string_view::npos) {
        const Piece day{item.text.substr(0, hash), item.offset};
        const Piece k{item.text.substr(hash + 1), item.offset + hash + 1};
        if (day.text.find_first_of("-/*") != std::string_view::npos) {
          fail_at(spec, item.offset, "\"" + std::string(item.text) + "\": # takes a single weekday, e.g. FRI#2");
        }
        const int w = parse_value(spec, day, item) % 7;
        if (!all_digits(k.text) || to_number(k.text) < 1 || to_number(k.text) > 5) {
          fail_at(spec, k.offset, "occurrence \"" + std::string(k.text) + "\" in \"" + std::string(item.text) +
                                      "\" is outside 1-5");
        }
        e.nth_weekday_[w] = static_cast<std::uint8_t>(e.nth_weekday_[w] | (1u << (to_number(k.text) - 1)));
        continue;
      }
      const std::string u = upper(item.text);
      if (u == "L") {
        fail_at(spec, item.offset, "\"L\" needs a weekday before it, e.g. 5L or FRIL (last Friday)");
      }
      if (u.size() > 1 && u.back() == 'L') {
        const Piece day{item.text.substr(0, item.text.size() - 1), item.offset};
        if (day.text.find_first_of("-/*") != std::string_view::npos) {
          fail_at(spec, item.offset, "\"" + std::string(item.text) + "\": L takes a single weekday, e.g. FRIL");
        }
        e.last_of_weekday_ = static_cast<std::uint8_t>(e.last_of_weekday_ | (1u << (parse_value(spec, day, item) % 7)));
        continue;
      }
      e.weekdays_ = static_cast<std::uint8_t>(e.weekdays_ | parse_item(spec, item));
    }
  }

  // "0 0 30 2 *" can never fire: say so now rather than search forever. Only
  // decidable here when day-of-week is unrestricted (then day matching does
  // not depend on DayMatch). A leap year holds every day any month can have.
  void check_day_of_month_occurs(const CronExpr& e, const Piece& dom, const Piece& month) const {
    if (e.dow_restricted_ || !e.dom_restricted_) return;
    for (unsigned m = 1; m <= 12; ++m) {
      if ((e.months_ >> m & 1u) != 0 && e.dom_mask(2024, m) != 0) return;
    }
    fail_at(cron_fields::kDayOfMonth, dom.offset,
            "\"" + std::string(dom.text) + "\" does not occur in month \"" + std::string(month.text) +
                "\", so the schedule never fires");
  }

  std::string_view text_;
};

CronExpr CronExpr::parse(std::string_view text) { return CronParser(text).parse(); }

}  // namespace sched
