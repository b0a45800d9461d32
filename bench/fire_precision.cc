// Firing precision of library jobs (issue 6, item 3): N jobs on
// `* * * * * *` (default 1,000) run for S seconds (default 30), on the real
// clock, in three set-ups:
//
//   memory     sched::Scheduler, max_concurrent 16 (the default)
//   memory/N   the same with max_concurrent N: every job due starts at once
//   file/16    sched::PersistentScheduler, state in a fresh temporary
//              folder, max_concurrent 16
//   file/N     the same with max_concurrent N
//
// Each task notes system_clock::now() - RunContext::scheduled_at on entry
// (its lateness) and returns. Only runs scheduled in a window of S seconds
// that opens 2 s after the last job was scheduled count; the set-up time is
// printed too (with a state file each schedule() is a durable write).
// Printed per row: runs counted and expected, min, median, p99 and max lateness
// in ms, and the state file's writes per second during the window, counted
// as renames onto its name (inotify IN_MOVED_TO on its folder). Fires due
// at the same instant should share one write.
// Targets: median < 1 ms, p99 < 10 ms.
//
// The log sink keeps warnings and errors and, as a program that wants only
// those would, says so with log_level (default warning), so that no run
// builds its start and end lines. --log-level debug builds and drops them.
//
//   build/bench/fire_precision [--seconds S] [--jobs N] [--dir FOLDER] [--log-level debug|info|warning]
//                              [--row memory|memory/N|file/16|file/N]
//
// --row runs one set-up alone (for a profiler). FOLDER (default $TMPDIR,
// else /tmp) holds the temporary state folders; it should be on the disk a
// real state file would be on, since each write is fsynced.

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sched/scheduler.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

struct Options {
  int seconds = 30;
  int jobs = 1000;
  fs::path dir;
  std::string row;  // empty: every row
  sched::LogLevel log_level = sched::LogLevel::warning;
};

// Lateness samples, written by tasks on any worker thread. Only runs
// scheduled in the window [from, to) count; there is none until open().
class Samples {
 public:
  explicit Samples(std::size_t capacity) : values_(capacity) {}

  void open(sched::Instant from, sched::Instant to) {
    to_ = to.time_since_epoch().count();
    from_ = from.time_since_epoch().count();
  }

  void note(const sched::RunContext& run) {
    const auto now = Clock::now();
    const auto at = run.scheduled_at.time_since_epoch().count();
    if (at < from_.load() || at >= to_.load()) return;
    if (run.trigger != sched::RunTrigger::schedule) other_.fetch_add(1);
    const std::size_t i = next_.fetch_add(1);
    if (i < values_.size()) values_[i] = std::chrono::duration_cast<std::chrono::microseconds>(now - run.scheduled_at);
  }

  std::vector<std::chrono::microseconds> sorted() const {
    std::vector<std::chrono::microseconds> out(values_.begin(),
                                               values_.begin() + static_cast<std::ptrdiff_t>(count()));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::size_t count() const { return std::min(next_.load(), values_.size()); }
  std::size_t not_scheduled() const { return other_.load(); }

 private:
  std::vector<std::chrono::microseconds> values_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::size_t> other_{0};
  std::atomic<std::int64_t> from_{std::numeric_limits<std::int64_t>::max()}, to_{0};  // seconds since the epoch
};

// Counts renames onto `name` in `folder` between begin() and end().
class WriteCounter {
 public:
  WriteCounter(const fs::path& folder, std::string name) : name_(std::move(name)) {
    fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (fd_ < 0 || ::inotify_add_watch(fd_, folder.c_str(), IN_MOVED_TO) < 0) {
      std::perror("inotify");
      std::exit(1);
    }
    thread_ = std::thread([this] { loop(); });
  }
  ~WriteCounter() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  void begin() { counting_ = true; }
  void end() { counting_ = false; }
  std::uint64_t count() const { return count_.load(); }
  std::uint64_t overflows() const { return overflows_.load(); }

 private:
  void loop() {
    alignas(inotify_event) char buffer[64 * 1024];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      for (;;) {
        const ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t at = 0; at < n;) {
          const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
          if (e->mask & IN_Q_OVERFLOW) overflows_.fetch_add(1);
          if (counting_ && e->len > 0 && std::string_view(e->name) == name_) count_.fetch_add(1);
          at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
      }
    }
  }

  std::string name_;
  int fd_ = -1;
  std::atomic<bool> stop_{false}, counting_{false};
  std::atomic<std::uint64_t> count_{0}, overflows_{0};
  std::thread thread_;
};

// Warnings and errors by level; the first few are kept to print. Lines
// below warning (two a run, built only with --log-level below warning) are
// dropped at once.
class LogCounter {
 public:
  sched::LogSink sink() {
    return [this](sched::LogLevel level, const std::string& message) {
      if (level < sched::LogLevel::warning) return;
      std::lock_guard lock(mutex_);
      ++counts_[level];
      if (kept_.size() < 3) kept_.push_back(message);
    };
  }
  std::string summary() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [level, n] : counts_) {
      out += " " + std::to_string(n) + " " + sched::to_string(level);
    }
    for (const auto& m : kept_) out += "\n      " + m;
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<sched::LogLevel, std::uint64_t> counts_;
  std::vector<std::string> kept_;
};

double ms(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; }

// The next whole second after `t`.
Clock::time_point next_second(Clock::time_point t) {
  return std::chrono::ceil<std::chrono::seconds>(t + std::chrono::milliseconds{1});
}

void run_row(const char* label, const Options& o, bool persistent, std::size_t max_concurrent) {
  fs::path folder;
  std::unique_ptr<sched::Scheduler> scheduler;
  LogCounter log;
  if (persistent) {
    std::string pattern = (o.dir / "sched-fire-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::exit(1);
    }
    folder = pattern;
    sched::PersistentSchedulerConfig config;
    config.state_file = folder / "state.json";
    config.max_concurrent = max_concurrent;
    config.log = log.sink();
    config.log_level = o.log_level;
    scheduler = std::make_unique<sched::PersistentScheduler>(config);
  } else {
    sched::SchedulerConfig config;
    config.max_concurrent = max_concurrent;
    config.log = log.sink();
    config.log_level = o.log_level;
    scheduler = std::make_unique<sched::Scheduler>(config);
  }
  std::unique_ptr<WriteCounter> writes;
  if (persistent) writes = std::make_unique<WriteCounter>(folder, "state.json");

  const std::size_t expected = static_cast<std::size_t>(o.jobs) * static_cast<std::size_t>(o.seconds);
  Samples samples(expected + expected / 2 + 16);

  const auto setup_start = std::chrono::steady_clock::now();
  scheduler->initialize();
  for (int i = 0; i < o.jobs; ++i) {
    sched::JobConfig job;
    job.name = "job-" + std::to_string(i);
    job.schedule = "* * * * * *";
    job.task = [&samples](const sched::RunContext& run) { samples.note(run); };
    scheduler->schedule(std::move(job));
  }
  const auto setup = std::chrono::steady_clock::now() - setup_start;
  // The window opens 2 s after the set-up: a warm-up.
  const auto from = next_second(Clock::now()) + std::chrono::seconds{2};
  const auto to = from + std::chrono::seconds{o.seconds};
  samples.open(std::chrono::floor<std::chrono::seconds>(from), std::chrono::floor<std::chrono::seconds>(to));

  std::this_thread::sleep_until(from);
  if (writes) writes->begin();
  std::this_thread::sleep_until(to);
  if (writes) writes->end();
  // Fires due before `to` may still be queued: let them start.
  std::this_thread::sleep_for(std::chrono::seconds{1});
  scheduler->shutdown();

  const auto v = samples.sorted();
  std::printf("%-10s %8zu/%-8zu", label, v.size(), expected);
  if (v.empty()) {
    std::printf(" no runs\n");
  } else {
    const std::size_t p99 = std::min(v.size() - 1, (v.size() * 99 + 99) / 100 - 1);
    std::printf(" %9.3f %9.3f %9.3f %9.3f", ms(v.front()), ms(v[v.size() / 2]), ms(v[p99]), ms(v.back()));
    if (writes) {
      std::printf(" %10.1f", static_cast<double>(writes->count()) / o.seconds);
    } else {
      std::printf(" %10s", "-");
    }
    std::printf("   setup %lld ms", static_cast<long long>(
                                         std::chrono::duration_cast<std::chrono::milliseconds>(setup).count()));
    if (samples.not_scheduled()) std::printf(", %zu not trigger=schedule", samples.not_scheduled());
    if (writes && writes->overflows()) std::printf(", inotify overflowed");
    std::printf("%s\n", log.summary().c_str());
  }
  std::fflush(stdout);
  writes.reset();
  scheduler.reset();
  if (!folder.empty()) fs::remove_all(folder);
}

[[noreturn]] void usage(const char* problem) {
  std::fprintf(stderr,
               "fire_precision: %s\n"
               "usage: fire_precision [--seconds S] [--jobs N] [--dir FOLDER] [--log-level debug|info|warning]\n"
               "                      [--row memory|memory/N|file/16|file/N]\n",
               problem);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp && *tmp ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + std::string(arg)).c_str());
    const char* value = argv[++i];
    if (arg == "--seconds" || arg == "--jobs") {
      char* end = nullptr;
      const long n = std::strtol(value, &end, 10);
      if (*end != '\0' || n < 1 || n > 1000000) usage((std::string(arg) + " takes a number from 1 to 1000000").c_str());
      (arg == "--seconds" ? o.seconds : o.jobs) = static_cast<int>(n);
    } else if (arg == "--dir") {
      o.dir = value;
    } else if (arg == "--log-level") {
      const std::string_view level = value;
      if (level == "debug") {
        o.log_level = sched::LogLevel::debug;
      } else if (level == "info") {
        o.log_level = sched::LogLevel::info;
      } else if (level == "warning") {
        o.log_level = sched::LogLevel::warning;
      } else {
        usage("--log-level takes debug, info or warning");
      }
    } else if (arg == "--row") {
      o.row = value;
      if (o.row != "memory" && o.row != "memory/N" && o.row != "file/16" && o.row != "file/N") {
        usage("--row takes memory, memory/N, file/16 or file/N");
      }
    } else {
      usage(("unknown option " + std::string(arg)).c_str());
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::printf("%d library jobs on \"* * * * * *\" for %d s, log_level %s; lateness = now at task entry - scheduled_at\n",
              o.jobs, o.seconds, sched::to_string(o.log_level));
  std::printf("%-10s %17s %9s %9s %9s %9s %10s\n", "set-up", "runs/expected", "min ms", "median ms", "p99 ms", "max ms",
              "writes/s");
  if (o.row.empty() || o.row == "memory") run_row("memory", o, false, 16);
  if (o.row.empty() || o.row == "memory/N") {
    run_row(("memory/" + std::to_string(o.jobs)).c_str(), o, false, static_cast<std::size_t>(o.jobs));
  }
  if (o.row.empty() || o.row == "file/16") run_row("file/16", o, true, 16);
  if (o.row.empty() || o.row == "file/N") {
    run_row(("file/" + std::to_string(o.jobs)).c_str(), o, true, static_cast<std::size_t>(o.jobs));
  }
  std::printf("targets: median < 1 ms, p99 < 10 ms; fires of one instant share one state write\n");
  return 0;
}
