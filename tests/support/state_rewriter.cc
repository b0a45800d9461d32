// Rewrites a state file forever, alternating two documents, so that
// state_crash_test can kill it at random moments:
//   state_rewriter STATE_FILE A.json B.json STAMP
// Writes B, then A, then B, …, each with `timestamp` STAMP, so the bytes of
// each write are known in advance. Prints one '.' to stdout once its first
// write is complete. It takes no lock: it is the only writer while it runs.

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sched/state.h"

namespace {

sched::StateDocument read_document(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return sched::parse_state(text.str(), path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fputs("usage: state_rewriter STATE_FILE A.json B.json STAMP\n", stderr);
    return 2;
  }
  try {
    const sched::StateDocument a = read_document(argv[2]);
    const sched::StateDocument b = read_document(argv[3]);
    sched::InstantMs stamp{};
    if (!sched::parse_rfc3339(argv[4], stamp)) throw std::runtime_error(std::string("bad stamp ") + argv[4]);
    const sched::StateStore store(argv[1]);
    store.write(b, stamp);
    if (::write(STDOUT_FILENO, ".", 1) != 1) return 1;
    for (;;) {
      store.write(a, stamp);
      store.write(b, stamp);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "state_rewriter: %s\n", e.what());
    return 1;
  }
}
