#include "sched/clock.h"

#include <algorithm>
#include <thread>

namespace sched {

namespace {

// How long before a deadline SystemClock::wait_until stops sleeping.
constexpr std::chrono::microseconds kSpinLead{500};

}  // namespace

InstantMs SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::chrono::milliseconds SystemClock::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
}

void SystemClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                             InstantMs deadline, InstantMs /*seen*/) {
  // A system_clock deadline is an absolute CLOCK_REALTIME wait: the kernel
  // wakes it when the wall clock passes the deadline, including after the
  // clock is set forward or the machine resumes from suspend.
  const std::chrono::system_clock::time_point until{deadline.time_since_epoch()};
  // A timed sleep ends 0.1-0.3 ms after its deadline (timer slack and the
  // wake-up; more on a virtual machine), and every run due then starts that
  // much later. So it sleeps until kSpinLead before the deadline, and gives
  // the CPU away until the deadline: about 0.3 ms of CPU a wake-up, none
  // while idle, and the waiter wakes within microseconds.
  if (std::chrono::system_clock::now() < until - kSpinLead) {
    if (cv.wait_until(lock, until - kSpinLead) == std::cv_status::no_timeout) return;  // notified
  }
  // The rest of the wait is measured once on the wall clock and spun on
  // the steady clock: a wall clock set meanwhile cannot keep it spinning,
  // and the wall clock is read twice a wake-up, not thousands of times
  // (a clock that is costly to read, or faked by an LD_PRELOAD library
  // that reads a file on every call, would feel each read).
  const auto left = std::clamp<std::chrono::system_clock::duration>(until - std::chrono::system_clock::now(),
                                                                    std::chrono::system_clock::duration::zero(),
                                                                    kSpinLead);
  const auto spin_end = std::chrono::steady_clock::now() + left;
  lock.unlock();
  while (std::chrono::steady_clock::now() < spin_end) std::this_thread::yield();
  lock.lock();
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(InstantMs start) : now_(start) {}

InstantMs ManualClock::now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

std::chrono::milliseconds ManualClock::elapsed() const {
  std::lock_guard guard(mutex_);
  return elapsed_;
}

void ManualClock::wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, InstantMs deadline,
                             InstantMs seen) {
  // Registering before reading the time closes the window in which a
  // concurrent advance() could pass unseen: either this wait sees the new
  // time, or advance() sees the waiter and notifies it under its mutex.
  {
    std::lock_guard guard(mutex_);
    waiters_.push_back({lock.mutex(), &cv});
    if (now_ >= deadline || now_ != seen) {
      waiters_.pop_back();
      return;
    }
  }
  cv.wait(lock);
  std::lock_guard guard(mutex_);
  const auto it = std::find_if(waiters_.begin(), waiters_.end(), [&](const Waiter& w) { return w.cv == &cv; });
  if (it != waiters_.end()) waiters_.erase(it);
}

void ManualClock::advance(std::chrono::milliseconds by) {
  {
    std::lock_guard guard(mutex_);
    now_ += by;
    elapsed_ += by;
  }
  wake_waiters();
}

void ManualClock::set(InstantMs to) {
  {
    std::lock_guard guard(mutex_);
    now_ = to;
  }
  wake_waiters();
}

void ManualClock::wake_waiters() {
  std::vector<Waiter> waiters;
  {
    std::lock_guard guard(mutex_);
    waiters = waiters_;
  }
  for (const Waiter& w : waiters) {
    // Taking the waiter's mutex means it is inside cv.wait() (or has not yet
    // registered and will see the new time), so the notification is not lost.
    { std::lock_guard waiter_guard(*w.mutex); }
    w.cv->notify_all();
  }
}

}  // namespace sched
