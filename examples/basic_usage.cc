// The seed's "Basic Usage" in C++: a persistent scheduler with one daily job
// that catches up on missed runs, shut down cleanly on SIGINT or SIGTERM.
//
//   build/examples/basic_usage [STATE-FILE]

#include <csignal>
#include <iostream>

#include <sched/scheduler.h>

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, then wait for one here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  sched::PersistentSchedulerConfig config;
  config.state_file = argc > 1 ? argv[1] : "./scheduler-state.json";
  config.default_catch_up = true;
  config.default_max_missed_runs = 5;
  sched::PersistentScheduler scheduler(config);

  scheduler.initialize();  // loads the previous state

  sched::JobConfig job;
  job.name = "daily-report";
  job.schedule = "0 8 * * *";  // 8 AM daily
  job.task = [](const sched::RunContext& run) {
    std::cout << "Generating daily report for " << sched::format_rfc3339(run.scheduled_at)
              << (run.catch_up ? " (catching up)" : "") << "...\n";
  };
  job.catch_up = true;
  job.max_missed_runs = 3;
  scheduler.schedule(job);

  std::cout << "daily-report next runs at " << sched::format_rfc3339(*scheduler.get_job("daily-report")->next_run())
            << "; Ctrl-C stops\n";
  int signal = 0;
  sigwait(&stop_signals, &signal);
  scheduler.shutdown();  // waits for a running task, saves the state
  return 0;
}
