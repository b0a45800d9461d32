// The clock seam: ManualClock moves only when told, and a wait on it ends
// as soon as its time moves.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "sched/clock.h"
#include "support/test_clock.h"

using namespace std::chrono_literals;
using sched::test::utc;

TEST_CASE("advance moves wall time and elapsed time; set moves only wall time", "[clock]") {
  sched::ManualClock clock(utc(2024, 1, 15, 8));
  clock.advance(90s);
  CHECK(clock.now() == utc(2024, 1, 15, 8, 1, 30));
  CHECK(clock.elapsed() == 90s);
  clock.set(utc(2024, 1, 15, 7));
  CHECK(clock.now() == utc(2024, 1, 15, 7));
  CHECK(clock.elapsed() == 90s);
}

TEST_CASE("a wait on a ManualClock returns when its deadline passes or its time moved", "[clock]") {
  sched::ManualClock clock(utc(2024, 1, 15, 8));
  std::mutex mutex;
  std::condition_variable cv;
  std::unique_lock lock(mutex);
  // Already past the deadline, or moved since `seen`: no wait at all.
  clock.wait_until(lock, cv, utc(2024, 1, 15, 8), utc(2024, 1, 15, 8));
  clock.wait_until(lock, cv, utc(2024, 1, 15, 9), utc(2024, 1, 15, 7));

  // Waiting for 09:00: an advance from another thread ends the wait (a lost
  // wake-up would hang here until ctest's timeout).
  std::thread mover([&] {
    // Taking the mutex proves the waiter is inside wait_until.
    { std::lock_guard guard(mutex); }
    clock.advance(1h);
  });
  clock.wait_until(lock, cv, utc(2024, 1, 15, 9), utc(2024, 1, 15, 8));
  lock.unlock();
  mover.join();
  CHECK(clock.now() == utc(2024, 1, 15, 9));
}

TEST_CASE("a wait on the SystemClock ends at its deadline, not before, with the lock held", "[clock]") {
  sched::SystemClock& clock = sched::SystemClock::instance();
  std::mutex mutex;
  std::condition_variable cv;
  std::unique_lock lock(mutex);
  // It sleeps until shortly before the deadline and yields the rest.
  const sched::InstantMs deadline = clock.now() + 30ms;
  clock.wait_until(lock, cv, deadline, clock.now());
  CHECK(lock.owns_lock());
  CHECK(clock.now() >= deadline);
}

TEST_CASE("a wait on the SystemClock ends when it is notified", "[clock]") {
  sched::SystemClock& clock = sched::SystemClock::instance();
  std::mutex mutex;
  std::condition_variable cv;
  std::unique_lock lock(mutex);
  std::thread notifier([&] {
    // Taking the mutex proves the waiter is inside wait_until.
    { std::lock_guard guard(mutex); }
    cv.notify_all();
  });
  // An hour away: a notification lost would hang here until ctest's timeout.
  const sched::InstantMs deadline = clock.now() + 1h;
  clock.wait_until(lock, cv, deadline, clock.now());
  CHECK(lock.owns_lock());
  CHECK(clock.now() < deadline);
  lock.unlock();
  notifier.join();
}
