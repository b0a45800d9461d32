// Cost of planning one job's catch-up (SPEC §4: "a one-second schedule after
// a year away plans in well under a millisecond"): `* * * * * *` after a year
// of downtime, with max_missed_runs 5 and 1000, in UTC (a fixed zone) and in
// America/New_York (DST). The label shows the plan's skipped count, the
// counters its runs and skipped fires.
//
//   build/bench/catchup_bench --benchmark_min_time=0.2

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <benchmark/benchmark.h>

#include "sched/catchup.h"
#include "sched/cron.h"
#include "sched/schedule.h"
#include "sched/zone.h"

namespace {

const sched::Instant kWatermark{date::sys_days{date::year{2024} / 1 / 1}};
const sched::Instant kNow{date::sys_days{date::year{2025} / 1 / 1}};

void plan_year(benchmark::State& state, const char* zone) {
  const int max_runs = static_cast<int>(state.range(0));
  const sched::Schedule schedule(sched::CronExpr::parse("* * * * * *"), sched::Zone::locate(zone));
  const sched::CatchupPolicy policy{true, max_runs, std::nullopt};
  sched::CatchupPlan plan;
  for (auto _ : state) {
    plan = sched::plan_catchup(schedule, policy, kWatermark, kNow);
    benchmark::DoNotOptimize(plan);
  }
  state.SetLabel(std::string("* * * * * * @ ") + zone + ", 1 year, skipped " + std::to_string(plan.skipped()));
  state.counters["runs"] = static_cast<double>(plan.runs.size());
  state.counters["skipped"] = static_cast<double>(plan.skipped());
}

// Counting alone: the O(days) half of the plan.
void count_year(benchmark::State& state, const char* zone) {
  const sched::Schedule schedule(sched::CronExpr::parse("* * * * * *"), sched::Zone::locate(zone));
  std::uint64_t n = 0;
  for (auto _ : state) {
    n = schedule.count(kWatermark, kNow);
    benchmark::DoNotOptimize(n);
  }
  state.SetLabel(std::string("* * * * * * @ ") + zone + ", 1 year, " + std::to_string(n) + " fires");
}

void BM_PlanYearUtc(benchmark::State& state) { plan_year(state, "UTC"); }
void BM_PlanYearNewYork(benchmark::State& state) { plan_year(state, "America/New_York"); }
void BM_CountYearUtc(benchmark::State& state) { count_year(state, "UTC"); }
void BM_CountYearNewYork(benchmark::State& state) { count_year(state, "America/New_York"); }

}  // namespace

BENCHMARK(BM_PlanYearUtc)->Arg(5)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlanYearNewYork)->Arg(5)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CountYearUtc)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CountYearNewYork)->Unit(benchmark::kMicrosecond);
