// `sched add NAME -s EXPR -c CMD [job options]`: a new job in the state
// file (or, with --replace, a new definition for one), its next fire times,
// and warnings for schedules that may surprise (add_warnings.h).

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "add_warnings.h"
#include "commands.h"
#include "exit_codes.h"
#include "job_lookup.h"
#include "job_options.h"
#include "sched/error.h"
#include "sched/job_records.h"

namespace sched::cli {
namespace {

constexpr int kShownRuns = 3;

struct AddOptions {
  JobOptions job;
  bool replace = false;
};

void print_job(const JobRecord& record, const Schedule& schedule, bool replaced, InstantMs now, Io& io) {
  io.out << (replaced ? "replaced" : "added") << " job " << record.name << (record.enabled ? "" : " (paused)") << ": "
         << record.schedule << " in " << schedule.zone().name() << "\n";
  if (!record.enabled) {
    io.out << "next runs: none while paused\n";
    return;
  }
  io.out << "next runs:\n";
  Instant t = date::floor<std::chrono::seconds>(std::max(now, record.watermark.value_or(now)));
  for (int i = 0; i < kShownRuns; ++i) {
    const auto fire = schedule.next(t);
    if (!fire) break;
    io.out << "  " << format_local(*fire, schedule.zone()) << "  " << format_rfc3339(*fire) << "\n";
    t = *fire;
  }
}

int run_add(const AddOptions& o, const GlobalOptions& globals, Io& io) {
  const JobDefinition def = job_definition(o.job, std::filesystem::current_path());
  const Context context = resolve_context(globals, io);
  const InstantMs now = io.now();
  const JobRecord fresh = new_record(def, context.settings, "cli", now);
  const Schedule schedule = record_schedule(fresh, default_zone(context.settings));
  if (!schedule.next(date::floor<std::chrono::seconds>(now))) {
    throw Error(ErrorCode::invalid_schedule, "schedule \"" + def.schedule + "\" never fires after " +
                                                 format_rfc3339(now) + " in " + schedule.zone().name() +
                                                 " (day-match " + to_string(def.options.day_match) + ")");
  }
  refuse_config_job(context, nullptr, def.name);

  JobRecord result;
  bool replaced = false;
  make_store(context, io).update(
      [&](StateDocument& doc) {
        JobRecord* existing = doc.find(def.name);
        refuse_config_job(context, existing, def.name);
        if (existing == nullptr) {
          // The job exists from this write on, not from when the command
          // started: a runner may have run a fire of a job of the same name,
          // removed just before, while this command waited for the lock.
          // Stamped earlier, the new job would owe that fire and run it again.
          result = fresh;
          result.watermark = io.now();
          doc.jobs.push_back(result);
          return true;
        }
        if (!o.replace) {
          throw Error(ErrorCode::job_exists, "job " + def.name + " already exists (use --replace to redefine it)");
        }
        replaced = true;
        JobRecord updated = *existing;
        set_definition(updated, def, context.settings);
        updated.source = "cli";
        if (o.job.paused) updated.enabled = false;
        if (!updated.enabled || !same_definition(*existing, updated)) updated.next_run.reset();
        result = updated;
        if (updated == *existing) return false;
        *existing = std::move(updated);
        return true;
      },
      CorruptFile::refuse);

  print_job(result, schedule, replaced, now, io);
  if (!globals.quiet) {
    for (const std::string& warning : add_warnings(def.schedule, schedule, date::floor<std::chrono::seconds>(now))) {
      io.err << "sched add: warning: " << warning << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

Command register_add(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<AddOptions>();
  CLI::App* app = root.add_subcommand("add", "Add a job: a schedule and a shell command");
  add_job_options(*app, o->job);
  app->add_flag("--replace", o->replace,
                "Redefine the job if it exists, keeping its run count, watermark and last run (and its pause "
                "unless --paused)");
  return {app, [o, &globals](Io& io) { return run_add(*o, globals, io); }};
}

}  // namespace sched::cli
