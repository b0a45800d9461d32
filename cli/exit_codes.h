#pragma once
// The exit codes of `sched`, documented in sched(1) under EXIT STATUS. They are
// part of the interface scripts rely on: never renumber one.

namespace sched::cli {

enum ExitCode : int {
  kExitOk = 0,       // the command did what was asked
  kExitFailure = 1,  // it could not: an I/O or system error at run time
  kExitUsage = 2,    // bad input: an unknown option, a bad schedule, zone, time or value
};

}  // namespace sched::cli
