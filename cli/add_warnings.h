#pragma once
// The warnings of `sched add` (SPEC §6): schedules whose behaviour may
// surprise, stated with what sched will do. Each warning is one line, without
// the "sched add: warning: " prefix:
//
//   "30 2 * * *" meets the DST gap in America/New_York on 2027-03-14 (02:00 to
//   03:00 does not exist): it runs at 03:00 instead (dst-gap run-after)
//   "30 1 * * *" meets the DST repeat in America/New_York on 2027-11-07 (01:00
//   to 02:00 happens twice): it runs once (dst-repeat auto)
//   "0 0 13 * 5" restricts both day-of-month and day-of-week: it fires when
//   either matches (use --day-match all for both)
//
// The dst-gap skip form ends "it does not run then (dst-gap skip)"; a repeat
// that the job fires at twice (dst-repeat both, or auto with an hour field of
// `*` or `*/n`) ends "it runs twice (dst-repeat ...)".

#include <string>
#include <vector>

#include "sched/schedule.h"
#include "sched/time.h"

namespace sched::cli {

// The warnings for `schedule`, written by the user as `text`: the day-field
// one first, then the first DST gap and the first DST repeat of the
// schedule's zone in (from, from + 1 year] that holds a matching wall time,
// in the order they happen. Empty when nothing may surprise. Never throws.
std::vector<std::string> add_warnings(const std::string& text, const Schedule& schedule, Instant from);

}  // namespace sched::cli
