#include "state_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <string>

#include "sched/error.h"

namespace sched {

StateWatch::StateWatch(const std::filesystem::path& state_file, std::function<void()> on_change,
                       std::function<void()> on_clock_set)
    : file_name_(state_file.filename().string()),
      on_change_(std::move(on_change)),
      on_clock_set_(std::move(on_clock_set)) {
  const std::filesystem::path folder = state_file.has_parent_path() ? state_file.parent_path() : ".";
  inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (inotify_fd_ < 0) throw Error(ErrorCode::io, std::string("cannot watch the state file: ") + std::strerror(errno));
  if (::inotify_add_watch(inotify_fd_, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE) < 0) {
    const int err = errno;
    ::close(inotify_fd_);
    throw Error(ErrorCode::io, "cannot watch " + folder.string() + ": " + std::strerror(err));
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  timer_fd_ = ::timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ >= 0 && !arm_clock_timer()) {
    ::close(timer_fd_);
    timer_fd_ = -1;
  }
  thread_ = std::thread([this] { watch(); });
}

StateWatch::~StateWatch() {
  const std::uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) {
    // An eventfd write fails only on overflow; the thread is being stopped anyway.
  }
  if (thread_.joinable()) thread_.join();
  ::close(inotify_fd_);
  ::close(stop_fd_);
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

// A timer far in the future that the kernel cancels when the clock is set.
bool StateWatch::arm_clock_timer() {
  itimerspec spec{};
  spec.it_value.tv_sec = std::time(nullptr) + 10L * 365 * 24 * 3600;
  return ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) == 0;
}

void StateWatch::watch() {
  pollfd fds[3] = {{stop_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}, {timer_fd_, POLLIN, 0}};
  const nfds_t count = timer_fd_ >= 0 ? 3 : 2;
  alignas(inotify_event) char buffer[8192];
  for (;;) {
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[0].revents != 0) return;
    if (fds[1].revents != 0) {
      bool changed = false;
      for (;;) {
        const ssize_t n = ::read(inotify_fd_, buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t at = 0; at < n;) {
          const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
          if (event->len > 0 && file_name_ == event->name) changed = true;
          at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
      }
      if (changed) on_change_();
    }
    if (count == 3 && fds[2].revents != 0) {
      std::uint64_t expirations = 0;
      if (::read(timer_fd_, &expirations, sizeof expirations) < 0 && errno == ECANCELED) {
        arm_clock_timer();
        on_clock_set_();
      }
    }
  }
}

}  // namespace sched
