#include "sched/catchup_preview.h"

#include "sched/error.h"
#include "sched/job_records.h"
#include "sched/schedule.h"

namespace sched {

// The same steps as SchedulerEngine::adopt_locked, without the changes.
std::vector<CatchupPreview> preview_catchup(const StateDocument& doc, const Zone& default_zone, InstantMs at) {
  const Instant now = date::floor<std::chrono::seconds>(at);
  std::vector<CatchupPreview> previews;
  previews.reserve(doc.jobs.size());
  for (const JobRecord& record : doc.jobs) {
    CatchupPreview preview;
    preview.name = record.name;
    preview.schedule = record.schedule;
    preview.watermark = record.watermark;
    preview.has_command = record.command.has_value();
    preview.paused = !record.enabled;
    preview.interrupted = record.last_status == "running";
    try {
      preview.zone = record_zone(record, default_zone).name();
      const Schedule schedule = record_schedule(record, default_zone);
      if (record.watermark && *record.watermark > InstantMs{now} + std::chrono::hours{24}) {
        preview.watermark_in_future = true;
      } else if (record.watermark && preview.has_command) {
        const Instant watermark = date::floor<std::chrono::seconds>(*record.watermark);
        if (watermark < now) {
          if (preview.paused) {
            preview.skipped_paused = schedule.count(watermark, now);
          } else {
            preview.plan = plan_catchup(schedule, record_policy(record), watermark, now);
          }
        }
      }
    } catch (const Error& e) {
      preview.problem = e.what();
    }
    previews.push_back(std::move(preview));
  }
  return previews;
}

}  // namespace sched
