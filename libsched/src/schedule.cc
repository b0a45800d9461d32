// Mapping cron matches on wall time to instants in a zone.
//
// The zone's history is a series of segments (date::sys_info) with one UTC
// offset each. Inside a segment wall time and instants correspond one to one,
// so the search walks segments: in each, it asks the CronExpr for the first
// (or last) wall-time match inside the segment's wall-time range. Two places
// need the DST rules:
//  - a spring-forward gap lies between two segments: its wall times belong to
//    neither; under dst_gap run_after a match inside it fires at the instant
//    the gap ends (the start of the later segment);
//  - a fall-back repeat is the start of the later segment, whose first wall
//    times were already lived in the earlier one; unless the job fires on the
//    second occurrence, the search in the later segment starts after them.

#include "sched/schedule.h"

#include <algorithm>
#include <string>

#include "sched/error.h"
#include "zone_segments.h"

namespace sched {
namespace {

using std::chrono::seconds;
using zone_segments::previous_segment;
using zone_segments::to_instant;
using zone_segments::to_local;

const auto kSearchSpan = date::years{Schedule::kSearchYears};

template <class Enum>
Enum parse_choice(std::string_view text, const char* what, std::initializer_list<std::pair<const char*, Enum>> choices) {
  std::string allowed;
  for (const auto& [name, value] : choices) {
    if (text == name) return value;
    allowed += std::string(allowed.empty() ? "" : ", ") + name;
  }
  throw Error(ErrorCode::invalid_argument,
              "invalid " + std::string(what) + " \"" + std::string(text) + "\": expected " + allowed);
}

}  // namespace

const char* to_string(DayMatch v) noexcept { return v == DayMatch::any ? "any" : "all"; }
const char* to_string(DstGap v) noexcept { return v == DstGap::run_after ? "run-after" : "skip"; }
const char* to_string(DstRepeat v) noexcept {
  switch (v) {
    case DstRepeat::automatic: return "auto";
    case DstRepeat::first: return "first";
    case DstRepeat::both: return "both";
  }
  return "auto";
}

DayMatch parse_day_match(std::string_view text) {
  return parse_choice<DayMatch>(text, "day_match", {{"any", DayMatch::any}, {"all", DayMatch::all}});
}
DstGap parse_dst_gap(std::string_view text) {
  return parse_choice<DstGap>(text, "dst_gap", {{"run-after", DstGap::run_after}, {"skip", DstGap::skip}});
}
DstRepeat parse_dst_repeat(std::string_view text) {
  return parse_choice<DstRepeat>(text, "dst_repeat",
                      {{"auto", DstRepeat::automatic}, {"first", DstRepeat::first}, {"both", DstRepeat::both}});
}

const Instant Schedule::kEarliest{date::sys_days{date::year{1} / 1 / 1}};
const Instant Schedule::kLatest{date::sys_days{date::year{10000} / 1 / 1} - seconds{1}};

Schedule::Schedule(CronExpr expr, Zone zone, ScheduleOptions options)
    : expr_(std::move(expr)), zone_(std::move(zone)), options_(options) {}

bool Schedule::fires_on_second_occurrence() const noexcept {
  switch (options_.dst_repeat) {
    case DstRepeat::both: return true;
    case DstRepeat::first: return false;
    case DstRepeat::automatic: return expr_.hour_is_periodic();
  }
  return false;
}

std::optional<Instant> Schedule::next(Instant after) const {
  const DayMatch match = options_.day_match;
  if (after >= kLatest) return std::nullopt;
  after = std::max(after, kEarliest - seconds{1});
  const Instant horizon = std::min(after + date::floor<seconds>(kSearchSpan), kLatest + seconds{1});
  if (const auto offset = zone_.fixed_offset()) {
    const auto found = expr_.next_local(to_local(after + seconds{1}, *offset),
                                         to_local(horizon - seconds{1}, *offset), match);
    if (!found) return std::nullopt;
    return to_instant(*found, *offset);
  }
  const bool second_occurrence = fires_on_second_occurrence();
  for (Instant t = after + seconds{1}; t < horizon;) {
    const date::sys_info seg = zone_.info(t);
    const date::sys_info before = previous_segment(zone_, seg);
    if (t == seg.begin && before.offset < seg.offset && options_.dst_gap == DstGap::run_after) {
      const LocalTime gap_first = to_local(seg.begin, before.offset);
      const LocalTime gap_last = to_local(seg.begin, seg.offset) - seconds{1};
      if (expr_.next_local(gap_first, gap_last, match)) return seg.begin;
    }
    LocalTime from = to_local(t, seg.offset);
    if (!second_occurrence && before.offset > seg.offset) {
      from = std::max(from, to_local(seg.begin, before.offset));
    }
    const Instant seg_end = std::min(seg.end, horizon);
    if (seg_end <= t) return std::nullopt;  // never loop on a malformed segment
    const auto found = expr_.next_local(from, to_local(seg_end, seg.offset) - seconds{1}, match);
    if (found) return to_instant(*found, seg.offset);
    t = seg_end;
  }
  return std::nullopt;
}

std::optional<Instant> Schedule::prev(Instant before) const {
  const DayMatch match = options_.day_match;
  if (before <= kEarliest) return std::nullopt;
  before = std::min(before, kLatest + seconds{1});
  const Instant horizon = std::max(before - date::floor<seconds>(kSearchSpan), kEarliest);
  if (const auto offset = zone_.fixed_offset()) {
    const auto found = expr_.prev_local(to_local(before - seconds{1}, *offset), to_local(horizon, *offset), match);
    if (!found) return std::nullopt;
    return to_instant(*found, *offset);
  }
  const bool second_occurrence = fires_on_second_occurrence();
  for (Instant t = before - seconds{1}; t >= horizon;) {
    const date::sys_info seg = zone_.info(t);
    const date::sys_info earlier = previous_segment(zone_, seg);
    const Instant seg_begin = std::max(seg.begin, horizon);
    if (seg_begin > t) return std::nullopt;  // never loop on a malformed segment
    LocalTime lowest = to_local(seg_begin, seg.offset);
    if (!second_occurrence && earlier.offset > seg.offset) {
      lowest = std::max(lowest, to_local(seg.begin, earlier.offset));
    }
    const auto found = expr_.prev_local(to_local(t, seg.offset), lowest, match);
    if (found) return to_instant(*found, seg.offset);
    if (seg.begin >= horizon && earlier.offset < seg.offset && options_.dst_gap == DstGap::run_after) {
      const LocalTime gap_first = to_local(seg.begin, earlier.offset);
      const LocalTime gap_last = to_local(seg.begin, seg.offset) - seconds{1};
      if (expr_.next_local(gap_first, gap_last, match)) return seg.begin;
    }
    t = seg_begin - seconds{1};
  }
  return std::nullopt;
}

}  // namespace sched
