// SchedulerEngine::sync, as `sched run` uses it: the state file defines the
// jobs, other processes change it, and the engine writes only its own
// bookkeeping, never an older view of what they changed.

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "sched/state.h"
#include "scheduler_engine.h"
#include "state_backend.h"
#include "support/cli_harness.h"
#include "support/state_lock_probe.h"
#include "support/temp_dir.h"
#include "support/test_clock.h"

namespace {

using namespace std::chrono_literals;
using sched::test::utc;

struct Fixture {
  sched::test::TempDir dir;
  sched::ManualClock clock{utc(2024, 1, 15, 7, 59, 30)};
  std::mutex mutex;
  std::vector<std::string> runs;  // "name@instant trigger"
  std::vector<std::string> log;
  std::shared_ptr<sched::SchedulerEngine> engine;
  sched::StateStore store{dir / "state.json", {1s, [](sched::LogLevel, const std::string&) {}}};

  Fixture() {
    sched::PersistentSchedulerConfig config;
    config.state_file = dir / "state.json";
    config.clock = &clock;
    config.timezone = "UTC";
    config.lock_wait = 200ms;
    config.log = [this](sched::LogLevel level, const std::string& line) {
      std::lock_guard guard(mutex);
      log.push_back(std::string(sched::to_string(level)) + ": " + line);
    };
    engine = std::make_shared<sched::SchedulerEngine>(static_cast<sched::SchedulerConfig>(config),
                                                      sched::make_file_backend(config));
  }
  ~Fixture() { engine->shutdown(); }

  sched::RunTask task(const sched::JobRecord&) {
    return [this](const sched::RunContext& run) {
      std::lock_guard guard(mutex);
      runs.push_back(run.run_id + " " + sched::to_string(run.trigger));
      return sched::RunOutcome{"failed", 3, std::nullopt};
    };
  }
  void sync() {
    engine->sync(store.load(sched::CorruptFile::refuse), [this](const sched::JobRecord& r) { return task(r); });
    REQUIRE(engine->wait_idle(5s));
  }
  void advance(std::chrono::milliseconds by) {
    clock.advance(by);
    REQUIRE(engine->wait_idle(5s));
  }
  // What another `sched` command does: a locked read-modify-write.
  void change(const std::function<void(sched::StateDocument&)>& edit) {
    store.update([&](sched::StateDocument& doc) {
      edit(doc);
      return true;
    });
  }
  sched::JobRecord record(const std::string& name) { return *store.load(sched::CorruptFile::refuse).find(name); }
  std::vector<std::string> taken_runs() {
    std::lock_guard guard(mutex);
    return runs;
  }
};

sched::JobRecord shell_job(const std::string& name, const std::string& schedule, sched::InstantMs watermark) {
  sched::JobRecord record;
  record.name = name;
  record.schedule = schedule;
  record.command = "true";
  record.source = "cli";
  record.watermark = watermark;
  return record;
}

}  // namespace

TEST_CASE("sync adopts the file's jobs, catches them up and records results", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) {
    sched::JobRecord daily = shell_job("daily", "0 8 * * *", utc(2024, 1, 12, 8));
    daily.max_missed_runs = 2;
    doc.jobs.push_back(daily);
    sched::JobRecord library = daily;
    library.name = "library";
    library.command.reset();
    doc.jobs.push_back(library);
  });
  f.engine->initialize();
  f.sync();
  CHECK(f.taken_runs() == std::vector<std::string>{"daily@2024-01-13T08:00:00.000Z catch-up",
                                                   "daily@2024-01-14T08:00:00.000Z catch-up"});
  f.advance(30s);
  CHECK(f.taken_runs().back() == "daily@2024-01-15T08:00:00.000Z schedule");
  const sched::JobRecord daily = f.record("daily");
  CHECK(daily.run_count == 3);
  CHECK(daily.skipped_count == 0);
  CHECK(daily.last_status == "failed");
  CHECK(daily.last_exit_code == 3);
  CHECK(daily.watermark == utc(2024, 1, 15, 8));
  // The library job stays as it was, untouched, and is named once.
  CHECK(f.record("library").run_count == 0);
  CHECK(std::count(f.log.begin(), f.log.end(),
                   "warning: job library: it has no command (a library job); sched run leaves it alone") == 1);
}

TEST_CASE("a pause written by another process survives the engine's next write", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("tick", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  f.sync();
  // The pause lands between two syncs; the fire at :40 is then recorded with
  // the engine's older view, which must not bring `enabled` back.
  f.change([](sched::StateDocument& doc) { doc.find("tick")->enabled = false; });
  f.advance(10s);
  CHECK(f.taken_runs() == std::vector<std::string>{"tick@2024-01-15T07:59:40.000Z schedule"});
  CHECK_FALSE(f.record("tick").enabled);
  CHECK(f.record("tick").run_count == 1);
  f.sync();
  f.advance(30s);
  CHECK(f.taken_runs().size() == 1);
  CHECK(f.record("tick").next_run == std::nullopt);
}

TEST_CASE("resume by another process: fires from the resume on run, earlier ones are not owed", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) {
    sched::JobRecord tick = shell_job("tick", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30));
    tick.enabled = false;
    doc.jobs.push_back(tick);
  });
  f.engine->initialize();
  f.sync();
  f.advance(60s);  // 08:00:30, paused all along
  CHECK(f.taken_runs().empty());
  f.change([&](sched::StateDocument& doc) {
    doc.find("tick")->enabled = true;
    doc.find("tick")->watermark = utc(2024, 1, 15, 8, 0, 35);
  });
  f.advance(5s);  // 08:00:35
  f.sync();
  f.advance(5s);
  CHECK(f.taken_runs() == std::vector<std::string>{"tick@2024-01-15T08:00:40.000Z schedule"});
  CHECK(f.record("tick").skipped_count == 0);
}

TEST_CASE("a job removed from the file runs no fire after the removal and is never written back", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) {
    doc.jobs.push_back(shell_job("gone", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30)));
    doc.jobs.push_back(shell_job("stays", "0 0 1 1 *", utc(2024, 1, 15, 7, 59, 30)));
  });
  f.engine->initialize();
  f.sync();
  f.change([](sched::StateDocument& doc) { std::erase_if(doc.jobs, [](const auto& r) { return r.name == "gone"; }); });
  // A fire of "gone" before the engine hears of the removal: the write that
  // would record its start finds no job, so it does not start.
  f.advance(10s);
  CHECK(f.taken_runs().empty());
  CHECK(std::count(f.log.begin(), f.log.end(),
                   "info: job gone: removed; its run for 2024-01-15T07:59:40.000Z does not start") == 1);
  CHECK(f.store.load(sched::CorruptFile::refuse).find("gone") == nullptr);
  CHECK(f.engine->job_state("gone") == std::nullopt);
  f.sync();
  f.advance(30s);
  CHECK(f.taken_runs().empty());
  CHECK(f.store.load(sched::CorruptFile::refuse).find("gone") == nullptr);
  CHECK(f.store.load(sched::CorruptFile::refuse).find("stays") != nullptr);
  CHECK(std::count_if(f.log.begin(), f.log.end(), [](const std::string& line) {
          return line.rfind("info: job gone: removed", 0) == 0;
        }) == 1);
}

TEST_CASE("a job removed and added again as the engine ran its fire runs that fire once", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("x", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  f.sync();
  // `sched remove x` and `sched add x`, both started at 07:59:39.800, wait
  // for the lock while the engine writes and runs its 07:59:40 fire; the
  // remove gets the lock first, and the engine hears of it on its own.
  f.advance(10s);
  REQUIRE(f.taken_runs() == std::vector<std::string>{"x@2024-01-15T07:59:40.000Z schedule"});
  f.change([](sched::StateDocument& doc) { std::erase_if(doc.jobs, [](const auto& r) { return r.name == "x"; }); });
  f.sync();
  // The add gets the lock at 07:59:40.200.
  sched::test::CliHarness add(utc(2024, 1, 15, 7, 59, 39));
  const auto before_lock = utc(2024, 1, 15, 7, 59, 39) + 800ms;
  const auto in_lock = utc(2024, 1, 15, 7, 59, 40) + 200ms;
  const std::filesystem::path state = f.dir / "state.json";
  add.set_clock([&] { return sched::test::state_lock_held(state) ? in_lock : before_lock; });
  REQUIRE(add.run_raw({"sched", "--state", state.string(), "add", "x", "-s", "*/10 * * * * *", "-c", "true", "--tz",
                       "UTC"})
              .code == 0);
  f.sync();
  f.advance(10s);
  CHECK(f.taken_runs() == std::vector<std::string>{"x@2024-01-15T07:59:40.000Z schedule",
                                                   "x@2024-01-15T07:59:50.000Z schedule"});
}

TEST_CASE("a run during which the wall clock is set back records a duration the file can hold", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("x", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  // The run takes 1.5 s of steady time, during which the wall clock is set
  // back an hour: its duration is the 1.5 s, not 1.5 s minus an hour.
  f.engine->sync(f.store.load(sched::CorruptFile::refuse), [&](const sched::JobRecord&) -> sched::RunTask {
    return [&](const sched::RunContext&) {
      f.clock.advance(1500ms);
      f.clock.set(utc(2024, 1, 15, 6, 59, 41) + 500ms);
      return sched::RunOutcome{};
    };
  });
  f.advance(10s);
  const sched::JobRecord x = f.record("x");
  CHECK(x.last_duration == 1500ms);
  CHECK(x.last_finished_at == utc(2024, 1, 15, 6, 59, 41) + 500ms);
  CHECK(x.last_status == "ok");
}

TEST_CASE("a trigger request runs once as a manual run, leaves the watermark and is cleared", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("yearly", "0 0 1 1 *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  f.sync();
  f.change([](sched::StateDocument& doc) { doc.find("yearly")->trigger_requested_at = utc(2024, 1, 15, 7, 59, 30) + 250ms; });
  f.sync();
  f.sync();  // the same request seen again starts nothing
  CHECK(f.taken_runs() == std::vector<std::string>{"yearly@2024-01-15T07:59:30.000Z manual"});
  const sched::JobRecord yearly = f.record("yearly");
  CHECK(yearly.trigger_requested_at == std::nullopt);
  CHECK(yearly.last_trigger == "manual");
  CHECK(yearly.run_count == 1);
  CHECK(yearly.watermark == utc(2024, 1, 15, 7, 59, 30));
}

TEST_CASE("a changed definition takes effect; syncing the engine's own writes writes nothing", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("job", "0 9 * * *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  f.sync();
  CHECK(f.engine->next_run("job") == sched::test::utc_s(2024, 1, 15, 9));
  f.change([](sched::StateDocument& doc) { doc.find("job")->schedule = "0 8 * * *"; });
  f.sync();
  CHECK(f.engine->next_run("job") == sched::test::utc_s(2024, 1, 15, 8));
  const auto written = f.store.load(sched::CorruptFile::refuse).timestamp;
  f.clock.advance(1s);
  f.sync();
  CHECK(f.store.load(sched::CorruptFile::refuse).timestamp == written);
}

TEST_CASE("a run whose start cannot be written does not start, and starts once when it can", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) { doc.jobs.push_back(shell_job("tick", "*/10 * * * * *", utc(2024, 1, 15, 7, 59, 30))); });
  f.engine->initialize();
  f.sync();
  // Another process holds the state file's lock past the engine's wait.
  const int lock = ::open((f.dir / "state.json.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(::flock(lock, LOCK_EX) == 0);
  f.clock.advance(10s);  // 07:59:40 is due
  CHECK_FALSE(f.engine->wait_idle(1s));
  CHECK(f.taken_runs().empty());
  CHECK(f.record("tick").run_count == 0);
  {
    std::lock_guard guard(f.mutex);
    CHECK(std::count(f.log.begin(), f.log.end(),
                     "error: 1 run not started: the state file could not be written; trying again in a second") >= 1);
  }
  ::close(lock);
  f.advance(1s);
  CHECK(f.taken_runs() == std::vector<std::string>{"tick@2024-01-15T07:59:40.000Z schedule"});
  CHECK(f.record("tick").run_count == 1);
  CHECK(f.record("tick").watermark == utc(2024, 1, 15, 7, 59, 41));
}

TEST_CASE("a trigger request stays in the file until its run has started", "[engine][sync]") {
  Fixture f;
  f.change([&](sched::StateDocument& doc) {
    doc.jobs.push_back(shell_job("yearly", "0 0 1 1 *", utc(2024, 1, 15, 7, 59, 30)));
  });
  f.engine->initialize();
  f.sync();
  f.engine->stop_starting();  // queued runs wait, as behind a full max_concurrent
  f.change([](sched::StateDocument& doc) { doc.find("yearly")->trigger_requested_at = utc(2024, 1, 15, 7, 59, 31); });
  f.engine->sync(f.store.load(sched::CorruptFile::refuse), [&f](const sched::JobRecord& r) { return f.task(r); });
  f.clock.advance(1s);
  CHECK(f.engine->wait_quiet(300ms) == false);
  CHECK(f.record("yearly").trigger_requested_at == utc(2024, 1, 15, 7, 59, 31));
  CHECK(f.taken_runs().empty());
}
