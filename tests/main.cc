// The single translation unit that holds Catch2's main.
//
// sched refuses state and config files that group or others may write, and
// tests write such files by hand: the umask is fixed before any test runs so
// that results do not depend on the caller's (002 on distributions with user
// private groups). Tests of the umask itself set it in their own scope.
#define CATCH_CONFIG_RUNNER
#include <sys/stat.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  ::umask(022);
  return Catch::Session().run(argc, argv);
}
