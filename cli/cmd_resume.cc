// `sched resume NAME... | --all`: scheduling again from now on. The fires
// missed while paused are not owed: the watermark moves to now.

#include <algorithm>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "pause_resume.h"
#include "sched/error.h"

namespace sched::cli {
namespace {

// The config file's definition of `name` when it says `enabled = false`: the
// next merge of the config would pause the job again.
const JobDefinition* disabled_in_config(const Context& context, const std::string& name) {
  if (!context.config) return nullptr;
  const auto& jobs = context.config->jobs;
  const auto it = std::find_if(jobs.begin(), jobs.end(), [&](const JobDefinition& def) { return def.name == name; });
  return it != jobs.end() && !it->enabled ? &*it : nullptr;
}

}  // namespace

Command register_resume(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<PauseResumeOptions>();
  CLI::App* app = root.add_subcommand("resume", "Schedule paused jobs again (runs missed while paused are not owed)");
  add_pause_resume_options(*app, *o, "resume");
  return {app, [o, &globals](Io& io) {
            return change_jobs(*o, globals, io, "resume", [&](JobRecord& record, const Context& context, InstantMs now,
                                                              bool& changed) {
              if (disabled_in_config(context, record.name) != nullptr) {
                const std::string where = context.config->file.string();
                if (o->all) return "job " + record.name + " stays paused (enabled = false in " + where + ")";
                throw Error(ErrorCode::job_from_config,
                            "job " + record.name + " is disabled in " + where + " (enabled = false); change it there");
              }
              if (record.enabled) return "job " + record.name + " was not paused";
              record.enabled = true;
              record.watermark = std::max(record.watermark.value_or(now), now);
              changed = true;
              return "resumed job " + record.name;
            });
          }};
}

}  // namespace sched::cli
