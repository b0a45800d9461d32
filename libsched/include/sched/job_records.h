#pragma once
// Jobs of the `sched` command as the state file keeps them: the record of a
// new job, the schedule and catch-up policy a record describes, and the
// merge of the config file's jobs into a state document.
//
// A record's fields fall in two groups. Its definition (schedule, zone,
// options, policy, command, workdir, env, source) is written by whoever
// defines the job: `sched add`, the config merge, the library's schedule().
// Its bookkeeping (run count, watermark, last run and result, skipped count,
// next run) is written only by the scheduler that runs it.
//
// Thread safety: free functions without shared state.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sched/catchup.h"
#include "sched/config.h"
#include "sched/schedule.h"
#include "sched/state.h"
#include "sched/time.h"

namespace sched {

// The zone a record's schedule runs in: its own, or `default_zone` when it
// names none. Throws Error(unknown_zone).
Zone record_zone(const JobRecord& record, const Zone& default_zone);

// The schedule a record describes. Throws Error(invalid_schedule |
// unknown_zone | invalid_argument) for a record that does not describe one.
Schedule record_schedule(const JobRecord& record, const Zone& default_zone);

// record_zone and record_schedule with each zone and cron expression made
// once per distinct text: 10,000 jobs name a dozen zones and a few thousand
// expressions, and making a Zone or parsing an expression costs
// microseconds. Failures are not kept: each call throws what the uncached
// function would. Not thread-safe.
class ScheduleCache {
 public:
  explicit ScheduleCache(Zone default_zone) : default_zone_(std::move(default_zone)) {}

  const Zone& default_zone() const noexcept { return default_zone_; }
  const Zone& zone(const JobRecord& record);
  Schedule schedule(const JobRecord& record);
  // The same Schedule, one object for every record with the same
  // expression, zone and options (a scheduler holds it for each job).
  std::shared_ptr<const Schedule> shared_schedule(const JobRecord& record);

 private:
  Zone default_zone_;
  std::map<std::string, Zone, std::less<>> zones_;
  std::map<std::string, CronExpr, std::less<>> exprs_;
  std::unordered_map<std::string, std::shared_ptr<const Schedule>> schedules_;  // key: see shared_schedule()
};

CatchupPolicy record_policy(const JobRecord& record);

// The definition fields of a job, taken from `def` with the defaults of
// `settings`, written over `record` (its bookkeeping stays).
void set_definition(JobRecord& record, const JobDefinition& def, const SchedulerSettings& settings);

// A new job's record: its definition, enabled as `def` says, source `source`
// ("cli" or "config"), and the watermark `now` (fires before it are not owed).
JobRecord new_record(const JobDefinition& def, const SchedulerSettings& settings, const std::string& source,
                     InstantMs now);

// Whether two records define the same job (bookkeeping ignored).
bool same_definition(const JobRecord& a, const JobRecord& b);

// Makes `doc` hold the config's jobs: a job new to the state is added (its
// watermark `now`); a config job already there gets the file's definition
// and keeps its bookkeeping and its pause, except that `enabled = false` in
// the file always pauses it; a job added with `sched add` under the same
// name becomes a config job; a config job no longer in the file is removed.
// Returns one line per change, for the log (empty: nothing changed).
std::vector<std::string> merge_config_jobs(StateDocument& doc, const Config& config, InstantMs now);

}  // namespace sched
