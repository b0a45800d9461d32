#include "state_report.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
  ScheduleCache definitions(default_zone);
  const Zone utc = Zone::utc();  // a zone lookup: once, not once a job
  for (const JobRecord* record : jobs) {
    JobView view{.record = record,
                 .zone = utc,
                 .zone_name = record->timezone.empty() ? default_zone.name() : record->timezone,
                 .next = std::nullopt,
                 .running = runner && record->last_status == "running",
                 .problem = {}};
    try {
      view.zone = definitions.zone(*record);
      const Schedule schedule = definitions.schedule(*record);
      const InstantMs from = std::max(now, record->watermark.value_or(now));
      if (record->enabled) view.next = schedule.next(date::floor<std::chrono::seconds>(from));
    } catch (const Error& e) {
      view.problem = e.what();
    }
    views.push_back(std::move(view));
  }
  return views;
}

void state_json(std::ostream& os, const std::vector<JobView>& jobs, const std::filesystem::path& state_file,
                InstantMs now, std::optional<long> runner_pid) {
  // Written directly rather than through a JSON tree: the state file's own
  // writer (put_job) names the record's members, and 10,000 jobs stay fast.
  constexpr std::size_t kPiece = 64 * 1024;
  std::string out = "{\n  \"schemaVersion\": 1,\n  \"generatedAt\": ";
  out.reserve(kPiece + 4096);
  out += Json(format_rfc3339(now)).dump();
  out += ",\n  \"stateFile\": ";
  out += Json(std::filesystem::absolute(state_file).lexically_normal().string())
             .dump(-1, ' ', false, Json::error_handler_t::replace);
  out += ",\n  \"runner\": ";
  out += runner_pid ? "{\n    \"pid\": " + std::to_string(*runner_pid) + "\n  }" : std::string("null");
  out += ",\n  \"jobs\": [";
  std::unordered_map<std::string_view, std::string> zone_texts;  // zone name → its JSON text
  UnknownFields extra{{"running", ""}, {"effectiveTimezone", ""}};
  bool first = true;
  for (const JobView& view : jobs) {
    // put_job writes the record's own nextRun: the copy carries the computed one.
    JobRecord record = *view.record;
    record.next_run = view.next ? std::optional<InstantMs>(*view.next) : std::nullopt;
    auto [zone_text, fresh] = zone_texts.try_emplace(view.zone_name);
    if (fresh) zone_text->second = Json(view.zone_name).dump(-1, ' ', false, Json::error_handler_t::replace);
    extra[0].second = view.running ? "true" : "false";
    extra[1].second = zone_text->second;
    out += first ? "\n    " : ",\n    ";
    first = false;
    put_job(out, record, 4, extra);
    if (out.size() >= kPiece) {
      os << out;
      out.clear();
    }
  }
  out += jobs.empty() ? "]" : "\n  ]";
  out += "\n}\n";
  os << out;
}

}  // namespace sched::cli
