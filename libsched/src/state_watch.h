#pragma once
// Wakes the runner when the state file changes (inotify on its folder: an
// atomic rename over the file, or a write to it) and when the wall clock is
// set (a CLOCK_REALTIME timerfd with TFD_TIMER_CANCEL_ON_SET). One thread
// that sleeps in poll(); it never polls on a timer.

#include <filesystem>
#include <functional>
#include <thread>

namespace sched {

class StateWatch {
 public:
  // Starts watching. Throws Error(io) when inotify cannot be set up.
  StateWatch(const std::filesystem::path& state_file, std::function<void()> on_change,
             std::function<void()> on_clock_set);
  ~StateWatch();  // stops the thread
  StateWatch(const StateWatch&) = delete;
  StateWatch& operator=(const StateWatch&) = delete;

 private:
  void watch();
  bool arm_clock_timer();

  std::string file_name_;
  std::function<void()> on_change_;
  std::function<void()> on_clock_set_;
  int inotify_fd_ = -1;
  int timer_fd_ = -1;  // -1 when timerfd is not available (the clock is then checked when the loop wakes)
  int stop_fd_ = -1;   // an eventfd written to stop the thread
  std::thread thread_;
};

}  // namespace sched
