#include "sched/job_records.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "sched/cron.h"
#include "sched/zone.h"

namespace sched {

Zone record_zone(const JobRecord& record, const Zone& default_zone) {
  return record.timezone.empty() ? default_zone : Zone::locate(record.timezone);
}

Schedule record_schedule(const JobRecord& record, const Zone& default_zone) {
  const ScheduleOptions options{parse_day_match(record.day_match), parse_dst_gap(record.dst_gap),
                                parse_dst_repeat(record.dst_repeat)};
  return Schedule(CronExpr::parse(record.schedule), record_zone(record, default_zone), options);
}

const Zone& ScheduleCache::zone(const JobRecord& record) {
  if (record.timezone.empty()) return default_zone_;
  auto found = zones_.find(record.timezone);
  if (found == zones_.end()) found = zones_.emplace(record.timezone, Zone::locate(record.timezone)).first;
  return found->second;
}

Schedule ScheduleCache::schedule(const JobRecord& record) {
  const ScheduleOptions options{parse_day_match(record.day_match), parse_dst_gap(record.dst_gap),
                                parse_dst_repeat(record.dst_repeat)};
  auto expr = exprs_.find(record.schedule);
  if (expr == exprs_.end()) expr = exprs_.emplace(record.schedule, CronExpr::parse(record.schedule)).first;
  return Schedule(expr->second, zone(record), options);
}

std::shared_ptr<const Schedule> ScheduleCache::shared_schedule(const JobRecord& record) {
  std::string key;
  key.reserve(record.schedule.size() + record.timezone.size() + record.day_match.size() + record.dst_gap.size() +
              record.dst_repeat.size() + 4);
  for (const std::string* part : {&record.schedule, &record.timezone, &record.day_match, &record.dst_gap}) {
    key += *part;
    key += '\0';
  }
  key += record.dst_repeat;
  auto found = schedules_.find(key);
  if (found == schedules_.end()) {
    found = schedules_.emplace(std::move(key), std::make_shared<const Schedule>(schedule(record))).first;
  }
  return found->second;
}

CatchupPolicy record_policy(const JobRecord& record) {
  return CatchupPolicy{record.catch_up, record.max_missed_runs, record.catch_up_window};
}

void set_definition(JobRecord& record, const JobDefinition& def, const SchedulerSettings& settings) {
  record.name = def.name;
  record.schedule = def.schedule;
  record.timezone = def.timezone.value_or("");
  record.catch_up = def.catch_up.value_or(settings.default_catch_up);
  record.max_missed_runs = def.max_missed_runs.value_or(settings.default_max_missed_runs);
  record.catch_up_window = def.catch_up_window;
  record.protect = def.protect;
  record.timeout = def.timeout;
  record.command = def.command;
  record.workdir = def.workdir ? std::optional<std::string>(def.workdir->string()) : std::nullopt;
  record.env = def.env;
  record.day_match = to_string(def.options.day_match);
  record.dst_gap = to_string(def.options.dst_gap);
  record.dst_repeat = to_string(def.options.dst_repeat);
}

JobRecord new_record(const JobDefinition& def, const SchedulerSettings& settings, const std::string& source,
                     InstantMs now) {
  JobRecord record;
  set_definition(record, def, settings);
  record.enabled = def.enabled;
  record.source = source;
  record.watermark = now;
  return record;
}

bool same_definition(const JobRecord& a, const JobRecord& b) {
  const auto definition = [](const JobRecord& r) {
    return std::tie(r.name, r.schedule, r.timezone, r.catch_up, r.max_missed_runs, r.catch_up_window, r.protect,
                    r.timeout, r.command, r.workdir, r.env, r.day_match, r.dst_gap, r.dst_repeat, r.source);
  };
  return definition(a) == definition(b);
}

std::vector<std::string> merge_config_jobs(StateDocument& doc, const Config& config, InstantMs now) {
  std::vector<std::string> changes;
  const std::string file = config.file.string();
  std::map<std::string, const JobDefinition*> defined;
  for (const JobDefinition& def : config.jobs) defined.emplace(def.name, &def);

  std::erase_if(doc.jobs, [&](const JobRecord& record) {
    if (record.source != "config" || defined.count(record.name) != 0) return false;
    changes.push_back("job " + record.name + ": removed (no longer in " + file + ")");
    return true;
  });
  // Positions, not pointers: new jobs are appended as the loop goes.
  std::unordered_map<std::string, std::size_t> position;
  position.reserve(doc.jobs.size());
  for (std::size_t i = 0; i < doc.jobs.size(); ++i) position.emplace(doc.jobs[i].name, i);
  for (const JobDefinition& def : config.jobs) {
    const auto found = position.find(def.name);
    if (found == position.end()) {
      doc.jobs.push_back(new_record(def, config.scheduler, "config", now));
      changes.push_back("job " + def.name + ": added from " + file);
      continue;
    }
    JobRecord* record = &doc.jobs[found->second];
    JobRecord updated = *record;
    set_definition(updated, def, config.scheduler);
    if (record->source != "config") {
      changes.push_back("job " + def.name + ": now defined by " + file + " (it was added by " +
                        (record->source == "cli" ? std::string("sched add") : "the library") + ")");
      updated.source = "config";
    } else if (!same_definition(*record, updated)) {
      changes.push_back("job " + def.name + ": definition updated from " + file);
    }
    if (!def.enabled && updated.enabled) {
      updated.enabled = false;
      updated.next_run.reset();
      changes.push_back("job " + def.name + ": paused (enabled = false in " + file + ")");
    }
    *record = std::move(updated);
  }
  return changes;
}

}  // namespace sched
