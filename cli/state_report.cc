#include "state_report.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "sched/cron.h"
#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {
namespace {

using Json = nlohmann::ordered_json;

// record_zone and the cron half of record_schedule, each worked out once per
// distinct text: 10,000 jobs name a dozen zones and a few thousand
// expressions, and a zone lookup or a parse costs microseconds. A failure is
// kept as its message and thrown again for every record that shares it.
class DefinitionCache {
 public:
  explicit DefinitionCache(const Zone& default_zone) : default_zone_(default_zone) {}

  // record_zone(record, default_zone).
  const Zone& zone(const JobRecord& record) {
    if (record.timezone.empty()) return default_zone_;
    return get(zones_, record.timezone, [&] { return record_zone(record, default_zone_); });
  }

  // record_schedule(record, default_zone), for a record whose zone() is `zone`.
  Schedule schedule(const JobRecord& record, const Zone& zone) {
    const ScheduleOptions options{parse_day_match(record.day_match), parse_dst_gap(record.dst_gap),
                                  parse_dst_repeat(record.dst_repeat)};
    return Schedule(get(exprs_, record.schedule, [&] { return CronExpr::parse(record.schedule); }), zone, options);
  }

 private:
  template <typename T>
  struct Entry {
    std::optional<T> value;
    std::string problem;  // set when making the value threw Error(code)
    ErrorCode code{};
  };

  // The key points into a record, which outlives the cache.
  template <typename T, typename Make>
  const T& get(std::unordered_map<std::string_view, Entry<T>>& cache, std::string_view key, Make make) {
    auto [it, fresh] = cache.try_emplace(key);
    Entry<T>& entry = it->second;
    if (fresh) {
      try {
        entry.value.emplace(make());
      } catch (const Error& e) {
        entry.problem = e.what();
        entry.code = e.code();
      } catch (...) {  // not a definition's fault: nothing to remember
        cache.erase(it);
        throw;
      }
    }
    if (!entry.value) throw Error(entry.code, entry.problem);
    return *entry.value;
  }

  const Zone& default_zone_;
  std::unordered_map<std::string_view, Entry<Zone>> zones_;
  std::unordered_map<std::string_view, Entry<CronExpr>> exprs_;
};

}  // namespace

std::vector<JobView> job_views(const std::vector<const JobRecord*>& jobs, const Zone& default_zone, InstantMs now,
                               bool runner) {
  std::vector<JobView> views;
  views.reserve(jobs.size());
  DefinitionCache definitions(default_zone);
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
      const Schedule schedule = definitions.schedule(*record, view.zone);
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
