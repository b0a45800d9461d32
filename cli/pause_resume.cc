#include "pause_resume.h"

#include <algorithm>
#include <ostream>

#include <CLI/CLI.hpp>

#include "exit_codes.h"
#include "job_lookup.h"
#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {

void add_pause_resume_options(CLI::App& app, PauseResumeOptions& o, const std::string& verb) {
  CLI::Option* names = app.add_option("names", o.names, "The jobs to " + verb)->type_name("NAME");
  app.add_flag("--all", o.all, "Every job (config jobs included) instead of NAMEs")->excludes(names);
}

int change_jobs(const PauseResumeOptions& o, const GlobalOptions& globals, Io& io, const char* command,
                const JobChange& change) {
  if (o.names.empty() && !o.all) {
    throw Error(ErrorCode::invalid_argument,
                std::string("give the names of the jobs or --all (see 'sched ") + command + " --help')");
  }
  const Context context = resolve_context(globals, io);
  std::vector<std::string> lines;
  make_store(context, io).update(
      [&](StateDocument& doc) {
        lines.clear();
        const InstantMs now = io.now();
        bool changed = context.config && !merge_config_jobs(doc, *context.config, now).empty();
        std::vector<std::string> names;
        if (o.all) {
          for (const JobRecord& record : doc.jobs) names.push_back(record.name);
        } else {
          for (const std::string& name : o.names) {
            if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
          }
          require_jobs(doc, names);
        }
        for (const std::string& name : names) lines.push_back(change(find_job(doc, name), context, now, changed));
        return changed;
      },
      CorruptFile::refuse);
  for (const std::string& line : lines) io.out << line << "\n";
  return kExitOk;
}

}  // namespace sched::cli
