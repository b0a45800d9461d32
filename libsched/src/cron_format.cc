// The canonical text of a CronExpr (see CronExpr::to_string for the rules).

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "cron_fields.h"
#include "sched/cron.h"

namespace sched {

using cron_fields::Spec;

class CronFormatter {
 public:
  static std::string format(const CronExpr& e) {
    std::string out;
    if (e.seconds_ != 1) out += plain(cron_fields::kSecond, e.seconds_, false) + " ";
    out += plain(cron_fields::kMinute, e.minutes_, false) + " ";
    out += plain(cron_fields::kHour, e.hours_, false) + " ";
    out += day_of_month(e) + " ";
    out += plain(cron_fields::kMonth, e.months_, false) + " ";
    out += day_of_week(e);
    return out;
  }

 private:
  static bool has(std::uint64_t bits, int v) { return (bits >> v & 1u) != 0; }

  // `*`, `*/n`, `a/n`, or runs: "a-b" for three or more, else single values.
  static std::string plain(const Spec& spec, std::uint64_t bits, bool restricted) {
    const int lo = spec.lo;
    const int hi = spec.cycle_hi;
    const std::uint64_t full = ((std::uint64_t{1} << (hi + 1)) - 1) & ~((std::uint64_t{1} << lo) - 1);
    if (bits == full && !restricted) return "*";
    if (auto step = progression(bits, lo, hi)) return *step;
    std::string out;
    for (int v = lo; v <= hi; ++v) {
      if (!has(bits, v)) continue;
      int end = v;
      while (end + 1 <= hi && has(bits, end + 1)) ++end;
      if (!out.empty()) out += ",";
      if (end - v >= 2) {
        out += std::to_string(v) + "-" + std::to_string(end);
      } else {
        out += std::to_string(v);
        if (end > v) out += "," + std::to_string(end);
      }
      v = end;
    }
    return out;
  }

  // A set a, a+n, … that runs to the end of the field, n >= 2: `*/n` when it
  // starts at the field's first value, `a/n` otherwise (three values or more).
  static std::optional<std::string> progression(std::uint64_t bits, int lo, int hi) {
    const int count = std::popcount(bits);
    if (count < 2) return std::nullopt;
    const int a = std::countr_zero(bits);
    const int n = std::countr_zero(bits >> (a + 1)) + 1;
    if (n < 2) return std::nullopt;
    std::uint64_t expected = 0;
    for (int v = a; v <= hi; v += n) expected |= std::uint64_t{1} << v;
    if (expected != bits) return std::nullopt;
    if (a == lo) return "*/" + std::to_string(n);
    if (count >= 3) return std::to_string(a) + "/" + std::to_string(n);
    return std::nullopt;
  }

  static void append(std::string& out, const std::string& item) {
    if (!out.empty()) out += ",";
    out += item;
  }

  static std::string day_of_month(const CronExpr& e) {
    if (!e.dom_restricted_) return "*";
    std::string out;
    if (e.days_ != 0) out = plain(cron_fields::kDayOfMonth, e.days_, true);
    for (int n = 0; n <= 30; ++n) {
      if (has(e.last_day_offsets_, n)) append(out, n == 0 ? "L" : "L-" + std::to_string(n));
    }
    for (int d = 1; d <= 31; ++d) {
      if (has(e.nearest_weekdays_, d)) append(out, std::to_string(d) + "W");
    }
    if (e.last_weekday_) append(out, "LW");
    return out;
  }

  static std::string day_of_week(const CronExpr& e) {
    if (!e.dow_restricted_) return "*";
    std::string out;
    if (e.weekdays_ != 0) out = plain(cron_fields::kDayOfWeek, e.weekdays_, true);
    for (int w = 0; w < 7; ++w) {
      if (has(e.last_of_weekday_, w)) append(out, std::to_string(w) + "L");
    }
    for (int w = 0; w < 7; ++w) {
      for (int k = 1; k <= 5; ++k) {
        if (has(e.nth_weekday_[w], k - 1)) append(out, std::to_string(w) + "#" + std::to_string(k));
      }
    }
    return out;
  }
};

std::string CronExpr::to_string() const { return CronFormatter::format(*this); }

}  // namespace sched
