#pragma once
// Helpers shared by the searches (schedule.cc) and the counting
// (schedule_count.cc), which must walk a zone's segments identically.

#include <chrono>

#include <date/tz.h>

#include "sched/time.h"
#include "sched/zone.h"

namespace sched::zone_segments {

inline LocalTime to_local(Instant t, std::chrono::seconds offset) { return LocalTime{t.time_since_epoch() + offset}; }
inline Instant to_instant(LocalTime t, std::chrono::seconds offset) { return Instant{t.time_since_epoch() - offset}; }

// Segment boundaries before this are the tz database's "beginning of time".
inline const Instant kEarliestTransition{date::sys_days{date::year{1800} / 1 / 1}};

// The segment before `seg`, or `seg` itself when there is none.
inline date::sys_info previous_segment(const Zone& zone, const date::sys_info& seg) {
  if (seg.begin <= kEarliestTransition) return seg;
  return zone.info(seg.begin - std::chrono::seconds{1});
}

}  // namespace sched::zone_segments
