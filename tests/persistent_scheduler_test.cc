// PersistentScheduler across restarts: the seed's scenario, start records on
// disk before tasks run, interrupted runs, one scheduler per state file.

#include <algorithm>
#include <chrono>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "sched/error.h"
#include "sched/scheduler.h"
#include "sched/state.h"
#include "support/temp_dir.h"
#include "support/test_clock.h"

namespace {

using namespace std::chrono_literals;
using sched::test::utc;
using sched::test::utc_s;

struct Runs {
  std::mutex mutex;
  std::vector<sched::RunContext> runs;
  std::vector<std::string> log;

  std::function<void(const sched::RunContext&)> task() {
    return [this](const sched::RunContext& run) {
      std::lock_guard guard(mutex);
      runs.push_back(run);
    };
  }
  std::vector<std::string> ids() {
    std::lock_guard guard(mutex);
    std::vector<std::string> out;
    for (const auto& run : runs) out.push_back(run.run_id + (run.catch_up ? " catch-up" : ""));
    return out;
  }
};

sched::PersistentSchedulerConfig config_for(const sched::test::TempDir& dir, sched::ManualClock& clock, Runs& runs) {
  sched::PersistentSchedulerConfig config;
  config.state_file = dir / "state.json";
  config.clock = &clock;
  config.timezone = "America/New_York";
  config.log = [&runs](sched::LogLevel level, const std::string& line) {
    std::lock_guard guard(runs.mutex);
    runs.log.push_back(std::string(sched::to_string(level)) + ": " + line);
  };
  return config;
}

sched::JobConfig daily_backup(Runs& runs) {
  sched::JobConfig job;
  job.name = "daily-backup";
  job.schedule = "0 8 * * *";
  job.task = runs.task();
  job.catch_up = true;
  job.max_missed_runs = 2;
  return job;
}

}  // namespace

TEST_CASE("the seed's example scenario: Day 3 and Day 4 run, Day 2 is skipped", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  // Day 1 is 2024-01-15 in New York (08:00 EST = 13:00Z).
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  {
    sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
    scheduler.initialize();
    scheduler.schedule(daily_backup(runs));
    clock.advance(1h);  // Day 1, 08:00: runs normally
    REQUIRE(scheduler.wait_idle());
    scheduler.shutdown();
  }
  REQUIRE(runs.ids() == std::vector<std::string>{"daily-backup@2024-01-15T13:00:00.000Z"});

  clock.set(utc(2024, 1, 18, 15, 0, 0));  // Day 4, 10:00 EST
  {
    sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
    scheduler.initialize();
    scheduler.schedule(daily_backup(runs));
    REQUIRE(scheduler.wait_idle());
    const auto state = scheduler.get_job_state("daily-backup");
    REQUIRE(state);
    CHECK(state->skipped_count == 1);
    CHECK(state->run_count == 3);
    CHECK(state->last_run == utc(2024, 1, 18, 13, 0, 0));
    CHECK(state->watermark == utc(2024, 1, 18, 13, 0, 0));
  }
  CHECK(runs.ids() == std::vector<std::string>{"daily-backup@2024-01-15T13:00:00.000Z",
                                                "daily-backup@2024-01-17T13:00:00.000Z catch-up",
                                                "daily-backup@2024-01-18T13:00:00.000Z catch-up"});
  CHECK(runs.runs.at(1).skipped == 1);
  CHECK(runs.runs.at(2).run_number == 3);
  // The file says the same after the scheduler is gone.
  const sched::StateDocument doc = sched::StateStore(dir / "state.json").load(sched::CorruptFile::refuse);
  REQUIRE(doc.find("daily-backup") != nullptr);
  CHECK(doc.find("daily-backup")->skipped_count == 1);
  CHECK(doc.find("daily-backup")->run_count == 3);
  CHECK(doc.find("daily-backup")->last_status == "ok");
}

TEST_CASE("a run's start is on disk before its task runs", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  std::optional<sched::JobRecord> seen_by_task;
  auto job = daily_backup(runs);
  job.task = [&](const sched::RunContext&) {
    const auto doc = sched::StateStore(dir / "state.json").load(sched::CorruptFile::refuse);
    seen_by_task = *doc.find("daily-backup");
  };
  scheduler.schedule(job);
  clock.advance(1h);
  REQUIRE(scheduler.wait_idle());
  REQUIRE(seen_by_task);
  CHECK(seen_by_task->last_status == "running");
  CHECK(seen_by_task->last_run == utc(2024, 1, 15, 13, 0, 0));
  CHECK(seen_by_task->watermark == utc(2024, 1, 15, 13, 0, 0));
  CHECK(seen_by_task->run_count == 1);
}

TEST_CASE("a run's end is on disk while another run of the same instant still goes", "[persistent]") {
  // Ends are gathered for a moment so that runs ending together share a
  // write, but never held until every run of the round has ended.
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  auto quick = daily_backup(runs);
  quick.name = "quick";
  scheduler.schedule(quick);
  std::optional<sched::JobRecord> quick_seen_by_slow;
  auto slow = quick;
  slow.name = "slow";
  slow.task = [&](const sched::RunContext&) {
    // Reads the file until it shows quick's end, for at most 5 s.
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < give_up) {
      const auto doc = sched::StateStore(dir / "state.json").load(sched::CorruptFile::refuse);
      quick_seen_by_slow = *doc.find("quick");
      if (quick_seen_by_slow->last_status == "ok") return;
      std::this_thread::sleep_for(1ms);
    }
  };
  scheduler.schedule(slow);
  clock.advance(1h);
  REQUIRE(scheduler.wait_idle());
  REQUIRE(quick_seen_by_slow);
  CHECK(quick_seen_by_slow->last_status == "ok");
  CHECK(quick_seen_by_slow->last_run == utc(2024, 1, 15, 13, 0, 0));
  CHECK(quick_seen_by_slow->run_count == 1);
}

TEST_CASE("a library job another process removed from the file goes on running, unrecorded", "[persistent]") {
  // Its program defines it, not the file: unlike a job of `sched run`, it
  // is not forgotten, and its record is not written back.
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  scheduler.schedule(daily_backup(runs));
  sched::StateStore store(dir / "state.json");
  store.update([](sched::StateDocument& doc) {
    std::erase_if(doc.jobs, [](const sched::JobRecord& r) { return r.name == "daily-backup"; });
    return true;
  });
  clock.advance(1h);
  REQUIRE(scheduler.wait_idle());
  CHECK(runs.ids() == std::vector<std::string>{"daily-backup@2024-01-15T13:00:00.000Z"});
  CHECK(store.load(sched::CorruptFile::refuse).find("daily-backup") == nullptr);
  REQUIRE(scheduler.get_job("daily-backup") != nullptr);
  CHECK(scheduler.get_job("daily-backup")->next_run() == utc_s(2024, 1, 16, 13, 0, 0));
  std::lock_guard guard(runs.mutex);
  CHECK(std::none_of(runs.log.begin(), runs.log.end(),
                     [](const std::string& line) { return line.find("removed") != std::string::npos; }));
}

TEST_CASE("a run recorded as started but never ended is interrupted, not rerun", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 14, 0, 0));
  sched::StateDocument crashed;
  sched::JobRecord record;
  record.name = "daily-backup";
  record.schedule = "0 8 * * *";
  record.max_missed_runs = 2;
  record.run_count = 1;
  record.last_run = utc(2024, 1, 15, 13, 0, 0);
  record.watermark = utc(2024, 1, 15, 13, 0, 0);
  record.last_status = "running";
  crashed.jobs.push_back(record);
  sched::StateStore(dir / "state.json").write(crashed, utc(2024, 1, 15, 13, 0, 1));

  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  scheduler.schedule(daily_backup(runs));
  REQUIRE(scheduler.wait_idle());
  CHECK(runs.ids().empty());
  CHECK(scheduler.get_job_state("daily-backup")->last_status == "interrupted");
  CHECK(std::count(runs.log.begin(), runs.log.end(),
                   "warning: job daily-backup: its run for 2024-01-15T13:00:00.000Z was interrupted (the scheduler "
                   "stopped before it ended); it will not run again") == 1);
}

TEST_CASE("a second scheduler on the same state file is refused with the pid", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  sched::PersistentScheduler first(config_for(dir, clock, runs));
  first.initialize();
  sched::PersistentScheduler second(config_for(dir, clock, runs));
  CHECK_THROWS_MATCHES(second.initialize(), sched::Error,
                       Catch::Message("another scheduler (pid " + std::to_string(::getpid()) + ") is using " +
                                      (dir / "state.json").string()));
  first.shutdown();
  sched::PersistentScheduler third(config_for(dir, clock, runs));
  CHECK_NOTHROW(third.initialize());
}

TEST_CASE("a watermark more than a day in the future is moved to now", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  sched::StateDocument doc;
  sched::JobRecord record;
  record.name = "daily-backup";
  record.schedule = "0 8 * * *";
  record.watermark = utc(2030, 1, 1, 0, 0, 0);
  doc.jobs.push_back(record);
  sched::StateStore(dir / "state.json").write(doc, utc(2030, 1, 1, 0, 0, 0));

  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  scheduler.schedule(daily_backup(runs));
  CHECK(scheduler.get_job_state("daily-backup")->watermark == utc(2024, 1, 15, 12, 0, 0));
  CHECK(scheduler.get_job("daily-backup")->next_run() == utc_s(2024, 1, 15, 13, 0, 0));
  clock.advance(1h);
  REQUIRE(scheduler.wait_idle());
  CHECK(runs.ids() == std::vector<std::string>{"daily-backup@2024-01-15T13:00:00.000Z"});
  CHECK(std::count_if(runs.log.begin(), runs.log.end(), [](const std::string& line) {
          return line.rfind("warning: job daily-backup: its watermark 2030-01-01T00:00:00.000Z is ", 0) == 0 &&
                 line.find("in the future (was the clock reset?); it is moved to now") != std::string::npos;
        }) == 1);
}

TEST_CASE("a job paused before a downtime owes nothing when resumed after it", "[persistent]") {
  sched::test::TempDir dir;
  Runs runs;
  sched::ManualClock clock(utc(2024, 1, 15, 12, 0, 0));
  {
    sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
    scheduler.initialize();
    scheduler.schedule(daily_backup(runs));
    scheduler.pause_job("daily-backup");
    scheduler.shutdown();
  }
  clock.set(utc(2024, 1, 18, 15, 0, 0));
  sched::PersistentScheduler scheduler(config_for(dir, clock, runs));
  scheduler.initialize();
  scheduler.schedule(daily_backup(runs));
  REQUIRE(scheduler.wait_idle());
  CHECK_FALSE(scheduler.get_job_state("daily-backup")->enabled);
  CHECK_FALSE(scheduler.get_job("daily-backup")->next_run().has_value());
  scheduler.resume_job("daily-backup");
  REQUIRE(scheduler.wait_idle());
  CHECK(runs.ids().empty());
  const auto state = scheduler.get_job_state("daily-backup");
  CHECK(state->skipped_count == 0);
  CHECK(state->watermark == utc(2024, 1, 18, 15, 0, 0));
  CHECK(scheduler.get_job("daily-backup")->next_run() == utc_s(2024, 1, 19, 13, 0, 0));
}
