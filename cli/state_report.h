#pragma once
// What `sched state` reports about each job, computed once for the table
// (state_table.h) and the JSON document, and the JSON document itself.
//
// The JSON document (schemaVersion 1; a member is never renamed or removed
// within it, new ones may appear):
//   {"schemaVersion": 1, "generatedAt": "<RFC 3339>", "stateFile": "/abs/path",
//    "runner": null | {"pid": N},
//    "jobs": [ { every member of the job's record under its state-file name, in
//                the state file's order (unknown members too), with
//                "nextRun": the next fire after max(now, watermark) as RFC 3339,
//                           null when paused, never firing or invalid,
//                then "running": true while a run is going (lastStatus
//                           "running" and a runner holds the file),
//                "effectiveTimezone": the zone the schedule runs in } ] }

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "sched/state.h"
#include "sched/zone.h"

namespace sched::cli {

struct JobView {
  const JobRecord* record = nullptr;  // points into the document given to job_views
  Zone zone = Zone::utc();            // the zone its times are shown in
  std::string zone_name;              // the effective zone (the record's own when it names an unknown one)
  std::optional<Instant> next;        // the next fire; empty when paused, never or invalid
  bool running = false;               // a run is going now
  std::string problem;                // why the record describes no schedule; "" when it does
};

// The views of `jobs` (pointers into `doc`), in the same order. `runner`: a
// scheduler holds the state file now.
std::vector<JobView> job_views(const std::vector<const JobRecord*>& jobs, const Zone& default_zone, InstantMs now,
                               bool runner);

// Writes the document above to `out`, pretty-printed (two-space indent,
// trailing newline). It goes out in pieces of about 64 KB as they fill:
// 10,000 jobs make 10 MB of text, which need not be in memory at once.
void state_json(std::ostream& out, const std::vector<JobView>& jobs, const std::filesystem::path& state_file,
                InstantMs now, std::optional<long> runner_pid);

}  // namespace sched::cli
