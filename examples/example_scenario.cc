// The seed's "Example Scenario", replayed on a manual clock: a daily 08:00
// backup with max_missed_runs 2 runs on Day 1, the process is down on Days 2
// and 3, and starts again on Day 4 at 10:00. Day 3 and Day 4 are caught up, in
// that order; Day 2 is skipped and counted.
//
//   build/examples/example_scenario [STATE-FILE]

#include <filesystem>
#include <iostream>

#include <sched/scheduler.h>

namespace {

sched::InstantMs at(int day, int hour) {
  using namespace date;
  return sched::InstantMs{sys_days{year{2024} / 1 / (14 + day)}} + std::chrono::hours{hour};
}

void start(sched::ManualClock& clock, const std::filesystem::path& state_file) {
  sched::PersistentSchedulerConfig config;
  config.state_file = state_file;
  config.clock = &clock;
  config.timezone = "UTC";
  config.log = [](sched::LogLevel level, const std::string& line) {
    std::cout << "  [" << sched::to_string(level) << "] " << line << "\n";
  };
  sched::PersistentScheduler scheduler(config);
  scheduler.initialize();

  sched::JobConfig job;
  job.name = "daily-backup";
  job.schedule = "0 8 * * *";
  job.task = [](const sched::RunContext& run) {
    std::cout << "  Running daily backup for " << sched::format_rfc3339(run.scheduled_at)
              << (run.catch_up ? " (catch-up)" : "") << "\n";
  };
  job.catch_up = true;
  job.max_missed_runs = 2;
  scheduler.schedule(job);
  if (clock.now() < at(1, 9)) clock.advance(std::chrono::hours{1});  // Day 1: 07:00 -> 08:00
  scheduler.wait_idle();
  const auto state = scheduler.get_job_state("daily-backup");
  std::cout << "  runs so far: " << state->run_count << ", skipped: " << state->skipped_count << "\n";
  scheduler.shutdown();
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path state_file =
      argc > 1 ? argv[1] : std::filesystem::temp_directory_path() / "sched-example-scenario.json";
  std::filesystem::remove(state_file);
  sched::ManualClock clock(at(1, 7));
  std::cout << "Day 1, 07:00: process starts\n";
  start(clock, state_file);
  clock.set(at(4, 10));
  std::cout << "Day 4, 10:00: process starts again after two days down\n";
  start(clock, state_file);
  std::filesystem::remove(state_file);
  return 0;
}
