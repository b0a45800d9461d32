// `sched catchup`: what a start now (or at --at) would run and skip, per job
// (--dry-run, changing nothing); without --dry-run, that catch-up performed
// in the foreground when no runner holds the state file.

#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "run_session.h"
#include "sched/catchup_preview.h"
#include "sched/error.h"
#include "sched/job_records.h"
#include "sched/schedule.h"

namespace sched::cli {
namespace {

// Skipped fires are listed one by one up to this many per job; past it, as
// one line with the count and the first and last.
constexpr std::uint64_t kListedSkips = 20;

struct CatchupOptions {
  bool dry_run = false;
  std::string at;  // empty: now
  bool json = false;
};

Zone default_zone(const Context& context) {
  return context.settings.timezone.empty() ? Zone::system() : Zone::locate(context.settings.timezone);
}

const char* reason_key(const CatchupPreview& p, std::uint64_t index) {
  if (p.plan.skipped_off > 0) return "catch-up-off";
  return index < p.plan.skipped_window ? "window" : "limit";
}

// The skipped fires in time order (only called when there are few).
std::vector<Instant> skipped_fires(const CatchupPreview& p, const Schedule& schedule) {
  std::vector<Instant> fires;
  Instant t = date::floor<std::chrono::seconds>(*p.watermark);
  while (fires.size() < p.plan.skipped()) {
    const auto fire = schedule.next(t);
    if (!fire) break;
    t = *fire;
    if (std::find(p.plan.runs.begin(), p.plan.runs.end(), *fire) == p.plan.runs.end()) fires.push_back(*fire);
  }
  return fires;
}

std::string when(Instant t, const Zone& zone) { return format_local(t, zone) + "  " + format_rfc3339(t); }

void print_text(const std::vector<CatchupPreview>& previews, const StateDocument& doc, const Zone& zone_default,
                const Context& context, InstantMs at, std::ostream& out) {
  out << "catch-up at a start at " << format_rfc3339(at) << " (state " << context.state_file.string() << ")\n";
  std::uint64_t runs = 0, skipped = 0;
  // preview_catchup gives one entry per job, in the document's order.
  for (std::size_t i = 0; i < previews.size(); ++i) {
    const CatchupPreview& p = previews[i];
    const JobRecord& record = doc.jobs[i];
    out << "\n" << p.name << ": " << p.schedule << " in " << (p.zone.empty() ? "?" : p.zone) << "\n";
    if (p.problem) {
      out << "  not scheduled: " << *p.problem << "\n";
      continue;
    }
    if (!p.has_command) {
      out << "  a library job without a command: sched run leaves it alone\n";
      continue;
    }
    if (p.interrupted) out << "  its run recorded as running is marked interrupted (never run again)\n";
    if (p.watermark_in_future) {
      out << "  its watermark " << format_rfc3339(*p.watermark)
          << " is more than a day in the future: it is moved to the start, nothing missed\n";
      continue;
    }
    if (p.paused) {
      out << "  paused: " << p.skipped_paused << " missed fire" << (p.skipped_paused == 1 ? "" : "s")
          << " not owed (not run)\n";
      continue;
    }
    if (p.plan.missed == 0) {
      out << "  nothing missed"
          << (p.watermark ? " since " + format_rfc3339(*p.watermark) : std::string(" (a new job)")) << "\n";
      continue;
    }
    const Zone zone = record_zone(record, zone_default);
    out << "  " << p.plan.missed << " missed since " << format_rfc3339(*p.watermark) << "\n";
    runs += p.plan.runs.size();
    skipped += p.plan.skipped();
    if (p.plan.skipped() <= kListedSkips) {
      const Schedule schedule = record_schedule(record, zone_default);
      std::uint64_t index = 0;
      for (Instant fire : skipped_fires(p, schedule)) {
        out << "  skip  " << when(fire, zone) << "  (" << describe_skip(p.plan, record_policy(record), index++) << ")\n";
      }
    } else {
      out << "  skip  " << p.plan.skipped() << " fires from " << when(*p.plan.first_skipped, zone) << " to "
          << when(*p.plan.last_skipped, zone) << " (";
      out << describe_skips(p.plan, record_policy(record)) << ")\n";
    }
    for (Instant fire : p.plan.runs) out << "  run   " << when(fire, zone) << "  (catch-up)\n";
  }
  out << "\n" << runs << " catch-up run" << (runs == 1 ? "" : "s") << ", " << skipped << " skipped fire"
      << (skipped == 1 ? "" : "s") << ".\n";
}

void print_json(const std::vector<CatchupPreview>& previews, const StateDocument& doc, const Zone& zone_default,
                const Context& context, InstantMs at, std::ostream& out) {
  using nlohmann::ordered_json;
  ordered_json root;
  root["schemaVersion"] = 1;
  root["at"] = format_rfc3339(at);
  root["stateFile"] = std::filesystem::absolute(context.state_file).string();
  root["jobs"] = ordered_json::array();
  const auto instant = [](const std::optional<InstantMs>& t) { return t ? ordered_json(format_rfc3339(*t)) : ordered_json(); };
  // preview_catchup gives one entry per job, in the document's order.
  for (std::size_t i = 0; i < previews.size(); ++i) {
    const CatchupPreview& p = previews[i];
    const JobRecord& record = doc.jobs[i];
    ordered_json job;
    job["name"] = p.name;
    job["schedule"] = p.schedule;
    job["timezone"] = p.zone;
    job["watermark"] = instant(p.watermark);
    job["enabled"] = !p.paused;
    job["hasCommand"] = p.has_command;
    job["interrupted"] = p.interrupted;
    job["watermarkInFuture"] = p.watermark_in_future;
    job["problem"] = p.problem ? ordered_json(*p.problem) : ordered_json();
    job["missed"] = p.missed();
    job["runs"] = ordered_json::array();
    for (Instant fire : p.plan.runs) job["runs"].push_back(format_rfc3339(fire));
    ordered_json skipped;
    skipped["count"] = p.paused ? p.skipped_paused : p.plan.skipped();
    skipped["paused"] = p.skipped_paused;
    skipped["catchUpOff"] = p.plan.skipped_off;
    skipped["window"] = p.plan.skipped_window;
    skipped["limit"] = p.plan.skipped_limit;
    skipped["first"] = p.plan.first_skipped ? ordered_json(format_rfc3339(*p.plan.first_skipped)) : ordered_json();
    skipped["last"] = p.plan.last_skipped ? ordered_json(format_rfc3339(*p.plan.last_skipped)) : ordered_json();
    job["skipped"] = skipped;
    // Every missed fire in time order, when there are few enough to list.
    if (!p.paused && !p.problem && p.plan.skipped() <= kListedSkips) {
      ordered_json fires = ordered_json::array();
      std::vector<std::pair<Instant, std::string>> all;
      std::uint64_t index = 0;
      if (p.plan.skipped() > 0) {
        for (Instant fire : skipped_fires(p, record_schedule(record, zone_default))) {
          all.emplace_back(fire, reason_key(p, index++));
        }
      }
      for (Instant fire : p.plan.runs) all.emplace_back(fire, "");
      std::sort(all.begin(), all.end());
      for (const auto& [fire, reason] : all) {
        ordered_json item;
        item["at"] = format_rfc3339(fire);
        item["action"] = reason.empty() ? "run" : "skip";
        item["reason"] = reason.empty() ? ordered_json() : ordered_json(reason);
        fires.push_back(item);
      }
      job["fires"] = fires;
    } else {
      job["fires"] = nullptr;
    }
    root["jobs"].push_back(job);
  }
  out << root.dump(2) << "\n";
}

int perform_catchup(const GlobalOptions& globals, Io& io) {
  const Context context = resolve_context(globals, io);
  limit_malloc_arenas();
  const BlockedSignals signals;  // before any thread: the event log's writer is one
  EventLog events(io.out, log_format("", context), globals.quiet ? -1 : globals.verbose, io.now);
  const LogSink log = events.sink();
  Runner runner(runner_config(context, events));
  runner.start();
  for (;;) {
    if (runner.wait_quiet(std::chrono::milliseconds(100))) {
      stop_runner(runner, signals, log, context.settings.shutdown_grace, "catch-up done");
      return kExitOk;
    }
    const int signal = signals.wait_for(std::chrono::milliseconds(100));
    if (signal == SIGINT || signal == SIGTERM) {
      stop_runner(runner, signals, log, context.settings.shutdown_grace, signal == SIGINT ? "SIGINT" : "SIGTERM");
      return kExitOk;
    }
  }
}

int run_catchup(const CatchupOptions& o, const GlobalOptions& globals, Io& io) {
  if (!o.dry_run) return perform_catchup(globals, io);
  const Context context = resolve_context(globals, io);
  const Zone zone = default_zone(context);
  const InstantMs at = o.at.empty() ? io.now() : parse_time(o.at, Zone::system());
  const StateDocument doc = load_view(context, io);
  const std::vector<CatchupPreview> previews = preview_catchup(doc, zone, at);
  if (o.json) {
    print_json(previews, doc, zone, context, at, io.out);
  } else {
    print_text(previews, doc, zone, context, at, io.out);
  }
  return kExitOk;
}

}  // namespace

Command register_catchup(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<CatchupOptions>();
  CLI::App* app = root.add_subcommand(
      "catchup", "Show (--dry-run) or perform the catch-up of runs missed while no scheduler ran");
  CLI::Option* dry_run =
      app->add_flag("--dry-run", o->dry_run, "Only show what a start would run and skip, per job; change nothing");
  app->add_option("--at", o->at,
                  "With --dry-run: a start at this time instead of now: RFC 3339 or a wall time in the system's zone")
      ->needs(dry_run);
  app->add_flag("--json", o->json, "With --dry-run: print a JSON document (schemaVersion 1)")->needs(dry_run);
  return {app, [o, &globals](Io& io) { return run_catchup(*o, globals, io); }};
}

}  // namespace sched::cli
