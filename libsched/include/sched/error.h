#pragma once
// The one error vocabulary of libsched: every failure that crosses the public
// API is a sched::Error carrying a code. Hot paths (next/prev) never throw;
// "never fires" is an empty optional, not an error.

#include <stdexcept>
#include <string>

namespace sched {

enum class ErrorCode {
  invalid_schedule,  // a cron expression that does not parse or can never fire
  unknown_zone,      // an IANA zone name the tz database does not know
  invalid_time,      // a timestamp that does not parse or does not exist
  invalid_argument,  // any other value outside what is allowed
  state_corrupt,     // a state file that is not valid sched state (left in place)
  state_version,     // a state file written by a newer major version (left untouched)
  state_busy,        // the state file's lock was not free within the wait
  scheduler_running, // another scheduler holds the state file
  io,                // the file system refused (permission, missing folder, full disk)
  job_not_found,     // no job has that name
  job_exists,        // a job already has that name
  invalid_job,       // a job definition that breaks a rule (name, limits)
  invalid_config,    // a config file with syntax errors, unknown keys, wrong types or bad values
  job_from_config,   // the job is defined in the config file; change it there
};

// Returns a stable lower-case name for `code`, e.g. "invalid_schedule".
const char* to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace sched
