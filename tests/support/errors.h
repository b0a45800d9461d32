#pragma once
// "code: message" of the sched::Error a callable throws, for exact checks.

#include <string>

#include "sched/error.h"

namespace sched::test {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const sched::Error& e) {
    return std::string(sched::to_string(e.code())) + ": " + e.what();
  }
  return "(nothing thrown)";
}

}  // namespace sched::test
