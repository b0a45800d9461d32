#include "sched/executor.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

#include "executor_spawn.h"
#include "file_lock.h"

namespace sched {
namespace {

using Clock = std::chrono::steady_clock;
using Status = CommandResult::Status;
using namespace std::chrono_literals;

constexpr std::size_t kMaxLine = 64 * 1024;
// Once the command has ended, a process it left behind may hold its pipes
// open: read on until no output came for kDrainIdle, and never for longer
// than kDrainMax.
constexpr auto kDrainIdle = 100ms;
constexpr auto kDrainMax = 1s;
// Without a pidfd (Linux < 5.3), how often to look whether the child ended.
constexpr auto kTick = 50ms;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// One output pipe of the command, and the part of a line read from it so far.
class Pipe {
 public:
  Pipe(detail::UniqueFd fd, OutputStream stream, const OutputLine& output)
      : fd_(std::move(fd)), stream_(stream), output_(output) {}

  bool open() const { return static_cast<bool>(fd_); }
  int fd() const { return fd_.get(); }

  // REQUIRES: open(). Reads what is there and delivers the lines it
  // completes; at the end of the stream (or on an error) closes the pipe and
  // delivers the last line. Returns whether it read anything.
  bool pump() {
    std::array<char, kMaxLine> buffer;
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n > 0) {
      feed({buffer.data(), static_cast<std::size_t>(n)});
      return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    close();
    return false;
  }

  // Stops reading: delivers the unfinished line, if any, and closes.
  void close() {
    fd_.reset();
    if (pending_.empty()) return;
    const std::string last = std::move(pending_);
    pending_.clear();
    deliver(last);
  }

 private:
  void feed(std::string_view data) {
    pending_.append(data);
    std::size_t begin = 0;
    while (true) {
      const std::size_t newline = pending_.find('\n', begin);
      const std::size_t end = newline == std::string::npos ? pending_.size() : newline;
      // A piece goes out only once more follows it, so that a line of
      // exactly kMaxLine is delivered whole, not as a piece and an empty line.
      for (; end - begin > kMaxLine; begin += kMaxLine) deliver(std::string_view(pending_).substr(begin, kMaxLine));
      if (newline == std::string::npos) break;
      deliver(std::string_view(pending_).substr(begin, newline - begin));
      begin = newline + 1;
    }
    pending_.erase(0, begin);
  }

  void deliver(std::string_view line) const {
    if (output_) output_(stream_, line);
  }

  detail::UniqueFd fd_;
  OutputStream stream_;
  const OutputLine& output_;
  std::string pending_;
};

// Whether the child has ended. It stays a zombie (WNOWAIT): until it is
// reaped its pid, and so its group's id, cannot be reused, so the group can
// still be signaled safely.
bool has_ended(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return errno == ECHILD;  // reaped by someone else (see REQUIRES)
  return info.si_pid == pid;
}

// t + d, saturated: a huge timeout or grace means "not in this process's
// life", not an overflow.
Clock::time_point later(Clock::time_point t, std::chrono::milliseconds d) {
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - t);
  return d >= room ? Clock::time_point::max() : t + d;
}

int poll_timeout(Clock::time_point now, std::optional<Clock::time_point> until) {
  if (!until) return -1;
  // Rounded up: a poll that ends just short of the deadline must not spin.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
  return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, INT_MAX));
}

}  // namespace

const char* to_string(CommandResult::Status status) noexcept {
  switch (status) {
    case Status::exited: return "exited";
    case Status::signaled: return "signaled";
    case Status::timed_out: return "timeout";
    case Status::interrupted: return "interrupted";
    case Status::failed_to_start: return "failed-to-start";
  }
  return "unknown";
}

// The process groups of the running commands. A group is withdrawn before
// its leader is reaped, so interrupt_all() never signals a group id that may
// have been reused.
class Executor::Groups {
 public:
  Groups() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!wake_) detail::throw_io("cannot create", "eventfd", errno);
  }

  // Readable for good once interrupt_all() was called: how a run waiting in
  // poll() learns at once that its kill_grace has started.
  int wake_fd() const { return wake_.get(); }

  bool stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  // Moves the one node of `entry` into the registry: the node is allocated
  // before the fork, so that nothing throws once a child exists. Returns
  // false when the executor is stopping: the caller stops the group itself.
  bool enroll(std::list<pid_t>& entry) {
    std::lock_guard lock(mutex_);
    groups_.splice(groups_.end(), entry);
    return !stopping_;
  }

  // REQUIRES: the group's leader is not reaped yet.
  void withdraw(std::list<pid_t>::iterator group) {
    std::lock_guard lock(mutex_);
    groups_.erase(group);
  }

  void interrupt_all() {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    // The flag and the wake-up come before the signals: a run that sees its
    // command die of this SIGTERM must also see why.
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_.get(), &one, sizeof one);
    for (const pid_t group : groups_) ::kill(-group, SIGTERM);
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return groups_.size();
  }

 private:
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::list<pid_t> groups_;
  detail::UniqueFd wake_;
};

Executor::Executor() : groups_(std::make_unique<Groups>()) {}
Executor::~Executor() = default;

void Executor::interrupt_all() { groups_->interrupt_all(); }

std::size_t Executor::running() const { return groups_->size(); }

CommandResult Executor::run(const CommandSpec& spec, const OutputLine& output) {
  const auto start = Clock::now();
  CommandResult result;
  if (groups_->stopping()) {
    result.status = Status::interrupted;
    result.error = "the scheduler is stopping";
    return result;
  }
  std::list<pid_t> entry(1, -1);
  detail::Spawned child = detail::spawn(spec);
  if (child.pid < 0) {
    result.error = std::move(child.error);
    result.duration = since(start);
    return result;
  }
  const pid_t pid = entry.front() = child.pid;

  // Reaps the leader; until then, leaving run() (a throw from `output`)
  // kills the group and reaps it.
  struct Reaper {
    Groups& groups;
    std::list<pid_t>::iterator entry;
    pid_t pid;
    bool enrolled = false;
    bool reaped = false;

    // The wait status; none if someone else reaped it. Withdraws the group
    // and, if `kill`, SIGKILLs what is left of it while the leader is still
    // a zombie, so that nothing of a stopped command outlives it.
    std::optional<int> reap(bool kill) noexcept {
      if (enrolled) groups.withdraw(entry);
      enrolled = false;
      if (kill) ::kill(-pid, SIGKILL);
      reaped = true;
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return std::nullopt;
      return status;
    }
    ~Reaper() {
      if (!reaped) reap(true);
    }
  } reaper{*groups_, entry.begin(), pid};

  std::optional<Status> cause;  // timed_out or interrupted: the group was sent SIGTERM
  std::optional<Clock::time_point> kill_at;
  const bool accepted = groups_->enroll(entry);
  reaper.enrolled = true;
  if (!accepted) {  // interrupt_all() came after the check above
    ::kill(-pid, SIGTERM);
    cause = Status::interrupted;
    kill_at = later(Clock::now(), spec.kill_grace);
  }

  // None (ENOSYS) before Linux 5.3: then poll with kTick. A raw syscall, as
  // glibc 2.36's <sys/pidfd.h> lacks extern "C" and so cannot link from C++.
  const detail::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)));
  Pipe out(std::move(child.out), OutputStream::out, output);
  Pipe err(std::move(child.err), OutputStream::err, output);
  const auto deadline = spec.timeout ? later(start, *spec.timeout) : Clock::time_point::max();
  std::optional<int> wait_status;
  Clock::time_point drain_idle, drain_end;  // once reaped

  while (true) {
    const auto now = Clock::now();
    std::optional<Clock::time_point> wake_at;
    const auto sooner = [&wake_at](Clock::time_point t) {
      if (!wake_at || t < *wake_at) wake_at = t;
    };
    if (!reaper.reaped) {
      if (!cause && now >= deadline) {
        ::kill(-pid, SIGTERM);
        cause = Status::timed_out;
        kill_at = later(now, spec.kill_grace);
      }
      if (kill_at && now >= *kill_at) {
        ::kill(-pid, SIGKILL);
        kill_at.reset();
      }
      if (!cause && spec.timeout) sooner(deadline);
      if (kill_at) sooner(*kill_at);
      if (!pidfd) sooner(now + kTick);
    } else {
      if ((!out.open() && !err.open()) || now >= std::min(drain_idle, drain_end)) break;
      sooner(std::min(drain_idle, drain_end));
    }

    std::array<pollfd, 4> fds{};
    nfds_t count = 0;
    const auto watch = [&](bool when, int fd) {
      if (!when) return -1;
      fds[count] = pollfd{fd, POLLIN, 0};
      return static_cast<int>(count++);
    };
    const int at_pid = watch(!reaper.reaped && pidfd, pidfd.get());
    const int at_wake = watch(!reaper.reaped && !cause, groups_->wake_fd());
    const int at_out = watch(out.open(), out.fd());
    const int at_err = watch(err.open(), err.fd());
    const auto ready = [&fds](int at) { return at >= 0 && fds[static_cast<std::size_t>(at)].revents != 0; };

    if (::poll(fds.data(), count, poll_timeout(now, wake_at)) < 0) {
      if (errno != EINTR) std::this_thread::sleep_for(10ms);  // ENOMEM: wait, do not spin
      continue;
    }
    bool read_any = false;
    if (ready(at_out)) read_any |= out.pump();
    if (ready(at_err)) read_any |= err.pump();
    if (reaper.reaped) {
      if (read_any) drain_idle = Clock::now() + kDrainIdle;
      continue;
    }
    if (ready(at_wake) && !cause) {  // interrupt_all() has sent (or is sending) the SIGTERM
      cause = Status::interrupted;
      kill_at = later(Clock::now(), spec.kill_grace);
    }
    if ((ready(at_pid) || !pidfd) && has_ended(pid)) {
      // A command that ended after interrupt_all() was interrupted, even when
      // poll() looked at the wake fd before that (always so without a pidfd).
      if (!cause && groups_->stopping()) cause = Status::interrupted;
      wait_status = reaper.reap(cause.has_value());
      result.duration = since(start);
      drain_idle = Clock::now() + kDrainIdle;
      drain_end = Clock::now() + kDrainMax;
    }
  }
  out.close();
  err.close();

  result.status = cause.value_or(Status::exited);
  if (wait_status && WIFSIGNALED(*wait_status)) {
    result.signal = WTERMSIG(*wait_status);
    result.exit_code = 128 + result.signal;
    result.status = cause.value_or(Status::signaled);
  } else if (wait_status) {
    result.exit_code = WEXITSTATUS(*wait_status);
  }
  return result;
}

}  // namespace sched
