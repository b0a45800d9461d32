#pragma once
// Instants for tests, written as calendar values rather than parsed text.

#include <chrono>

#include "sched/time.h"

namespace sched::test {

inline InstantMs utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return InstantMs{date::sys_days{date::year{y} / date::month{mo} / date::day{d}}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s};
}

inline Instant utc_s(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return date::floor<std::chrono::seconds>(utc(y, mo, d, h, mi, s));
}

}  // namespace sched::test
