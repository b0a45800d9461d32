// Cost of the cron engine's hot paths: parse, next and prev, over the issue's
// ten expressions, in UTC (a fixed zone) and in America/New_York (DST). Each
// next/prev benchmark walks a chain of fire times from a start instant so that
// it measures the steady state a scheduler sees, not one cached answer.
//
//   build/bench/cron_bench --benchmark_min_time=0.2

#include <array>
#include <chrono>
#include <optional>
#include <string>

#include <benchmark/benchmark.h>

#include "sched/cron.h"
#include "sched/schedule.h"

namespace {

constexpr std::array<const char*, 10> kExpressions = {
    "* * * * *",   "*/5 * * * *",         "0 8 * * *", "0 9 * * 1-5",      "0 0 29 2 *",
    "*/7 3-17 1,15 * 1-5", "0 0 L * *", "*/10 * * * * *", "0 0 * * 5#3", "0 30 2 * * *"};

const sched::Instant kStart{date::sys_days{date::year{2024} / 1 / 1}};
// Walks restart here, inside the years the tz database lists transitions for.
const sched::Instant kEnd{date::sys_days{date::year{2036} / 1 / 1}};
const sched::Instant kBegin{date::sys_days{date::year{1990} / 1 / 1}};

void BM_Parse(benchmark::State& state) {
  const char* text = kExpressions[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(text);
  for (auto _ : state) benchmark::DoNotOptimize(sched::CronExpr::parse(text));
}

// Walks forward from kStart, restarting at kEnd.
void walk_next(benchmark::State& state, const char* zone) {
  const char* text = kExpressions[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(text) + " @ " + zone);
  const sched::Schedule schedule(sched::CronExpr::parse(text), sched::Zone::locate(zone));
  sched::Instant t = kStart;
  for (auto _ : state) {
    const std::optional<sched::Instant> fire = schedule.next(t);
    benchmark::DoNotOptimize(fire);
    t = *fire > kEnd ? kStart : *fire;
  }
}

void walk_prev(benchmark::State& state, const char* zone) {
  const char* text = kExpressions[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(text) + " @ " + zone);
  const sched::Schedule schedule(sched::CronExpr::parse(text), sched::Zone::locate(zone));
  sched::Instant t = kStart;
  for (auto _ : state) {
    const std::optional<sched::Instant> fire = schedule.prev(t);
    benchmark::DoNotOptimize(fire);
    t = *fire < kBegin ? kStart : *fire;
  }
}

void BM_NextUtc(benchmark::State& state) { walk_next(state, "UTC"); }
void BM_NextNewYork(benchmark::State& state) { walk_next(state, "America/New_York"); }
void BM_PrevUtc(benchmark::State& state) { walk_prev(state, "UTC"); }
void BM_PrevNewYork(benchmark::State& state) { walk_prev(state, "America/New_York"); }

// The slowest answers: schedules that never fire (a full 401-year search) and
// one that fires once in decades under day_match "all".
void BM_WorstCase(benchmark::State& state) {
  struct Case {
    const char* text;
    sched::DayMatch match;
    const char* zone;
  };
  static const Case kCases[] = {
      {"0 0 30 2 1", sched::DayMatch::all, "UTC"},
      {"0 0 30 2 1", sched::DayMatch::all, "America/New_York"},
      {"0 0 29 2 1", sched::DayMatch::all, "America/New_York"},
      {"59 59 23 31 12 5#5", sched::DayMatch::all, "Europe/Berlin"},
  };
  const Case& c = kCases[state.range(0)];
  state.SetLabel(std::string(c.text) + " all @ " + c.zone + (state.range(1) != 0 ? " prev" : " next"));
  const sched::Schedule schedule(sched::CronExpr::parse(c.text), sched::Zone::locate(c.zone),
                                 {c.match, sched::DstGap::run_after, sched::DstRepeat::automatic});
  for (auto _ : state) {
    benchmark::DoNotOptimize(state.range(1) != 0 ? schedule.prev(kStart) : schedule.next(kStart));
  }
}

}  // namespace

BENCHMARK(BM_Parse)->DenseRange(0, 9);
BENCHMARK(BM_NextUtc)->DenseRange(0, 9);
BENCHMARK(BM_NextNewYork)->DenseRange(0, 9);
BENCHMARK(BM_PrevUtc)->DenseRange(0, 9);
BENCHMARK(BM_PrevNewYork)->DenseRange(0, 9);
BENCHMARK(BM_WorstCase)->ArgsProduct({{0, 1, 2, 3}, {0, 1}})->Unit(benchmark::kMicrosecond);
