#pragma once
// The config file (SPEC §7): a TOML file with a [scheduler] table and one
// [jobs.NAME] table per job. This header is the one place that names every
// key and its default; load_config is the one place that validates them.
//
// Problems are reported one per line as `FILE:LINE:COLUMN: message`, where
// FILE is the path as the caller gave it, and the message names the key:
//   sched.toml:12:12: jobs.backup.timeout: invalid duration "2x": expected ...
//
// Thread safety: free functions without shared state; safe from any thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sched/schedule.h"

namespace sched {

// Parses a duration: one or more `<positive integer><unit>` parts with the
// units d h m s ms, each at most once, in that (decreasing) order, e.g.
// "500ms", "30s", "5m", "2h", "7d", "1h30m", "1d12h". Throws
// Error(invalid_argument) with one line:
//   invalid duration "5x": expected a number with a unit, such as 500ms, 30s, 5m, 2h, 7d or 1h30m
// (or `invalid duration "...": too large` past about 292 million years).
std::chrono::milliseconds parse_duration(std::string_view text);

// The canonical text of `d`: its non-zero parts in decreasing units, so
// 5400000ms -> "1h30m", 500ms -> "500ms". parse_duration(format_duration(d))
// == d for every d > 0. Zero gives "0ms"; a negative d gives "-" and the
// text of -d.
std::string format_duration(std::chrono::milliseconds d);

struct SchedulerSettings {
  std::optional<std::filesystem::path> state_file;  // default: $XDG_STATE_HOME/sched/state.json
  std::string timezone;                             // IANA zone; "" = the system's zone
  bool default_catch_up = true;
  int default_max_missed_runs = 5;                  // >= 0
  std::chrono::milliseconds save_interval = std::chrono::seconds(30);
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(30);
  std::string shell = "/bin/sh";                    // commands run as `shell -c COMMAND`
  int max_concurrent = 16;                          // runs at once, all jobs together; >= 1
  std::string log_format = "text";                  // "text" or "json"
};

struct JobDefinition {
  std::string name;                                  // the NAME of [jobs.NAME] (validate_job_name)
  std::string schedule;                              // cron expression, as written; required
  std::string command;                               // shell command; required
  std::optional<std::string> timezone;               // default: [scheduler] timezone
  std::optional<bool> catch_up;                      // default: default_catch_up
  std::optional<int> max_missed_runs;                // default: default_max_missed_runs; >= 0
  std::optional<std::chrono::milliseconds> catch_up_window;  // default: unlimited
  bool protect = true;
  std::optional<std::chrono::milliseconds> timeout;  // default: none
  // load_config always sets it: an absolute path, relative ones taken from
  // the config file's folder, `~` expanded; default: the config file's folder.
  std::optional<std::filesystem::path> workdir;
  std::map<std::string, std::string> env;            // added to the scheduler's environment
  ScheduleOptions options;                           // day_match any, dst_gap run-after, dst_repeat auto
  bool enabled = true;
  std::uint32_t line = 0;                            // line of the job's table in the file (1-based)
};

struct Config {
  std::filesystem::path file;            // the path load_config was given
  SchedulerSettings scheduler;           // defaults when the file has no [scheduler]
  std::vector<JobDefinition> jobs;       // in the order of the file
};

// Reads and checks `file`. On success every value is valid: schedules parse,
// zones exist, names follow the rule, numbers are in range; state_file and
// workdir have `~`/`~/` expanded with $HOME, and a relative one is taken from
// the config file's folder. Throws:
//   Error(invalid_config, "FILE: no such file") when it does not exist (a
//   wrong path is bad input),
//   Error(io, "FILE: <strerror>") when it cannot be read,
//   Error(invalid_config, one line) when it is not a regular file, is larger
//   than 16 MiB, or could have been written by another user (the file decides
//   which commands run, so it is refused as cron refuses such crontabs):
//     refusing FILE: owned by uid N, not by this user (uid M) or root; run sched as uid N, or chown the file
//     refusing FILE: it is writable by group G (mode 0664); run chmod g-w FILE
//     refusing FILE: it is writable by others (mode 0606); run chmod o-w FILE
//   The file must be owned by the effective uid or by root; group-writable
//   is allowed only when the group is the owner's private group (its primary
//   group, named after it, with no other member: what umask 002 on systems
//   with user private groups writes), world-writable never. A symbolic link
//   is followed and its target checked (sched never writes the config),
//   Error(invalid_config, ...) listing EVERY problem, one per line (joined
//   with '\n', ordered by position) — the same lines validate_config returns.
Config load_config(const std::filesystem::path& file);

// Every problem in `file`, one `FILE:LINE:COLUMN: message` line each, ordered
// by position; empty when load_config would succeed. A TOML syntax error stops
// the check, so it is then the only line. Throws like load_config when the
// file cannot be read or is refused (missing, not a regular file, too large,
// writable or owned by another user).
std::vector<std::string> validate_config(const std::filesystem::path& file);

}  // namespace sched
