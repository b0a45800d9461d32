#pragma once
// Private to the executor: starting a command's process (executor_spawn.cc).
// Watching it, its timeout and its output are in executor.cc.

#include <sys/types.h>

#include <string>

#include "file_lock.h"
#include "sched/executor.h"

namespace sched::detail {

struct Spawned {
  pid_t pid = -1;  // the leader of its own process group; -1: it did not start
  UniqueFd out;    // read end of its stdout: O_CLOEXEC | O_NONBLOCK
  UniqueFd err;    // read end of its stderr: O_CLOEXEC | O_NONBLOCK
  std::string error;  // pid == -1: why, in one line
};

// Starts `spec` (see CommandSpec) with posix_spawn, which does not copy the
// caller's page tables (glibc: clone with CLONE_VM | CLONE_VFORK), so its cost
// does not grow with the scheduler's memory. Returns once the child has
// exec'd the shell (pid set), or with a one-line error (pid -1), e.g.
// `workdir /nope: No such file or directory`, `shell /bin/nosh: No such file
// or directory`, `cannot start: Resource temporarily unavailable`; a child
// that failed before its exec has been reaped. Throws std::bad_alloc only.
Spawned spawn(const CommandSpec& spec);

}  // namespace sched::detail
