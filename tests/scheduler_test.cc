// The in-memory Scheduler driven by a ManualClock: what runs, when, with
// which RunContext, and what the job state says afterwards.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "sched/error.h"
#include "sched/scheduler.h"
#include "support/test_clock.h"

namespace {

using namespace std::chrono_literals;
using sched::test::utc;
using sched::test::utc_s;

// Collects the runs tasks saw and the lines the scheduler logged.
struct Recorder {
  std::mutex mutex;
  std::vector<sched::RunContext> runs;
  std::vector<std::string> log;
  std::condition_variable logged;

  sched::LogSink sink() {
    return [this](sched::LogLevel level, const std::string& line) {
      std::lock_guard guard(mutex);
      log.push_back(std::string(sched::to_string(level)) + ": " + line);
      logged.notify_all();
    };
  }
  // Waits (event-driven) until a logged line equals `line`.
  bool wait_for_log(const std::string& line) {
    std::unique_lock lock(mutex);
    return logged.wait_for(lock, std::chrono::seconds{10},
                           [&] { return std::find(log.begin(), log.end(), line) != log.end(); });
  }
  std::function<void(const sched::RunContext&)> task() {
    return [this](const sched::RunContext& run) {
      std::lock_guard guard(mutex);
      runs.push_back(run);
    };
  }
  std::vector<std::string> run_ids() {
    std::lock_guard guard(mutex);
    std::vector<std::string> ids;
    for (const auto& run : runs) ids.push_back(run.run_id + (run.catch_up ? " (catch-up)" : ""));
    return ids;
  }
};

struct Fixture {
  sched::ManualClock clock{utc(2024, 1, 15, 8, 0, 0)};
  Recorder recorder;
  sched::Scheduler scheduler{make_config()};

  sched::SchedulerConfig make_config() {
    sched::SchedulerConfig config;
    config.timezone = "UTC";
    config.clock = &clock;
    config.log = recorder.sink();
    return config;
  }
  Fixture() { scheduler.initialize(); }
  void advance(std::chrono::milliseconds by) {
    clock.advance(by);
    REQUIRE(scheduler.wait_idle());
  }
  sched::JobConfig job(const char* name, const char* schedule) {
    sched::JobConfig config;
    config.name = name;
    config.schedule = schedule;
    config.task = recorder.task();
    return config;
  }
};

}  // namespace

TEST_CASE("a job fires at its instants with a full RunContext", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("every-5", "*/5 * * * *"));
  CHECK(f.scheduler.get_job("every-5")->next_run() == utc_s(2024, 1, 15, 8, 5));
  f.advance(4min + 59s);
  CHECK(f.recorder.run_ids().empty());
  f.advance(1s);
  f.advance(5min);
  CHECK(f.recorder.run_ids() ==
        std::vector<std::string>{"every-5@2024-01-15T08:05:00.000Z", "every-5@2024-01-15T08:10:00.000Z"});
  const sched::RunContext& second = f.recorder.runs.at(1);
  CHECK(second.job_name == "every-5");
  CHECK(second.scheduled_at == utc_s(2024, 1, 15, 8, 10));
  CHECK(second.trigger == sched::RunTrigger::schedule);
  CHECK_FALSE(second.catch_up);
  CHECK(second.skipped == 0);
  CHECK(second.run_number == 2);
  const auto state = f.scheduler.get_job_state("every-5");
  REQUIRE(state);
  CHECK(state->run_count == 2);
  CHECK(state->last_run == utc(2024, 1, 15, 8, 10));
  CHECK(state->last_status == "ok");
  CHECK(state->next_run == utc(2024, 1, 15, 8, 15));
}

TEST_CASE("fires missed while the loop could not run follow the catch-up rules", "[scheduler]") {
  // A step of 59 minutes past the loop's deadline (08:05) is what a SIGSTOP
  // or a suspend looks like: the 12 fires from 08:05 to 09:00 were missed,
  // 09:00 too, and the newest 2 of them run.
  Fixture f;
  auto job = f.job("every-5", "*/5 * * * *");
  job.max_missed_runs = 2;
  f.scheduler.schedule(job);
  f.advance(1min);  // the loop has come round since the job was added: its deadline is 08:05
  f.advance(59min);
  CHECK(f.recorder.run_ids() == std::vector<std::string>{"every-5@2024-01-15T08:55:00.000Z (catch-up)",
                                                          "every-5@2024-01-15T09:00:00.000Z (catch-up)"});
  CHECK(f.recorder.runs.at(0).skipped == 10);
  CHECK(f.scheduler.get_job_state("every-5")->skipped_count == 10);
}

TEST_CASE("a task's exception reaches on_error and the scheduler goes on", "[scheduler]") {
  Fixture f;
  std::vector<std::string> errors;
  auto job = f.job("flaky", "* * * * *");
  int calls = 0;
  job.task = [&](const sched::RunContext&) {
    if (++calls == 1) throw std::runtime_error("disk full");
  };
  job.on_error = [&](const sched::TaskError& e) { errors.push_back(e.run.run_id + ": " + e.message); };
  f.scheduler.schedule(job);
  f.advance(1min);
  f.advance(1min);
  CHECK(calls == 2);
  CHECK(errors == std::vector<std::string>{"flaky@2024-01-15T08:01:00.000Z: disk full"});
  CHECK(f.scheduler.get_job_state("flaky")->last_status == "ok");
  CHECK(std::count(f.recorder.log.begin(), f.recorder.log.end(),
                   "error: job flaky: the schedule run for 2024-01-15T08:01:00.000Z failed after 0 ms: disk full") == 1);
}

TEST_CASE("log_level keeps lines below it from the sink, and not those above", "[scheduler]") {
  sched::ManualClock clock{utc(2024, 1, 15, 8, 0, 0)};
  Recorder recorder;
  sched::SchedulerConfig config;
  config.timezone = "UTC";
  config.clock = &clock;
  config.log = recorder.sink();
  config.log_level = sched::LogLevel::error;
  sched::Scheduler scheduler(config);
  scheduler.initialize();
  sched::JobConfig ok;
  ok.name = "ok";
  ok.schedule = "* * * * *";
  ok.task = recorder.task();
  scheduler.schedule(ok);
  sched::JobConfig failing = ok;
  failing.name = "failing";
  failing.task = [](const sched::RunContext&) { throw std::runtime_error("disk full"); };
  scheduler.schedule(failing);
  clock.advance(1min);
  REQUIRE(scheduler.wait_idle());
  CHECK(recorder.run_ids() == std::vector<std::string>{"ok@2024-01-15T08:01:00.000Z"});
  // Not "started" nor "finished" (info): only the failure (error).
  CHECK(recorder.log == std::vector<std::string>{
                           "error: job failing: the schedule run for 2024-01-15T08:01:00.000Z failed after 0 ms: disk full"});
}

TEST_CASE("a sink of its own, without a log_level, gets each run's start and end lines", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("ok", "* * * * *"));
  f.advance(1min);
  CHECK(f.recorder.log == std::vector<std::string>{
                              "info: job ok: started the schedule run for 2024-01-15T08:01:00.000Z",
                              "info: job ok: the schedule run for 2024-01-15T08:01:00.000Z finished in 0 ms"});
}

TEST_CASE("without a log_level, the default sink's own level applies; any other sink gets every level",
          "[scheduler]") {
  // stderr_log_sink() prints warnings and errors: run lines are not built for it.
  CHECK(sched::known_threshold(sched::stderr_log_sink()) == sched::LogLevel::warning);
  CHECK_FALSE(sched::known_threshold([](sched::LogLevel, const std::string&) {}).has_value());
  CHECK_FALSE(sched::known_threshold(sched::LogSink{}).has_value());
  CHECK_FALSE(sched::SchedulerConfig{}.log_level.has_value());
}

// The loop prepares a round shortly before its instant (the jobs due then and
// their following fires); changes in between must count as if made earlier.
TEST_CASE("changes in the last milliseconds before a fire apply to it", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("kept", "* * * * *"));
  f.scheduler.schedule(f.job("paused", "* * * * *"));
  f.scheduler.schedule(f.job("stopped", "* * * * *"));
  f.scheduler.schedule(f.job("resumed", "* * * * *"));
  f.scheduler.pause_job("resumed");
  f.advance(59s + 995ms);
  CHECK(f.scheduler.get_job("kept")->next_run() == utc_s(2024, 1, 15, 8, 1));
  CHECK(f.scheduler.get_job_state("kept")->next_run == utc(2024, 1, 15, 8, 1));
  f.scheduler.pause_job("paused");
  f.scheduler.stop_job("stopped");
  f.scheduler.resume_job("resumed");
  f.scheduler.schedule(f.job("added", "* * * * *"));
  f.advance(5ms);
  std::vector<std::string> ids = f.recorder.run_ids();
  std::sort(ids.begin(), ids.end());
  CHECK(ids == std::vector<std::string>{"added@2024-01-15T08:01:00.000Z", "kept@2024-01-15T08:01:00.000Z",
                                        "resumed@2024-01-15T08:01:00.000Z"});
  // Paused before its fire came: not a skipped fire.
  CHECK(f.scheduler.get_job_state("paused")->skipped_count == 0);
  CHECK(f.scheduler.get_job("kept")->next_run() == utc_s(2024, 1, 15, 8, 2));
  f.advance(1min);
  CHECK(f.recorder.run_ids().size() == 6);
}

TEST_CASE("jobs due at one instant each run once at it, however the time comes", "[scheduler]") {
  Fixture f;
  for (int i = 0; i < 40; ++i) f.scheduler.schedule(f.job(("job-" + std::to_string(i)).c_str(), "* * * * * *"));
  // The time reaches each instant in steps around it: before the round is
  // prepared, inside the lead before it, at it; or straight at it.
  f.advance(985ms);
  f.advance(10ms);
  f.advance(5ms);
  f.advance(997ms);
  f.advance(3ms);
  f.advance(1s);
  const std::vector<std::string> ids = f.recorder.run_ids();
  CHECK(ids.size() == 40 * 3);
  for (int i = 0; i < 40; ++i) {
    const std::string name = "job-" + std::to_string(i);
    for (const char* at : {"08:00:01", "08:00:02", "08:00:03"}) {
      CHECK(std::count(ids.begin(), ids.end(), name + "@2024-01-15T" + at + ".000Z") == 1);
    }
  }
}

TEST_CASE("runs due together run max_concurrent at a time, all of them at once", "[scheduler]") {
  sched::ManualClock clock{utc(2024, 1, 15, 8, 0, 0)};
  sched::SchedulerConfig config;
  config.timezone = "UTC";
  config.clock = &clock;
  config.max_concurrent = 4;
  sched::Scheduler scheduler(config);
  scheduler.initialize();
  // Each task waits until 4 run at once (a worker left asleep would keep
  // the count below 4 until the wait gives up), then lets every task go.
  std::mutex mutex;
  std::condition_variable changed;
  int running = 0, most = 0, ran = 0;
  bool four_at_once = false;
  for (int i = 0; i < 6; ++i) {
    sched::JobConfig job;
    job.name = "job-" + std::to_string(i);
    job.schedule = "* * * * *";
    job.task = [&](const sched::RunContext&) {
      std::unique_lock lock(mutex);
      most = std::max(most, ++running);
      if (running == 4) four_at_once = true;
      changed.notify_all();
      changed.wait_for(lock, 10s, [&] { return four_at_once; });
      --running;
      ++ran;
    };
    scheduler.schedule(std::move(job));
  }
  clock.advance(1min);
  REQUIRE(scheduler.wait_idle());
  std::lock_guard lock(mutex);
  CHECK(four_at_once);
  CHECK(most == 4);
  CHECK(ran == 6);
}

TEST_CASE("protect skips and counts a fire that finds the last run going", "[scheduler]") {
  Fixture f;
  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool open = false;
  bool entered = false;
  auto job = f.job("slow", "* * * * *");
  job.task = [&](const sched::RunContext&) {
    std::unique_lock lock(gate_mutex);
    entered = true;
    gate_cv.notify_all();
    gate_cv.wait(lock, [&] { return open; });
  };
  f.scheduler.schedule(job);
  f.clock.advance(1min);
  {
    std::unique_lock lock(gate_mutex);
    REQUIRE(gate_cv.wait_for(lock, 10s, [&] { return entered; }));
  }
  CHECK(f.scheduler.get_job("slow")->is_running());
  f.clock.advance(1min);  // 08:02 finds the 08:01 run still going
  REQUIRE(f.recorder.wait_for_log(
      "warning: job slow: skipped the run for 2024-01-15T08:02:00.000Z (the previous run is still going)"));
  {
    std::lock_guard lock(gate_mutex);
    open = true;
  }
  gate_cv.notify_all();
  REQUIRE(f.scheduler.wait_idle());
  const auto state = f.scheduler.get_job_state("slow");
  CHECK(state->skipped_count == 1);
  CHECK(state->run_count == 1);
  CHECK(state->watermark == utc(2024, 1, 15, 8, 2));
  CHECK_FALSE(f.scheduler.get_job("slow")->is_running());
}

TEST_CASE("pause stops fires; resume does not owe the fires missed while paused", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("hourly", "0 * * * *"));
  f.scheduler.pause_job("hourly");
  CHECK_FALSE(f.scheduler.get_job("hourly")->next_run().has_value());
  CHECK_FALSE(f.scheduler.get_job_state("hourly")->enabled);
  f.advance(3h);
  f.scheduler.resume_job("hourly");
  REQUIRE(f.scheduler.wait_idle());
  CHECK(f.recorder.run_ids().empty());
  CHECK(f.scheduler.get_job("hourly")->next_run() == utc_s(2024, 1, 15, 12, 0));
  f.advance(1h);
  CHECK(f.recorder.run_ids() == std::vector<std::string>{"hourly@2024-01-15T12:00:00.000Z"});
}

TEST_CASE("stop_job removes the job; unknown names are errors", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("a", "* * * * *"));
  f.scheduler.schedule(f.job("b", "* * * * *"));
  f.scheduler.stop_job("a");
  CHECK(f.scheduler.get_job("a") == nullptr);
  CHECK(f.scheduler.list_jobs().size() == 1);
  CHECK(f.scheduler.get_all_job_states().count("b") == 1);
  CHECK_THROWS_MATCHES(f.scheduler.pause_job("a"), sched::Error, Catch::Message("no job named a"));
  f.advance(1min);
  CHECK(f.recorder.run_ids() == std::vector<std::string>{"b@2024-01-15T08:01:00.000Z"});
}

TEST_CASE("schedule() rejects bad definitions with one clear line", "[scheduler]") {
  Fixture f;
  CHECK_THROWS_MATCHES(f.scheduler.schedule(f.job("x", "0 25 * * *")), sched::Error,
                       Catch::Message("invalid schedule \"0 25 * * *\": hour: 25 is outside 0-23 (column 3)"));
  CHECK_THROWS_MATCHES(f.scheduler.schedule(f.job("../etc", "@daily")), sched::Error,
                       Catch::Message("invalid job name \"../etc\": it must not start with '.' or '-'"));
  CHECK_THROWS_MATCHES(f.scheduler.schedule(f.job("a/b", "@daily")), sched::Error,
                       Catch::Message("invalid job name \"a/b\": only A-Z a-z 0-9 . _ - are allowed"));
  auto zoned = f.job("zoned", "@daily");
  zoned.timezone = "Mars/Base";
  CHECK_THROWS_AS(f.scheduler.schedule(zoned), sched::Error);
  f.scheduler.schedule(f.job("dup", "@daily"));
  CHECK_THROWS_MATCHES(f.scheduler.schedule(f.job("dup", "@hourly")), sched::Error,
                       Catch::Message("a job named dup is already scheduled"));
}

TEST_CASE("a clock set back never reruns a fire", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("minutely", "* * * * *"));
  f.advance(1min);
  f.advance(1min);
  f.clock.set(utc(2024, 1, 15, 7, 0, 0));
  REQUIRE(f.scheduler.wait_idle());
  f.advance(62min);  // back to 08:02: 08:01 and 08:02 already ran
  f.advance(1min);
  CHECK(f.recorder.run_ids() == std::vector<std::string>{"minutely@2024-01-15T08:01:00.000Z",
                                                          "minutely@2024-01-15T08:02:00.000Z",
                                                          "minutely@2024-01-15T08:03:00.000Z"});
  CHECK(std::any_of(f.recorder.log.begin(), f.recorder.log.end(), [](const std::string& line) {
    return line.rfind("warning: the wall clock was set back by 62 min", 0) == 0;
  }));
}

TEST_CASE("a wall clock set forward is a downtime: missed fires follow the catch-up rules", "[scheduler]") {
  Fixture f;
  auto job = f.job("hourly", "0 * * * *");
  job.max_missed_runs = 2;
  f.scheduler.schedule(job);
  f.clock.set(utc(2024, 1, 18, 8, 30, 0));  // 3 days and 30 minutes later, no time elapsed
  REQUIRE(f.scheduler.wait_idle());
  CHECK(f.recorder.run_ids() == std::vector<std::string>{"hourly@2024-01-18T07:00:00.000Z (catch-up)",
                                                          "hourly@2024-01-18T08:00:00.000Z (catch-up)"});
  CHECK(f.scheduler.get_job_state("hourly")->skipped_count == 70);
  CHECK(f.scheduler.get_job("hourly")->next_run() == utc_s(2024, 1, 18, 9, 0));
}

TEST_CASE("shutdown waits for a running task, then stops firing", "[scheduler]") {
  Fixture f;
  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool entered = false;
  bool release = false;
  auto job = f.job("long", "* * * * *");
  job.task = [&](const sched::RunContext&) {
    std::unique_lock lock(gate_mutex);
    entered = true;
    gate_cv.notify_all();
    gate_cv.wait(lock, [&] { return release; });
  };
  f.scheduler.schedule(job);
  f.clock.advance(1min);
  {
    std::unique_lock lock(gate_mutex);
    REQUIRE(gate_cv.wait_for(lock, 10s, [&] { return entered; }));
  }
  std::atomic<bool> shut_down{false};
  std::thread stopper([&] {
    f.scheduler.shutdown();
    shut_down = true;
  });
  // shutdown() cannot return while the task is held: it joins the worker.
  CHECK(f.scheduler.get_job("long")->is_running());
  CHECK_FALSE(shut_down.load());
  {
    std::lock_guard lock(gate_mutex);
    release = true;
  }
  gate_cv.notify_all();
  stopper.join();
  CHECK(shut_down.load());
  const auto state = f.scheduler.get_job_state("long");
  CHECK(state->last_status == "ok");
  CHECK(state->run_count == 1);
}

TEST_CASE("set_catch_up(false) skips every missed fire and is kept in the state", "[scheduler]") {
  Fixture f;
  f.scheduler.schedule(f.job("hourly", "0 * * * *"));
  f.scheduler.set_catch_up("hourly", false);
  CHECK_FALSE(f.scheduler.get_job_state("hourly")->catch_up);
  f.clock.set(utc(2024, 1, 15, 12, 30, 0));  // 09:00-12:00 missed
  REQUIRE(f.scheduler.wait_idle());
  CHECK(f.recorder.run_ids().empty());
  CHECK(f.scheduler.get_job_state("hourly")->skipped_count == 4);
  CHECK_THROWS_MATCHES(f.scheduler.set_catch_up("nope", true), sched::Error, Catch::Message("no job named nope"));
}
