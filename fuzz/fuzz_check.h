#pragma once
// The one way a fuzz target reports a broken property: print what broke,
// with the values involved, and abort so that libFuzzer saves the input.
// The message is built only when the check fails.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sched_fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what.c_str());
  std::abort();
}

}  // namespace sched_fuzz

#define SCHED_FUZZ_CHECK(condition, message)              \
  do {                                                    \
    if (!(condition)) ::sched_fuzz::fail(message);        \
  } while (false)
