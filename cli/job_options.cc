#include "job_options.h"

#include <climits>

#include <CLI/CLI.hpp>

#include "sched/cron.h"
#include "sched/error.h"
#include "sched/job.h"
#include "sched/zone.h"

namespace sched::cli {
namespace {

std::chrono::milliseconds duration_option(const char* option, const std::string& text) {
  try {
    return parse_duration(text);
  } catch (const Error& e) {
    throw Error(e.code(), std::string(option) + ": " + e.what());
  }
}

// "KEY=VALUE" split at the first '='; the value may hold anything.
std::pair<std::string, std::string> env_entry(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(ErrorCode::invalid_argument,
                "--env: expected KEY=VALUE with a non-empty KEY, found \"" + text + "\"");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace

void add_job_options(CLI::App& app, JobOptions& o) {
  app.add_option("name", o.name, "Job name: 1-64 of A-Z a-z 0-9 . _ -, not starting with . or -")
      ->type_name("NAME")
      ->required();
  app.add_option("-s,--schedule", o.schedule, "Cron expression (5 or 6 fields, or a macro such as @daily)")
      ->type_name("EXPR")
      ->required();
  app.add_option("-c,--command", o.command, "Shell command to run (with the configured shell, default /bin/sh -c)")
      ->type_name("CMD")
      ->required();
  app.add_option("--tz", o.zone, "IANA time zone of the schedule (default: the scheduler's zone)")
      ->type_name("ZONE");
  CLI::Option* catch_up = app.add_flag("--catch-up", o.catch_up, "Run missed fires after a downtime (default)");
  app.add_flag("--no-catch-up", o.no_catch_up, "Skip every fire missed during a downtime")->excludes(catch_up);
  app.add_option("--max-missed-runs", o.max_missed_runs,
                 "Run at most the N most recent missed fires (default: the scheduler's, 5)")
      ->type_name("N")
      ->check(CLI::Range(0, INT_MAX));
  app.add_option("--catch-up-window", o.catch_up_window,
                 "Skip missed fires older than this, e.g. 7d or 1h30m (default: no limit)")
      ->type_name("DUR");
  CLI::Option* protect =
      app.add_flag("--protect", o.protect, "Skip a fire while the job's last run is still going (default)");
  app.add_flag("--no-protect", o.no_protect, "Let runs of the job overlap")->excludes(protect);
  app.add_option("--timeout", o.timeout, "Stop a run after this long, e.g. 30s or 2h (default: none)")
      ->type_name("DUR");
  app.add_option("--workdir", o.workdir, "Folder the command runs in (default: the current folder)")
      ->type_name("DIR");
  app.add_option("--env", o.env, "Add KEY=VALUE to the command's environment (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);  // one KEY=VALUE per --env: a NAME after it stays the NAME
  app.add_option("--day-match", o.day_match, "When both day fields are restricted: any (either) or all (both)")
      ->check(CLI::IsMember({"any", "all"}))
      ->capture_default_str();
  app.add_option("--dst-gap", o.dst_gap, "Fire times that a spring-forward skips: run-after or skip")
      ->check(CLI::IsMember({"run-after", "skip"}))
      ->capture_default_str();
  app.add_option("--dst-repeat", o.dst_repeat, "Fire times that a fall-back repeats: auto, first or both")
      ->check(CLI::IsMember({"auto", "first", "both"}))
      ->capture_default_str();
  app.add_flag("--paused", o.paused, "Add the job paused (sched resume starts it)");
}

JobDefinition job_definition(const JobOptions& o, const std::filesystem::path& cwd) {
  JobDefinition def;
  validate_job_name(o.name);
  def.name = o.name;
  CronExpr::parse(o.schedule);
  def.schedule = o.schedule;
  if (o.command.empty()) throw Error(ErrorCode::invalid_argument, "--command: the command is empty");
  def.command = o.command;
  if (!o.zone.empty()) {
    Zone::locate(o.zone);
    def.timezone = o.zone;
  }
  if (o.catch_up || o.no_catch_up) def.catch_up = o.catch_up;
  if (o.max_missed_runs >= 0) def.max_missed_runs = o.max_missed_runs;
  if (!o.catch_up_window.empty()) def.catch_up_window = duration_option("--catch-up-window", o.catch_up_window);
  def.protect = !o.no_protect;
  if (!o.timeout.empty()) def.timeout = duration_option("--timeout", o.timeout);
  std::filesystem::path workdir = (cwd / o.workdir).lexically_normal();
  if (workdir.has_relative_path() && !workdir.has_filename()) workdir = workdir.parent_path();  // "/srv/" -> "/srv"
  def.workdir = workdir;
  for (const std::string& entry : o.env) {
    auto [key, value] = env_entry(entry);
    def.env[key] = value;  // a later --env for the same KEY wins, as in a shell
  }
  def.options = {parse_day_match(o.day_match), parse_dst_gap(o.dst_gap), parse_dst_repeat(o.dst_repeat)};
  def.enabled = !o.paused;
  return def;
}

}  // namespace sched::cli
