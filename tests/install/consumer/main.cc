// Prints the first fire of a daily schedule after a fixed instant.
#include <iostream>

#include <sched/schedule.h>

int main() {
  const sched::Schedule daily(sched::CronExpr::parse("0 8 * * *"), sched::Zone::locate("Europe/Berlin"));
  const auto fire = daily.next(sched::Instant{date::sys_days{date::year{2024} / 1 / 15}});
  if (!fire) return 1;
  std::cout << sched::format_rfc3339(*fire) << "\n";
  return 0;
}
