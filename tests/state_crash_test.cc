// Crash safety of the state file and the runner lock: after a writer is
// killed by SIGKILL at any moment the file parses and holds one complete
// write, and the dead writer's temporary file goes away at the next write;
// RunnerLock admits one scheduler per state file, in or across processes,
// and a dead runner's lock is free at once.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "sched/error.h"
#include "sched/state.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/temp_dir.h"

extern char** environ;

namespace fs = std::filesystem;

namespace {

using sched::test::error_of;
using sched::test::names_in;
using sched::test::read_bytes;
using sched::test::write_bytes;

// A document of `jobs` jobs, several KB, distinct for each `tag`.
sched::StateDocument document(const std::string& tag, int jobs) {
  sched::StateDocument doc;
  for (int i = 0; i < jobs; ++i) {
    sched::JobRecord job;
    job.name = tag + "-job-" + std::to_string(i);
    job.schedule = std::to_string(i % 60) + " */2 * * *";
    job.command = "/usr/local/bin/" + tag + " --part " + std::to_string(i);
    job.env = {{"TAG", tag}};
    job.run_count = static_cast<std::uint64_t>(i) * 7;
    job.unknown = {{"x-" + tag, std::to_string(i)}};
    doc.jobs.push_back(job);
  }
  doc.unknown = {{"writer", "\"" + tag + "\""}};
  return doc;
}

sched::StateDocument one_job() {
  sched::StateDocument doc;
  doc.jobs.emplace_back();
  doc.jobs[0].name = "a";
  doc.jobs[0].schedule = "@daily";
  return doc;
}

// Reads one byte from `fd`; false at end of file (the writer died first).
bool read_byte(int fd) {
  char c = 0;
  return ::read(fd, &c, 1) == 1;
}

}  // namespace

TEST_CASE("kill -9 during rewrites leaves a whole file and at most the dead writer's temp file", "[state][crash]") {
  sched::test::TempDir dir;
  const fs::path state_dir = dir.path() / "state";
  const fs::path file = state_dir / "state.json";
  const std::string stamp_text = "2024-01-15T08:00:00.000Z";
  sched::InstantMs stamp{};
  REQUIRE(sched::parse_rfc3339(stamp_text, stamp));

  sched::StateDocument a = document("alpha", 8);
  sched::StateDocument b = document("beta", 11);
  a.timestamp = b.timestamp = stamp;
  const std::string a_bytes = sched::to_json(a);
  const std::string b_bytes = sched::to_json(b);
  REQUIRE(a_bytes.size() > 4000);
  REQUIRE(b_bytes.size() > 4000);
  std::ofstream(dir.path() / "a.json", std::ios::binary) << a_bytes;
  std::ofstream(dir.path() / "b.json", std::ios::binary) << b_bytes;

  const sched::StateStore store(file);
  store.write(a, stamp);

  const unsigned seed = std::random_device{}();
  CAPTURE(seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_us(0, 20000);
  int mid_write = 0;
  const std::string argv_strings[] = {STATE_REWRITER, file.string(), (dir.path() / "a.json").string(),
                                      (dir.path() / "b.json").string(), stamp_text};
  char* argv[] = {const_cast<char*>(argv_strings[0].c_str()), const_cast<char*>(argv_strings[1].c_str()),
                  const_cast<char*>(argv_strings[2].c_str()), const_cast<char*>(argv_strings[3].c_str()),
                  const_cast<char*>(argv_strings[4].c_str()), nullptr};

  for (int kill_number = 0; kill_number < 300; ++kill_number) {
    CAPTURE(kill_number);
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ready[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, ready[0]);
    pid_t child = 0;
    const int spawned = ::posix_spawn(&child, argv[0], &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(ready[1]);
    REQUIRE(spawned == 0);

    // Kill it at a random moment after its first complete write.
    const bool writing = read_byte(ready[0]);
    ::close(ready[0]);
    std::this_thread::sleep_for(std::chrono::microseconds{delay_us(random)});
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(writing);
    REQUIRE(WIFSIGNALED(status));

    const std::string bytes = read_bytes(file);
    REQUIRE((bytes == a_bytes || bytes == b_bytes));
    const sched::StateDocument read = sched::parse_state(bytes, file.string());
    CHECK((read == a || read == b));

    const std::string dead_prefix = "state.json.tmp-" + std::to_string(child) + "-";
    std::set<std::string> temps;
    for (const auto& entry : fs::directory_iterator(state_dir)) {
      const std::string name = entry.path().filename().string();
      if (name != "state.json") temps.insert(name);
    }
    REQUIRE(temps.size() <= 1);
    if (!temps.empty()) {
      CHECK(temps.begin()->rfind(dead_prefix, 0) == 0);
      ++mid_write;
    }

    // The next write removes the dead writer's temporary file.
    store.write(a, stamp);
    CHECK(read_bytes(file) == a_bytes);
    CHECK(std::distance(fs::directory_iterator(state_dir), fs::directory_iterator{}) == 1);
  }
  WARN(mid_write << " of 300 kills interrupted a write in progress");
}

TEST_CASE("write removes temporary files of dead writers and keeps those of live ones", "[state][store]") {
  sched::test::TempDir dir;
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  REQUIRE(::waitpid(dead, nullptr, 0) == dead);  // reaped: the pid is free now
  const std::string stale = "state.json.tmp-" + std::to_string(dead) + "-0123456789abcdef";
  const std::string live = "state.json.tmp-" + std::to_string(::getppid()) + "-0123456789abcdef";
  const std::string other = "other.json.tmp-" + std::to_string(dead) + "-0123456789abcdef";
  for (const auto& name : {stale, live, other}) write_bytes(dir.path() / name, "partial");

  sched::StateStore(dir.path() / "state.json").write(one_job(), sched::InstantMs{});
  CHECK(names_in(dir.path()) == std::set<std::string>{"state.json", live, other});
}

TEST_CASE("RunnerLock: one holder per state file, named by pid, released on destruction", "[state][lock]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "sub" / "state.json";
  const std::string refused = "another scheduler (pid " + std::to_string(::getpid()) + ") is using " + file.string();
  {
    sched::RunnerLock first = sched::RunnerLock::acquire(file);
    CHECK((fs::status(file.string() + ".run.lock").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(read_bytes(file.string() + ".run.lock") == std::to_string(::getpid()) + "\n");
    // A second RunnerLock in the same process opens its own description: refused too.
    CHECK(error_of([&] { (void)sched::RunnerLock::acquire(file); }) == "scheduler_running: " + refused);

    sched::RunnerLock moved = std::move(first);
    { const sched::RunnerLock gone = std::move(first); }  // a moved-from lock releases nothing
    CHECK(error_of([&] { (void)sched::RunnerLock::acquire(file); }) == "scheduler_running: " + refused);
  }
  const sched::RunnerLock again = sched::RunnerLock::acquire(file);
}

TEST_CASE("a second runner is refused with the first one's pid, and a killed runner's lock is free at once",
          "[state][crash][lock]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    try {
      const sched::RunnerLock lock = sched::RunnerLock::acquire(file);
      if (::write(ready[1], ".", 1) != 1) ::_exit(1);
      for (;;) ::pause();
    } catch (...) {
      ::_exit(1);
    }
  }
  ::close(ready[1]);
  const bool holding = read_byte(ready[0]);
  ::close(ready[0]);
  if (!holding) ::waitpid(child, nullptr, 0);
  REQUIRE(holding);

  CHECK(error_of([&] { (void)sched::RunnerLock::acquire(file); }) ==
        "scheduler_running: another scheduler (pid " + std::to_string(child) + ") is using " + file.string());

  ::kill(child, SIGKILL);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  const sched::RunnerLock lock = sched::RunnerLock::acquire(file);
  CHECK(read_bytes(file.string() + ".run.lock") == std::to_string(::getpid()) + "\n");
}
