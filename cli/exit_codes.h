#pragma once
// The exit codes of `sched`, documented in sched(1) under EXIT STATUS. They are
// part of the interface scripts rely on: never renumber one.

#include "sched/error.h"

namespace sched::cli {

enum ExitCode : int {
  kExitOk = 0,        // the command did what was asked
  kExitFailure = 1,   // it could not: an I/O or system error, an unreadable state file, a job run that failed
  kExitUsage = 2,     // bad input: an unknown option, a bad schedule, zone, time, value or config file
  kExitBusy = 3,      // the state file is in use: another scheduler holds it, or its lock stayed busy
  kExitNoJob = 4,     // no job has the name given
  kExitConflict = 5,  // the name is taken, or the job belongs to the config file
};

// The exit code for a command that failed with `code`.
ExitCode exit_code_for(ErrorCode code) noexcept;

}  // namespace sched::cli
