#include "add_warnings.h"

#include <sstream>

namespace sched::cli {
namespace {

using std::chrono::seconds;

// Both day fields restricted: the canonical text keeps a day field `*`
// exactly when it is unrestricted (cron.h), and day-of-month and
// day-of-week are its third-last and last fields.
bool restricts_both_days(const CronExpr& expr) {
  std::istringstream fields(expr.to_string());
  std::vector<std::string> f;
  for (std::string field; fields >> field;) f.push_back(field);
  return f.size() >= 5 && f[f.size() - 3] != "*" && f.back() != "*";
}

std::string clock_text(LocalTime t) {
  const auto day_time = t - date::floor<date::days>(t);
  return date::format(day_time % std::chrono::minutes{1} == seconds{0} ? "%H:%M" : "%H:%M:%S", t);
}

std::string day_text(LocalTime t) { return date::format("%F", date::floor<date::days>(t)); }

std::string gap_warning(const std::string& text, const Schedule& schedule, LocalTime first, LocalTime after) {
  const std::string outcome = schedule.options().dst_gap == DstGap::run_after
                                  ? "it runs at " + clock_text(after) + " instead (dst-gap run-after)"
                                  : std::string("it does not run then (dst-gap skip)");
  return "\"" + text + "\" meets the DST gap in " + schedule.zone().name() + " on " + day_text(first) + " (" +
         clock_text(first) + " to " + clock_text(after) + " does not exist): " + outcome;
}

std::string repeat_warning(const std::string& text, const Schedule& schedule, LocalTime first, LocalTime end) {
  const DstRepeat repeat = schedule.options().dst_repeat;
  const bool twice =
      repeat == DstRepeat::both || (repeat == DstRepeat::automatic && schedule.expr().hour_is_periodic());
  return "\"" + text + "\" meets the DST repeat in " + schedule.zone().name() + " on " + day_text(first) + " (" +
         clock_text(first) + " to " + clock_text(end) + " happens twice): it runs " + (twice ? "twice" : "once") +
         " (dst-repeat " + to_string(repeat) + ")";
}

}  // namespace

std::vector<std::string> add_warnings(const std::string& text, const Schedule& schedule, Instant from) {
  std::vector<std::string> out;
  const CronExpr& expr = schedule.expr();
  const DayMatch match = schedule.options().day_match;
  if (match == DayMatch::any && restricts_both_days(expr)) {
    out.push_back("\"" + text +
                  "\" restricts both day-of-month and day-of-week: it fires when either matches "
                  "(use --day-match all for both)");
  }

  const Instant until = from + date::floor<seconds>(date::years{1});
  bool gap_seen = false;
  bool repeat_seen = false;
  date::sys_info seg = schedule.zone().info(from);
  // A zone changes its offset a few times a year; the bound only guards
  // against a malformed segment list.
  for (int step = 0; step < 64 && seg.end <= until && !(gap_seen && repeat_seen); ++step) {
    const date::sys_info next = schedule.zone().info(seg.end);
    if (next.begin != seg.end) break;
    // The wall clock reads `before` just ahead of the transition and jumps to `after` at it.
    const LocalTime before{seg.end.time_since_epoch() + seg.offset};
    const LocalTime after{seg.end.time_since_epoch() + next.offset};
    if (after > before && !gap_seen && expr.next_local(before, after - seconds{1}, match)) {
      out.push_back(gap_warning(text, schedule, before, after));
      gap_seen = true;
    } else if (after < before && !repeat_seen && expr.next_local(after, before - seconds{1}, match)) {
      out.push_back(repeat_warning(text, schedule, after, before));
      repeat_seen = true;
    }
    seg = next;
  }
  return out;
}

}  // namespace sched::cli
