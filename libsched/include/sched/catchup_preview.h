#pragma once
// What a start of the runner at a given instant would do with each job's
// missed fires (SPEC §4), by the rules the runner applies at start-up, and
// changing nothing: the answer of `sched catchup --dry-run`.
//
// Thread safety: a pure function.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sched/catchup.h"
#include "sched/state.h"
#include "sched/zone.h"

namespace sched {

struct CatchupPreview {
  std::string name;
  std::string schedule;
  std::string zone;                      // the zone it runs in
  std::optional<InstantMs> watermark;    // as stored; empty: nothing is owed before the start
  bool has_command = true;               // false: a library job, which `sched run` leaves alone
  bool paused = false;                   // its missed fires are not owed (skipped_paused counts them)
  bool interrupted = false;              // a run recorded as running is marked interrupted, never rerun
  bool watermark_in_future = false;      // more than a day after `at`: moved to `at`, nothing missed
  std::uint64_t skipped_paused = 0;
  CatchupPlan plan;                      // missed fires of an enabled job: runs and skips
  std::optional<std::string> problem;    // why the job cannot be scheduled (bad schedule or zone)

  std::uint64_t missed() const noexcept { return paused ? skipped_paused : plan.missed; }
};

// One entry per job of `doc`, in its order. Jobs without a zone run in
// `default_zone`.
std::vector<CatchupPreview> preview_catchup(const StateDocument& doc, const Zone& default_zone, InstantMs at);

}  // namespace sched
