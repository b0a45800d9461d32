#pragma once
// The catch-up planner (SPEC §4): which missed fires of one job run after a
// downtime, and how many are skipped. Pure: time comes in as arguments.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sched/schedule.h"
#include "sched/time.h"

namespace sched {

struct CatchupPolicy {
  bool catch_up = true;       // false: every missed fire is skipped
  int max_missed_runs = 5;    // at most this many of the most recent missed fires run; 0 skips all
  std::optional<std::chrono::milliseconds> window;  // fires older than now - window are skipped
};

struct CatchupPlan {
  std::vector<Instant> runs;         // the fires to run, oldest first
  std::uint64_t missed = 0;          // every fire in (watermark, now]
  std::uint64_t skipped_off = 0;     // skipped because catch-up is off or max_missed_runs is 0
  std::uint64_t skipped_window = 0;  // skipped because older than the window
  std::uint64_t skipped_limit = 0;   // skipped because more than max_missed_runs
  std::optional<Instant> first_skipped;  // the oldest skipped fire
  std::optional<Instant> last_skipped;   // the newest skipped fire

  std::uint64_t skipped() const noexcept { return skipped_off + skipped_window + skipped_limit; }
  friend bool operator==(const CatchupPlan&, const CatchupPlan&) = default;
};

// Plans one job's catch-up: the missed fires are those in (watermark, now].
// runs.size() + skipped() == missed. A watermark at or after `now` misses
// nothing. Costs O(max_missed_runs) prev() steps plus O(days between
// watermark and now) to count, never O(missed fires).
CatchupPlan plan_catchup(const Schedule& schedule, const CatchupPolicy& policy, Instant watermark, Instant now);

// Why a plan's fires were skipped, in the words of the config keys, for the
// log and the dry run: one reason alone ("over max_missed_runs 2"), several
// with their counts ("3 older than catch_up_window 1d, 2 over
// max_missed_runs 2"). Empty when nothing was skipped.
std::string describe_skips(const CatchupPlan& plan, const CatchupPolicy& policy);

// The reason for the skipped fire `index` (0 = the oldest) of `plan`.
std::string describe_skip(const CatchupPlan& plan, const CatchupPolicy& policy, std::uint64_t index);

}  // namespace sched
