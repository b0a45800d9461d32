#include "job_lookup.h"

#include <algorithm>

#include "sched/error.h"
#include "sched/job.h"

namespace sched::cli {

Zone default_zone(const SchedulerSettings& settings) {
  return settings.timezone.empty() ? Zone::system() : Zone::locate(settings.timezone);
}

// A name that breaks the job-name rule (a newline, a '/') is bad input,
// reported in one line, not looked up.
const JobRecord& find_job(const StateDocument& doc, const std::string& name) {
  validate_job_name(name);
  const JobRecord* record = doc.find(name);
  if (record == nullptr) throw Error(ErrorCode::job_not_found, "no job named " + name);
  return *record;
}

JobRecord& find_job(StateDocument& doc, const std::string& name) {
  return const_cast<JobRecord&>(find_job(std::as_const(doc), name));
}

void require_jobs(const StateDocument& doc, const std::vector<std::string>& names) {
  for (const std::string& name : names) validate_job_name(name);
  std::vector<std::string> missing;
  for (const std::string& name : names) {
    if (doc.find(name) == nullptr && std::find(missing.begin(), missing.end(), name) == missing.end()) {
      missing.push_back(name);
    }
  }
  if (missing.empty()) return;
  std::string list;
  for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
  throw Error(ErrorCode::job_not_found, (missing.size() == 1 ? "no job named " : "no jobs named ") + list);
}

void refuse_config_job(const Context& context, const JobRecord* record, const std::string& name) {
  const bool in_config =
      context.config && std::any_of(context.config->jobs.begin(), context.config->jobs.end(),
                                    [&](const JobDefinition& def) { return def.name == name; });
  if (!in_config && (record == nullptr || record->source != "config")) return;
  // A config job left in the state after its file went away is still the
  // runner's to remove: it merges the config on its next start or reload.
  const std::string file = in_config ? context.config->file.string() : "a config file";
  throw Error(ErrorCode::job_from_config, "job " + name + " is defined in " + file + "; change it there");
}

}  // namespace sched::cli
