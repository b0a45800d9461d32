#include "state_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {
namespace {

using Json = nlohmann::ordered_json;

// The record's members exactly as the state file writes them: the state
// file's own writer is the one place that names them.
Json record_json(const JobRecord& record) {
  StateDocument one;
  one.jobs.push_back(record);
  return Json::parse(to_json(one)).at("jobs").at(0);
}

}  // namespace

std::vector<JobView> job_views(const std::vector<const JobRecord*>& jobs, const Zone& default_zone, InstantMs now,
                               bool runner) {
  std::vector<JobView> views;
  views.reserve(jobs.size());
  for (const JobRecord* record : jobs) {
    JobView view;
    view.record = record;
    view.zone_name = record->timezone.empty() ? default_zone.name() : record->timezone;
    view.running = runner && record->last_status == "running";
    try {
      view.zone = record_zone(*record, default_zone);
      const Schedule schedule = record_schedule(*record, default_zone);
      const InstantMs from = std::max(now, record->watermark.value_or(now));
      if (record->enabled) view.next = schedule.next(date::floor<std::chrono::seconds>(from));
    } catch (const Error& e) {
      view.problem = e.what();
    }
    views.push_back(std::move(view));
  }
  return views;
}

std::string state_json(const std::vector<JobView>& jobs, const std::filesystem::path& state_file, InstantMs now,
                       std::optional<long> runner_pid) {
  Json doc;
  doc["schemaVersion"] = 1;
  doc["generatedAt"] = format_rfc3339(now);
  doc["stateFile"] = std::filesystem::absolute(state_file).lexically_normal().string();
  doc["runner"] = runner_pid ? Json{{"pid", *runner_pid}} : Json(nullptr);
  doc["jobs"] = Json::array();
  for (const JobView& view : jobs) {
    Json job = record_json(*view.record);
    job["nextRun"] = view.next ? Json(format_rfc3339(*view.next)) : Json(nullptr);
    job["running"] = view.running;
    job["effectiveTimezone"] = view.zone_name;
    doc["jobs"].push_back(std::move(job));
  }
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace sched::cli
