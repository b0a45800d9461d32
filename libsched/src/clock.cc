#include "sched/clock.h"

#include <algorithm>

namespace sched {

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
  cv.wait_until(lock, std::chrono::system_clock::time_point{deadline.time_since_epoch()});
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
