#include "state_table.h"

#include <algorithm>
#include <array>

namespace sched::cli {
namespace {

using std::chrono::seconds;

constexpr std::size_t kColumns = 9;
using Row = std::array<std::string, kColumns>;

std::string result_text(const JobView& view) {
  const JobRecord& r = *view.record;
  if (!r.last_status) return "-";
  const std::string& status = *r.last_status;
  if (status == "running") return view.running ? "running" : "interrupted";
  if (status == "failed" && r.last_exit_code) return "failed (exit " + std::to_string(*r.last_exit_code) + ")";
  return status;
}

Row row(const JobView& view, InstantMs now) {
  const JobRecord& r = *view.record;
  Row out;
  out[0] = r.name;
  out[1] = r.schedule + " " + view.zone_name;
  if (!view.problem.empty()) {
    out[2] = "invalid";
  } else if (!r.enabled) {
    out[2] = "paused";
  } else if (!view.next) {
    out[2] = "never";
  } else {
    out[2] = wall_time(*view.next, view.zone);
  }
  out[3] = view.next ? relative_time(*view.next, now) : "-";
  const std::optional<InstantMs> last = r.last_started_at ? r.last_started_at : r.last_run;
  out[4] = last ? wall_time(date::floor<seconds>(*last), view.zone) : "-";
  out[5] = last ? relative_time(*last, now) : "-";
  out[6] = result_text(view);
  out[7] = std::to_string(r.run_count);
  out[8] = std::to_string(r.skipped_count);
  return out;
}

}  // namespace

std::string duration_text(seconds d) {
  struct Unit {
    std::int64_t size;
    const char* one;
    const char* many;  // after the number; a leading space for words
  };
  static constexpr Unit kUnits[] = {{86400, " day", " days"}, {3600, "h", "h"}, {60, "min", "min"}, {1, "s", "s"}};
  std::int64_t left = std::max<std::int64_t>(d.count(), 0);
  if (left == 0) return "0s";
  std::string out;
  for (std::size_t i = 0; i < std::size(kUnits); ++i) {
    const std::int64_t n = left / kUnits[i].size;
    if (n == 0) continue;
    out = std::to_string(n) + (n == 1 ? kUnits[i].one : kUnits[i].many);
    if (i + 1 < std::size(kUnits)) {
      const std::int64_t m = left % kUnits[i].size / kUnits[i + 1].size;
      if (m != 0) out += " " + std::to_string(m) + (m == 1 ? kUnits[i + 1].one : kUnits[i + 1].many);
    }
    break;
  }
  return out;
}

std::string relative_time(InstantMs then, InstantMs now) {
  if (then > now) return "in " + duration_text(date::floor<seconds>(then - now));
  return duration_text(date::floor<seconds>(now - then)) + " ago";
}

std::string wall_time(Instant t, const Zone& zone) {
  const date::sys_info info = zone.info(t);
  return date::format("%F %T ", date::local_seconds{t.time_since_epoch() + info.offset}) + info.abbrev;
}

std::string state_table(const std::vector<JobView>& jobs, InstantMs now) {
  std::vector<Row> rows{Row{"NAME", "SCHEDULE", "NEXT", "LEFT", "LAST", "PASSED", "RESULT", "RUNS", "SKIPPED"}};
  for (const JobView& view : jobs) rows.push_back(row(view, now));
  std::array<std::size_t, kColumns> width{};
  for (const Row& r : rows) {
    for (std::size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const Row& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < kColumns; ++c) {
      line += r[c];
      if (c + 1 < kColumns) line.append(width[c] - r[c].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  out += "\n" + std::to_string(jobs.size()) + (jobs.size() == 1 ? " job listed.\n" : " jobs listed.\n");
  return out;
}

}  // namespace sched::cli
