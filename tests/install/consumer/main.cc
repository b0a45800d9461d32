// Prints the first fire of a daily schedule after a fixed instant, and the
// error for a missing config file (which links the config loader and its
// toml++ dependency through the installed package).
#include <iostream>

#include <sched/config.h>
#include <sched/error.h>
#include <sched/schedule.h>

int main() {
  const sched::Schedule daily(sched::CronExpr::parse("0 8 * * *"), sched::Zone::locate("Europe/Berlin"));
  const auto fire = daily.next(sched::Instant{date::sys_days{date::year{2024} / 1 / 15}});
  if (!fire) return 1;
  std::cout << sched::format_rfc3339(*fire) << "\n";
  try {
    (void)sched::load_config("/nonexistent/sched.toml");
  } catch (const sched::Error& e) {
    std::cout << e.what() << "\n";
  }
  return 0;
}
