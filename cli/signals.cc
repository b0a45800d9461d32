#include "signals.h"

#include <pthread.h>

#include <cerrno>

namespace sched::cli {

BlockedSignals::BlockedSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, &previous_pipe_);
}

BlockedSignals::~BlockedSignals() {
  sigaction(SIGPIPE, &previous_pipe_, nullptr);
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int BlockedSignals::wait() const {
  for (;;) {
    const int signal = sigwaitinfo(&set_, nullptr);
    if (signal > 0) return signal;
    if (errno != EINTR) return 0;
  }
}

int BlockedSignals::wait_for(std::chrono::milliseconds limit) const {
  timespec timeout{};
  timeout.tv_sec = static_cast<time_t>(limit.count() / 1000);
  timeout.tv_nsec = static_cast<long>(limit.count() % 1000) * 1000000L;
  const int signal = sigtimedwait(&set_, nullptr, &timeout);
  return signal > 0 ? signal : 0;
}

}  // namespace sched::cli
