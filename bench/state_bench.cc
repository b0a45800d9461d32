// Loading and saving the state file with 1,000 and 10,000 realistic jobs.
// Targets (SPEC §5 at scale): 10,000 jobs load in < 150 ms and save, durably
// (fsync of the file and its folder), in < 150 ms. The parts: parse_state and
// to_json alone (also at 100,000 jobs, about 105 MB), the copy of the
// document StateStore::write makes, and a whole StateStore::update that adds
// one job (the library's share of `sched add`).

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "sched/state.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const sched::InstantMs kNow = sched::InstantMs{date::sys_days{date::year{2024} / 1 / 15}} + 8h + 30min;

// Every field a CLI job has after some runs: about 1 KB of JSON each.
sched::StateDocument realistic_state(int jobs) {
  const char* const schedules[] = {"0 8 * * *", "*/5 * * * *", "0 */6 * * *", "30 2 * * 1-5", "0 0 1 * *"};
  const char* const zones[] = {"", "Europe/Berlin", "America/New_York", "Asia/Tokyo"};
  sched::StateDocument doc;
  doc.timestamp = kNow;
  for (int i = 0; i < jobs; ++i) {
    sched::JobRecord job;
    job.name = "job-" + std::to_string(100000 + i);
    job.schedule = schedules[i % 5];
    job.max_missed_runs = i % 10;
    job.run_count = static_cast<std::uint64_t>(i) * 13;
    job.last_run = kNow - std::chrono::minutes{i % 1440};
    job.next_run = kNow + std::chrono::minutes{i % 1440};
    job.watermark = job.last_run;
    job.timezone = zones[i % 4];
    job.catch_up_window = std::chrono::hours{24 * 7};
    job.timeout = 2h;
    job.command = "/usr/local/bin/backup.sh --target /mnt/backup/" + job.name + " --verbose";
    job.workdir = "/srv/jobs/" + job.name;
    job.env = {{"TARGET", "/mnt/backup"}, {"LOG_LEVEL", "info"}};
    job.source = "cli";
    job.last_status = i % 17 == 0 ? "failed" : "ok";
    job.last_trigger = "schedule";
    job.last_exit_code = i % 17 == 0 ? 1 : 0;
    job.last_duration = std::chrono::milliseconds{1000 + i % 5000};
    job.last_started_at = *job.last_run + 12ms;
    job.last_finished_at = *job.last_started_at + *job.last_duration;
    job.skipped_count = static_cast<std::uint64_t>(i % 3);
    doc.jobs.push_back(std::move(job));
  }
  return doc;
}

// A fresh folder under $TMPDIR for one benchmark, removed afterwards.
struct TempFolder {
  fs::path path;
  TempFolder() {
    std::string templ = (fs::temp_directory_path() / "sched-state-bench-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = templ;
  }
  ~TempFolder() { fs::remove_all(path); }
};

void BM_Load(benchmark::State& state) {
  TempFolder dir;
  const sched::StateStore store(dir.path / "state.json");
  store.write(realistic_state(static_cast<int>(state.range(0))), kNow);
  state.counters["bytes"] = static_cast<double>(fs::file_size(dir.path / "state.json"));
  for (auto _ : state) benchmark::DoNotOptimize(store.load(sched::CorruptFile::refuse));
}
BENCHMARK(BM_Load)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Save(benchmark::State& state) {
  TempFolder dir;
  const sched::StateStore store(dir.path / "state.json");
  const sched::StateDocument doc = realistic_state(static_cast<int>(state.range(0)));
  for (auto _ : state) store.write(doc, kNow);
}
BENCHMARK(BM_Save)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The two halves of the cost without the file system.
void BM_ParseState(benchmark::State& state) {
  const std::string text = sched::to_json(realistic_state(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(sched::parse_state(text, "bench.json"));
}
BENCHMARK(BM_ParseState)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ToJson(benchmark::State& state) {
  const sched::StateDocument doc = realistic_state(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(sched::to_json(doc));
}
BENCHMARK(BM_ToJson)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_CopyDocument(benchmark::State& state) {
  const sched::StateDocument doc = realistic_state(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    sched::StateDocument copy = doc;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_CopyDocument)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_UpdateAddJob(benchmark::State& state) {
  TempFolder dir;
  sched::StateStore store(dir.path / "state.json");
  const sched::StateDocument doc = realistic_state(static_cast<int>(state.range(0)));
  sched::JobRecord added = doc.jobs.front();
  added.name = "added";
  for (auto _ : state) {
    state.PauseTiming();
    store.write(doc, kNow);
    state.ResumeTiming();
    store.update([&](sched::StateDocument& current) {
      current.jobs.push_back(added);
      return true;
    });
  }
}
BENCHMARK(BM_UpdateAddJob)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
