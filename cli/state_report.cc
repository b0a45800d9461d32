#include "state_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {
namespace {

using Json = nlohmann::ordered_json;

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
  // Written directly rather than through a JSON tree: the state file's own
  // writer (put_job) names the record's members, and 10,000 jobs stay fast.
  std::string out = "{\n  \"schemaVersion\": 1,\n  \"generatedAt\": ";
  out += Json(format_rfc3339(now)).dump();
  out += ",\n  \"stateFile\": ";
  out += Json(std::filesystem::absolute(state_file).lexically_normal().string())
             .dump(-1, ' ', false, Json::error_handler_t::replace);
  out += ",\n  \"runner\": ";
  out += runner_pid ? "{\n    \"pid\": " + std::to_string(*runner_pid) + "\n  }" : std::string("null");
  out += ",\n  \"jobs\": [";
  bool first = true;
  for (const JobView& view : jobs) {
    JobRecord record = *view.record;
    record.next_run = view.next ? std::optional<InstantMs>(*view.next) : std::nullopt;
    out += first ? "\n    " : ",\n    ";
    first = false;
    put_job(out, record, 4,
            {{"running", view.running ? "true" : "false"},
             {"effectiveTimezone", Json(view.zone_name).dump(-1, ' ', false, Json::error_handler_t::replace)}});
  }
  out += jobs.empty() ? "]" : "\n  ]";
  out += "\n}\n";
  return out;
}

}  // namespace sched::cli
