// `sched next`: the upcoming fire times of a schedule, given as an
// expression or as the name of a job (whose zone and options then apply).

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "job_lookup.h"
#include "sched/error.h"
#include "sched/job_records.h"
#include "sched/schedule.h"

namespace sched::cli {
namespace {

struct NextOptions {
  std::string name;        // a job's name, or empty: --schedule
  std::string schedule;
  int count = 5;
  std::string zone;        // empty: the system's zone
  std::string after;       // empty: now
  bool json = false;
  std::string day_match = "any";
  std::string dst_gap = "run-after";
  std::string dst_repeat = "auto";

  const CLI::Option* schedule_option = nullptr;
  // The options that describe a schedule, which a job NAME brings itself.
  std::vector<const CLI::Option*> schedule_options;
};

[[noreturn]] void usage(const std::string& message) {
  throw Error(ErrorCode::invalid_argument, message + " (see 'sched next --help')");
}

// The schedule `o` names: the job's (its zone, or the scheduler's) or the
// one given by --schedule and the options.
Schedule chosen_schedule(const NextOptions& o, const GlobalOptions& globals, const Io& io, std::string& text) {
  const bool has_schedule = o.schedule_option->count() > 0;
  if (o.name.empty() && !has_schedule) usage("give a job NAME or --schedule EXPR");
  if (!o.name.empty()) {
    if (has_schedule) usage("give a job NAME or --schedule EXPR, not both");
    for (const CLI::Option* option : o.schedule_options) {
      if (option->count() > 0) {
        usage(option->get_name() + " cannot be used with a job NAME (the job's own zone and options apply)");
      }
    }
    const Context context = resolve_context(globals, io);
    const StateDocument doc = load_view(context, io);
    const JobRecord& record = find_job(doc, o.name);
    text = record.schedule;
    return record_schedule(record, default_zone(context.settings));
  }
  text = o.schedule;
  const CronExpr expr = CronExpr::parse(o.schedule);
  const Zone zone = o.zone.empty() ? Zone::system() : Zone::locate(o.zone);
  const ScheduleOptions options{parse_day_match(o.day_match), parse_dst_gap(o.dst_gap),
                                parse_dst_repeat(o.dst_repeat)};
  return Schedule(expr, zone, options);
}

int run_next(const NextOptions& o, const GlobalOptions& globals, Io& io) {
  std::string text;
  const Schedule schedule = chosen_schedule(o, globals, io, text);
  const CronExpr& expr = schedule.expr();
  const Zone& zone = schedule.zone();
  const ScheduleOptions& options = schedule.options();
  const InstantMs after = o.after.empty() ? io.now() : parse_time(o.after, zone);

  std::vector<Instant> fires;
  Instant t = date::floor<std::chrono::seconds>(after);
  for (int i = 0; i < o.count; ++i) {
    const auto fire = schedule.next(t);
    if (!fire) break;
    fires.push_back(*fire);
    t = *fire;
  }
  if (fires.empty()) {
    throw Error(ErrorCode::invalid_schedule,
                "schedule \"" + text + "\" never fires after " + format_rfc3339(after) + " in " +
                    zone.name() + " (day-match " + to_string(options.day_match) + ")");
  }

  if (o.json) {
    nlohmann::ordered_json doc;
    if (!o.name.empty()) doc["name"] = o.name;
    doc["schedule"] = expr.to_string();
    doc["timezone"] = zone.name();
    doc["dayMatch"] = to_string(options.day_match);
    doc["dstGap"] = to_string(options.dst_gap);
    doc["dstRepeat"] = to_string(options.dst_repeat);
    doc["after"] = format_rfc3339(after);
    doc["nextRuns"] = nlohmann::ordered_json::array();
    for (Instant f : fires) doc["nextRuns"].push_back(format_rfc3339(f));
    io.out << doc.dump(2) << "\n";
  } else {
    for (Instant f : fires) io.out << format_local(f, zone) << "  " << format_rfc3339(f) << "\n";
  }
  return kExitOk;
}

}  // namespace

Command register_next(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<NextOptions>();
  CLI::App* app = root.add_subcommand("next", "Print the upcoming fire times of a job or a schedule");
  app->add_option("name", o->name, "A job whose schedule, zone and options to use (instead of --schedule)")
      ->type_name("NAME");
  o->schedule_option =
      app->add_option("-s,--schedule", o->schedule, "Cron expression (5 or 6 fields, or a macro such as @daily)")
          ->type_name("EXPR");
  app->add_option("-n,--count", o->count, "How many fire times to print")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  o->schedule_options.push_back(
      app->add_option("--tz", o->zone, "IANA time zone, e.g. Europe/Berlin (default: the system's zone)"));
  app->add_option("--after", o->after,
                  "Start after this time: RFC 3339 (2024-03-10T06:30:00Z) or a wall time in the zone "
                  "(\"2024-03-10 01:30\"); default: now");
  app->add_flag("--json", o->json, "Print a JSON document instead of text");
  o->schedule_options.push_back(
      app->add_option("--day-match", o->day_match, "When both day fields are restricted: any (either) or all (both)")
          ->check(CLI::IsMember({"any", "all"}))
          ->capture_default_str());
  o->schedule_options.push_back(
      app->add_option("--dst-gap", o->dst_gap, "Fire times that a spring-forward skips: run-after or skip")
          ->check(CLI::IsMember({"run-after", "skip"}))
          ->capture_default_str());
  o->schedule_options.push_back(
      app->add_option("--dst-repeat", o->dst_repeat, "Fire times that a fall-back repeats: auto, first or both")
          ->check(CLI::IsMember({"auto", "first", "both"}))
          ->capture_default_str());
  return {app, [o, &globals](Io& io) { return run_next(*o, globals, io); }};
}

}  // namespace sched::cli
