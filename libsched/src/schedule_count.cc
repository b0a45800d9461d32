// Counting the fires of a Schedule in (after, until] without visiting them.
//
// This walks the zone's segments exactly as Schedule::next() does (see the
// comment at the top of schedule.cc) and, in each, counts the wall-time
// matches next() would step through instead of finding the first:
//  - a segment's wall-time range starts at the wall time of its first instant
//    in range, raised past the repeated wall times after a fall-back unless
//    the job fires on the second occurrence;
//  - a segment that ends a spring-forward gap holding a match (dst_gap
//    run_after) fires once at its first instant; next() then resumes one
//    second later, so a match at that same instant's own wall time is the
//    same fire and is not counted again.
// Because next() is a pure function of its argument, the fires form one set
// and count(a, b) is the number of next() steps from a that stay <= b. The
// one difference: next() gives up after kSearchYears without a fire, which a
// cron pattern (repeating every 400 years) cannot hit in a fixed-offset zone;
// count() does not model it for zones whose rules change.

#include <algorithm>
#include <cstdint>

#include "sched/schedule.h"
#include "zone_segments.h"

namespace sched {
namespace {

using std::chrono::seconds;
using zone_segments::previous_segment;
using zone_segments::to_local;

}  // namespace

std::uint64_t Schedule::count(Instant after, Instant until) const {
  const DayMatch match = options_.day_match;
  // next() never answers before kEarliest nor after kLatest.
  const Instant first = std::max(after + seconds{1}, kEarliest);
  const Instant last = std::min(until, kLatest);
  if (last < first) return 0;
  if (const auto offset = zone_.fixed_offset()) {
    return expr_.count_local(to_local(first, *offset), to_local(last, *offset), match);
  }
  const bool second_occurrence = fires_on_second_occurrence();
  std::uint64_t total = 0;
  for (Instant t = first; t <= last;) {
    const date::sys_info seg = zone_.info(t);
    const date::sys_info before = previous_segment(zone_, seg);
    if (seg.end <= t) break;  // never loop on a malformed segment, as next() does
    LocalTime from = to_local(t, seg.offset);
    if (t == seg.begin && before.offset < seg.offset && options_.dst_gap == DstGap::run_after) {
      const LocalTime gap_first = to_local(seg.begin, before.offset);
      const LocalTime gap_last = to_local(seg.begin, seg.offset) - seconds{1};
      if (expr_.next_local(gap_first, gap_last, match)) {
        ++total;
        from += seconds{1};  // the gap's fire is this instant: its own match is the same fire
      }
    }
    if (!second_occurrence && before.offset > seg.offset) {
      from = std::max(from, to_local(seg.begin, before.offset));
    }
    const Instant seg_last = std::min(seg.end - seconds{1}, last);
    total += expr_.count_local(from, to_local(seg_last, seg.offset), match);
    t = seg_last + seconds{1};
  }
  return total;
}

}  // namespace sched
