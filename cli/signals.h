#pragma once
// The signals `sched run`, `sched catchup` and `sched trigger` take
// themselves: SIGINT, SIGTERM and SIGHUP are blocked in every thread (so
// the threads the runner starts inherit the mask) and taken with sigwait.
// SIGPIPE is ignored, so that a closed stdout is an error, not a death.
// The previous mask and SIGPIPE disposition come back when it is destroyed.

#include <signal.h>

#include <chrono>

namespace sched::cli {

class BlockedSignals {
 public:
  BlockedSignals();
  ~BlockedSignals();
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  // The next of the blocked signals; waits forever.
  int wait() const;
  // The next of them, or 0 when none came within `limit`.
  int wait_for(std::chrono::milliseconds limit) const;

 private:
  sigset_t set_{};
  sigset_t previous_{};
  struct sigaction previous_pipe_ {};
};

}  // namespace sched::cli
