// The catch-up planner (SPEC §4). The missed fires (watermark, now] split, from
// the oldest, into:
//   (watermark, eligible_after]  older than now - window: skipped_window
//   (eligible_after, now]        inside the window: the newest max_missed_runs
//                                run, the older ones are skipped_limit
// The sizes come from Schedule::count (O(days)); only the fires that run, and
// the two ends of the skipped stretch, are found with prev()/next() steps, so
// the cost never depends on the number of missed fires.

#include "sched/catchup.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "sched/config.h"

namespace sched {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The last instant whose fires are older than the window, i.e. fires f with
// f < now - window; `watermark` when the window reaches back past it.
Instant window_start(const CatchupPolicy& policy, Instant watermark, Instant now) {
  if (!policy.window) return watermark;
  const milliseconds window = *policy.window;
  // A negative window holds nothing: every missed fire is older than it.
  if (window < milliseconds{0}) return now;
  if (window >= milliseconds{now - watermark}) return watermark;
  // Fires are whole seconds: f < now - window  <=>  f <= ceil(now - window) - 1s.
  const Instant oldest_kept = date::ceil<seconds>(InstantMs{now} - window);
  return std::max(watermark, oldest_kept - seconds{1});
}

}  // namespace

CatchupPlan plan_catchup(const Schedule& schedule, const CatchupPolicy& policy, Instant watermark, Instant now) {
  CatchupPlan plan;
  if (watermark >= now) return plan;

  if (!policy.catch_up || policy.max_missed_runs <= 0) {
    plan.missed = schedule.count(watermark, now);
    plan.skipped_off = plan.missed;
    if (plan.missed > 0) {
      plan.first_skipped = schedule.next(watermark);
      plan.last_skipped = schedule.prev(now + seconds{1});
    }
    return plan;
  }

  const Instant eligible_after = window_start(policy, watermark, now);
  plan.skipped_window = schedule.count(watermark, eligible_after);
  const std::uint64_t eligible = schedule.count(eligible_after, now);
  plan.missed = plan.skipped_window + eligible;

  // The newest fires, found newest first, then put oldest first.
  const std::uint64_t to_run = std::min(eligible, static_cast<std::uint64_t>(policy.max_missed_runs));
  plan.runs.reserve(static_cast<std::size_t>(to_run));
  Instant cursor = now + seconds{1};
  while (plan.runs.size() < to_run) {
    const std::optional<Instant> fire = schedule.prev(cursor);
    if (!fire || *fire <= eligible_after) break;  // cannot happen while count() agrees with prev()
    plan.runs.push_back(*fire);
    cursor = *fire;
  }
  std::reverse(plan.runs.begin(), plan.runs.end());
  plan.skipped_limit = eligible - plan.runs.size();

  if (plan.skipped() > 0) {
    plan.first_skipped = schedule.next(watermark);
    // The newest skipped fire is just before the oldest run, or, when the
    // limit skipped nothing, the newest fire older than the window.
    Instant newest_skipped_before = eligible_after + seconds{1};
    if (plan.skipped_limit > 0) newest_skipped_before = plan.runs.empty() ? now + seconds{1} : plan.runs.front();
    plan.last_skipped = schedule.prev(newest_skipped_before);
  }
  return plan;
}

namespace {

std::vector<std::pair<std::uint64_t, std::string>> skip_reasons(const CatchupPlan& plan, const CatchupPolicy& policy) {
  std::vector<std::pair<std::uint64_t, std::string>> reasons;
  if (plan.skipped_off > 0) {
    reasons.emplace_back(plan.skipped_off, policy.catch_up ? "max_missed_runs is 0" : "catch-up is off");
  }
  if (plan.skipped_window > 0) {
    reasons.emplace_back(plan.skipped_window, "older than catch_up_window " + format_duration(*policy.window));
  }
  if (plan.skipped_limit > 0) {
    reasons.emplace_back(plan.skipped_limit, "over max_missed_runs " + std::to_string(policy.max_missed_runs));
  }
  return reasons;
}

}  // namespace

std::string describe_skips(const CatchupPlan& plan, const CatchupPolicy& policy) {
  const auto reasons = skip_reasons(plan, policy);
  std::string text;
  for (const auto& [count, why] : reasons) {
    text += (text.empty() ? "" : ", ") + (reasons.size() == 1 ? why : std::to_string(count) + " " + why);
  }
  return text;
}

std::string describe_skip(const CatchupPlan& plan, const CatchupPolicy& policy, std::uint64_t index) {
  // Skipped fires are, oldest first: those older than the window, then those over the limit.
  const auto reasons = skip_reasons(plan, policy);
  if (plan.skipped_off > 0 || index >= plan.skipped_window) return reasons.back().second;
  return reasons.front().second;
}

}  // namespace sched
