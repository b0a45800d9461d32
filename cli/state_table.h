#pragma once
// The table of `sched state`, in the manner of `systemctl list-timers`:
//
//   NAME    SCHEDULE                    NEXT                     LEFT   LAST                     PASSED         RESULT  RUNS  SKIPPED
//   backup  0 8 * * * America/New_York  2026-12-01 08:00:00 EST  in 1h  2026-11-30 08:00:00 EST  22h 59min ago  ok      3     1
//   later   */5 * * * * UTC             paused                   -      -                        -              -       0     0
//
//   2 jobs listed.
//
// Columns are left-aligned and two spaces apart, trailing blanks removed.
//   SCHEDULE  the expression as written, a space, the effective zone
//   NEXT      the next fire in the job's zone ("%Y-%m-%d %H:%M:%S ABBR"),
//             "paused", "never", or "invalid" (the record describes no schedule)
//   LEFT      how long until NEXT (relative_time), or "-"
//   LAST      when the last run started (lastStartedAt, else lastRun), or "-"
//   PASSED    how long ago LAST was (relative_time), or "-"
//   RESULT    ok, failed (exit N), failed, timeout, interrupted, running, or -
//             (a run recorded as running that no scheduler holds shows as
//             interrupted: its end will never be recorded)
//   RUNS      currentRunCount;  SKIPPED: skippedCount

#include <chrono>
#include <string>
#include <vector>

#include "state_report.h"

namespace sched::cli {

// `d` in at most two units, the largest first, whole seconds (truncated):
// "45s", "5min", "5min 3s", "3h", "3h 2min", "1 day", "2 days 3h". The next
// smaller unit is shown only when it is not zero; zero is "0s".
std::string duration_text(std::chrono::seconds d);

// `then` relative to `now`: "in 3h 2min" when later, "5min ago" when earlier
// (or at the same second: "0s ago").
std::string relative_time(InstantMs then, InstantMs now);

// "2024-01-15 08:00:00 CET": the wall time at `t` in `zone`, with the zone's
// abbreviation.
std::string wall_time(Instant t, const Zone& zone);

// The whole table, its last line "N jobs listed." ("1 job listed.").
std::string state_table(const std::vector<JobView>& jobs, InstantMs now);

}  // namespace sched::cli
