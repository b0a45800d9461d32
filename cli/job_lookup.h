#pragma once
// Finding the jobs a command names in a state document, with the errors every
// subcommand reports the same way:
//   no job named NAME                                   (exit 4)
//   job NAME is defined in FILE; change it there        (exit 5)

#include <string>
#include <vector>

#include "context.h"
#include "sched/state.h"
#include "sched/zone.h"

namespace sched::cli {

// The zone of jobs that name none: the config's [scheduler] timezone, else
// the system's. Throws Error(unknown_zone) for a zone the tz database lacks.
Zone default_zone(const SchedulerSettings& settings);

// The job `name` in `doc`. Throws Error(job_not_found): "no job named NAME".
const JobRecord& find_job(const StateDocument& doc, const std::string& name);
JobRecord& find_job(StateDocument& doc, const std::string& name);

// Throws Error(job_not_found) naming every name in `names` that `doc` lacks:
// "no job named a" or "no jobs named a, b". Returns when all are there.
void require_jobs(const StateDocument& doc, const std::vector<std::string>& names);

// Throws Error(job_from_config) when `name` belongs to the config file: the
// context's config defines it, or `record` (may be null) came from a config.
void refuse_config_job(const Context& context, const JobRecord* record, const std::string& name);

}  // namespace sched::cli
