#pragma once
// The one place libsched asks what time it is. The scheduler loop takes a
// Clock; everything below it takes time as an argument. ManualClock lets
// tests drive days of schedule in milliseconds.
//
// Thread safety: every method may be called from any thread.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "sched/time.h"

namespace sched {

class Clock {
 public:
  virtual ~Clock() = default;

  // Wall-clock time (it may jump when the clock is set or after a suspend).
  virtual InstantMs now() const = 0;

  // Time that only moves forward, at the rate of real time while the
  // process runs; the scheduler compares it with now() to tell a jump of
  // the wall clock from time passing.
  virtual std::chrono::milliseconds elapsed() const = 0;

  // Blocks on `cv` (with `lock` held on entry and on return) until now()
  // reaches `deadline` or `cv` is notified. `seen` is the time the caller
  // last acted on: a clock that can tell returns at once when it has moved
  // since (ManualClock does; SystemClock, whose time always moves, relies
  // on the deadline). May return early; callers re-check their state and
  // the time. Wakes when the wall clock is set past the deadline.
  virtual void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                          InstantMs deadline, InstantMs seen) = 0;
};

// The operating system's clocks: CLOCK_REALTIME and CLOCK_MONOTONIC.
class SystemClock final : public Clock {
 public:
  InstantMs now() const override;
  std::chrono::milliseconds elapsed() const override;
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, InstantMs deadline,
                  InstantMs seen) override;

  // A process-wide instance.
  static SystemClock& instance();
};

// A clock that moves only when told to. advance() is time passing; set() is
// the wall clock being set (elapsed() does not move).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(InstantMs start);

  InstantMs now() const override;
  std::chrono::milliseconds elapsed() const override;
  void wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, InstantMs deadline,
                  InstantMs seen) override;

  void advance(std::chrono::milliseconds by);
  void set(InstantMs to);

 private:
  struct Waiter {
    std::mutex* mutex;
    std::condition_variable* cv;
  };
  void wake_waiters();

  mutable std::mutex mutex_;
  InstantMs now_;
  std::chrono::milliseconds elapsed_{0};
  std::vector<Waiter> waiters_;
};

}  // namespace sched
