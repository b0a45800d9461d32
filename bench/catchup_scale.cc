// Catch-up planning at scale (issue 6, item 4): plan_catchup over 10,000
// jobs of mixed schedules after a year of downtime, max_missed_runs 5.
// Target: the whole plan in under 200 ms.
//
// The jobs follow bench/scale.py's mix (daily at various hours 40%, hourly
// 20%, every 15 minutes 10%, weekdays 15%, weekly 8%, monthly 6%, every
// minute 1%) over its eleven zones ("" is the system's zone). Printed: the
// time to build the Schedules (parse and zone lookup, which a start also
// pays), the planning time (median of --repeat passes over every job), the
// runs and skipped fires planned, and the planning time by kind of schedule.
// The dry run of the same state through the command is
// bench/catchup_dryrun.py.
//
//   build/bench/catchup_scale [--jobs N] [--repeat R] [--days D]

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sched/catchup.h"
#include "sched/cron.h"
#include "sched/schedule.h"
#include "sched/zone.h"

namespace {

using Steady = std::chrono::steady_clock;

// bench/scale.py's ZONES; job i has zone i % 11.
constexpr std::array<const char*, 11> kZones = {
    "",           "UTC",          "Europe/Berlin",    "Europe/London",       "America/New_York",
    "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney",
    "Australia/Lord_Howe",
};

constexpr std::array<const char*, 7> kKinds = {
    "daily", "hourly", "every 15 min", "weekdays", "weekly", "monthly", "every minute",
};

struct Job {
  int kind;
  std::string expr;
  std::optional<sched::Schedule> schedule;
};

// Job i of the mix: bench/scale.py's job_mix with its percentages.
Job make_job(int i, std::mt19937& rng) {
  const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const int m = pick(60), h = pick(24);
  const int r = i % 100;
  const std::string mh = std::to_string(m) + " " + std::to_string(h);
  if (r < 40) return {0, mh + " * * *", {}};
  if (r < 60) return {1, std::to_string(m) + " * * * *", {}};
  if (r < 70) return {2, "*/15 * * * *", {}};
  if (r < 85) return {3, mh + " * * 1-5", {}};
  if (r < 93) return {4, mh + " * * " + std::to_string(pick(7)), {}};
  if (r < 99) return {5, mh + " " + std::to_string(1 + pick(28)) + " * *", {}};
  return {6, "* * * * *", {}};
}

double ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

[[noreturn]] void usage(const char* problem) {
  std::fprintf(stderr, "catchup_scale: %s\nusage: catchup_scale [--jobs N] [--repeat R] [--days D]\n", problem);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 10000, repeat = 5, days = 365;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("missing value after an option");
    char* end = nullptr;
    const long n = std::strtol(argv[i + 1], &end, 10);
    if (*end != '\0' || n < 1 || n > 10000000) usage("values are numbers from 1 to 10000000");
    if (arg == "--jobs") {
      jobs = static_cast<int>(n);
    } else if (arg == "--repeat") {
      repeat = static_cast<int>(n);
    } else if (arg == "--days") {
      days = static_cast<int>(n);
    } else {
      usage("unknown option");
    }
  }

  std::mt19937 rng(1);
  std::vector<Job> all;
  all.reserve(static_cast<std::size_t>(jobs));
  for (int i = 0; i < jobs; ++i) all.push_back(make_job(i, rng));

  const auto build_start = Steady::now();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const char* zone = kZones[i % kZones.size()];
    all[i].schedule.emplace(sched::CronExpr::parse(all[i].expr),
                            *zone ? sched::Zone::locate(zone) : sched::Zone::system());
  }
  const auto build = Steady::now() - build_start;

  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const sched::Instant watermark = now - std::chrono::days{days};
  const sched::CatchupPolicy policy{true, 5, std::nullopt};

  std::vector<double> totals;
  std::array<Steady::duration, kKinds.size()> by_kind{};
  std::array<int, kKinds.size()> count_kind{};
  std::uint64_t runs = 0, skipped = 0;
  for (int pass = 0; pass < repeat; ++pass) {
    runs = skipped = 0;
    by_kind = {};
    count_kind = {};
    const auto start = Steady::now();
    for (const Job& job : all) {
      const auto t0 = Steady::now();
      const sched::CatchupPlan plan = sched::plan_catchup(*job.schedule, policy, watermark, now);
      by_kind[static_cast<std::size_t>(job.kind)] += Steady::now() - t0;
      ++count_kind[static_cast<std::size_t>(job.kind)];
      runs += plan.runs.size();
      skipped += plan.skipped();
    }
    totals.push_back(ms(Steady::now() - start));
  }
  std::sort(totals.begin(), totals.end());

  std::printf("plan_catchup: %d jobs of mixed schedules, %d days down, max_missed_runs 5\n", jobs, days);
  std::printf("  building the Schedules (parse + zone): %.1f ms\n", ms(build));
  std::printf("  planning: median %.1f ms, min %.1f ms, max %.1f ms over %d passes (%.1f us a job)\n",
              totals[totals.size() / 2], totals.front(), totals.back(), repeat,
              1000.0 * totals[totals.size() / 2] / jobs);
  std::printf("  planned %llu runs, %llu skipped fires\n", static_cast<unsigned long long>(runs),
              static_cast<unsigned long long>(skipped));
  std::printf("  last pass by kind:\n");
  for (std::size_t k = 0; k < kKinds.size(); ++k) {
    if (count_kind[k] == 0) continue;
    std::printf("    %-13s %5d jobs %8.1f ms %7.1f us a job\n", kKinds[k], count_kind[k], ms(by_kind[k]),
                1000.0 * ms(by_kind[k]) / count_kind[k]);
  }
  std::printf("target: planning < 200 ms %s\n", totals[totals.size() / 2] < 200.0 ? "ok" : "MISSED");
  return 0;
}
