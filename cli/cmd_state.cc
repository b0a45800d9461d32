// `sched state`: the jobs of the state file (and the config), as a table, a
// JSON document (state_report.h) or their names.

#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "job_lookup.h"
#include "state_report.h"
#include "state_table.h"

namespace sched::cli {
namespace {

struct StateOptions {
  std::string name;  // empty: every job
  bool json = false;
  bool names = false;
};

int run_state(const StateOptions& o, const GlobalOptions& globals, Io& io) {
  const Context context = resolve_context(globals, io);
  const StateDocument doc = load_view(context, io);
  std::vector<const JobRecord*> jobs;
  if (!o.name.empty()) {
    jobs.push_back(&find_job(doc, o.name));
  } else {
    for (const JobRecord& record : doc.jobs) jobs.push_back(&record);
  }
  if (o.names) {
    for (const JobRecord* record : jobs) io.out << record->name << "\n";
    return kExitOk;
  }

  const InstantMs now = io.now();
  const std::optional<long> runner = RunnerLock::holder(context.state_file);
  const std::vector<JobView> views = job_views(jobs, default_zone(context.settings), now, runner.has_value());
  if (!globals.quiet) {
    for (const JobView& view : views) {
      if (!view.problem.empty()) io.err << "sched state: warning: job " << view.record->name << ": " << view.problem << "\n";
    }
  }
  if (o.json) {
    state_json(io.out, views, context.state_file, now, runner);
  } else {
    io.out << state_table(views, now);
  }
  return kExitOk;
}

}  // namespace

Command register_state(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<StateOptions>();
  CLI::App* app = root.add_subcommand("state", "Show the jobs: next and last run, result, run count");
  app->add_option("name", o->name, "Show only this job (exit 4 if there is none)")->type_name("NAME");
  CLI::Option* json = app->add_flag("--json", o->json, "Print a JSON document (schemaVersion 1) instead of a table");
  app->add_flag("--names", o->names, "Print only the job names, one a line")->excludes(json);
  return {app, [o, &globals](Io& io) { return run_state(*o, globals, io); }};
}

}  // namespace sched::cli
