// The executor against real processes: exit statuses, output lines, the
// environment, workdir, descriptors, timeouts, interrupts and reaping.

#include "sched/executor.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace std::chrono_literals;
using sched::CommandResult;
using sched::CommandSpec;
using sched::Executor;
using sched::OutputStream;
using Status = CommandResult::Status;

namespace {

// What a run printed, line by line, per stream.
struct Captured {
  std::vector<std::string> out, err;
  sched::OutputLine sink() {
    return [this](OutputStream stream, std::string_view line) {
      (stream == OutputStream::out ? out : err).emplace_back(line);
    };
  }
};

CommandSpec shell(std::string command) {
  CommandSpec spec;
  spec.command = std::move(command);
  return spec;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether `pid` has ended: gone, or a zombie its new parent has not reaped.
bool has_died(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  return paren == std::string::npos || text.substr(paren + 2, 1) == "Z";
}

bool dies_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!has_died(pid)) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// True when this process has no child at all, running or zombie.
bool no_children_left() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

}  // namespace

TEST_CASE("a command's exit status is its exit_code", "[executor]") {
  const auto [command, code] = GENERATE(table<const char*, int>({{"exit 0", 0}, {"exit 3", 3}, {"true", 0}}));
  Executor executor;
  const CommandResult result = executor.run(shell(command), {});
  CHECK(result.status == Status::exited);
  CHECK(result.exit_code == code);
  CHECK(result.signal == 0);
  CHECK(result.error.empty());
}

TEST_CASE("status names", "[executor]") {
  CHECK(std::string(to_string(Status::exited)) == "exited");
  CHECK(std::string(to_string(Status::signaled)) == "signaled");
  CHECK(std::string(to_string(Status::timed_out)) == "timeout");
  CHECK(std::string(to_string(Status::interrupted)) == "interrupted");
  CHECK(std::string(to_string(Status::failed_to_start)) == "failed-to-start");
}

TEST_CASE("a command killed by a signal is signaled, exit_code 128 + signal", "[executor]") {
  Executor executor;
  const CommandResult result = executor.run(shell("kill -USR1 $$"), {});
  CHECK(result.status == Status::signaled);
  CHECK(result.signal == SIGUSR1);
  CHECK(result.exit_code == 128 + SIGUSR1);
}

TEST_CASE("stdout and stderr lines arrive on their stream, in order", "[executor]") {
  Executor executor;
  Captured got;
  const CommandResult result =
      executor.run(shell("printf 'one\\n\\nthree\\n'; printf 'e1\\ne2\\n' >&2; printf 'no newline'"), got.sink());
  CHECK(result.status == Status::exited);
  CHECK(got.out == std::vector<std::string>{"one", "", "three", "no newline"});
  CHECK(got.err == std::vector<std::string>{"e1", "e2"});
}

TEST_CASE("a line longer than 64 KiB arrives in 64 KiB pieces", "[executor]") {
  Executor executor;
  Captured got;
  // 100 KiB of x, then exactly 64 KiB of y: a line of the limit is one piece.
  executor.run(shell("head -c 102400 /dev/zero | tr '\\0' x; echo; head -c 65536 /dev/zero | tr '\\0' y; echo"),
               got.sink());
  REQUIRE(got.out.size() == 3);
  CHECK(got.out[0] == std::string(65536, 'x'));
  CHECK(got.out[1] == std::string(102400 - 65536, 'x'));
  CHECK(got.out[2] == std::string(65536, 'y'));
  CHECK(got.err.empty());
}

TEST_CASE("env values reach the child intact and override the process's", "[executor]") {
  sched::test::TempDir dir;
  ::setenv("SCHED_EXECUTOR_TEST_OLD", "from the process", 1);
  const std::string value = "a=b \"double\" 'single'  two  spaces\nsecond line\n";
  CommandSpec spec = shell("printf '%s' \"$ODD\" > odd; printf '%s' \"$SCHED_EXECUTOR_TEST_OLD\" > old");
  spec.workdir = dir.path();
  spec.env = {{"ODD", "replaced"}, {"SCHED_EXECUTOR_TEST_OLD", "from the job"}, {"ODD", value}};
  Executor executor;
  const CommandResult result = executor.run(spec, {});
  ::unsetenv("SCHED_EXECUTOR_TEST_OLD");
  REQUIRE(result.status == Status::exited);
  CHECK(read_file(dir / "odd") == value);
  CHECK(read_file(dir / "old") == "from the job");
}

TEST_CASE("an env name with '=' fails to start", "[executor]") {
  CommandSpec spec = shell("true");
  spec.env = {{"A=B", "c"}};
  const CommandResult result = Executor().run(spec, {});
  CHECK(result.status == Status::failed_to_start);
  CHECK(result.error == "env A=B: not a valid variable");
}

TEST_CASE("a command with single and double quotes runs as written", "[executor]") {
  Captured got;
  Executor().run(shell(R"(printf '%s\n' "it's" 'say "hi"' "a  b")"), got.sink());
  CHECK(got.out == std::vector<std::string>{"it's", "say \"hi\"", "a  b"});
}

TEST_CASE("the command runs in workdir", "[executor]") {
  sched::test::TempDir dir;
  CommandSpec spec = shell("pwd -P");
  spec.workdir = dir.path();
  Captured got;
  Executor().run(spec, got.sink());
  CHECK(got.out == std::vector<std::string>{std::filesystem::canonical(dir.path()).string()});
}

TEST_CASE("a missing workdir or shell fails to start with one line", "[executor]") {
  Executor executor;
  SECTION("workdir") {
    CommandSpec spec = shell("true");
    spec.workdir = "/nonexistent-sched-test";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "workdir /nonexistent-sched-test: No such file or directory");
    CHECK(result.exit_code == -1);
  }
  SECTION("workdir is a file") {
    sched::test::TempDir dir;
    { std::ofstream(dir / "file") << "x"; }
    CommandSpec spec = shell("true");
    spec.workdir = dir / "file";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "workdir " + (dir / "file").string() + ": Not a directory");
  }
  SECTION("shell is a folder") {
    CommandSpec spec = shell("true");
    spec.shell = "/tmp";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "shell /tmp: Permission denied");
  }
  SECTION("workdir and shell both missing: the workdir is named") {
    CommandSpec spec = shell("true");
    spec.workdir = "/nonexistent-sched-test";
    spec.shell = "/bin/nosh";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "workdir /nonexistent-sched-test: No such file or directory");
  }
  SECTION("shell path") {
    CommandSpec spec = shell("true");
    spec.shell = "/bin/nosh";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "shell /bin/nosh: No such file or directory");
  }
  SECTION("shell name not in PATH") {
    CommandSpec spec = shell("true");
    spec.shell = "nosh-sched-test";
    const CommandResult result = executor.run(spec, {});
    CHECK(result.status == Status::failed_to_start);
    CHECK(result.error == "shell nosh-sched-test: No such file or directory");
  }
  CHECK(no_children_left());
}

TEST_CASE("a shell given by name is found in the job's PATH", "[executor]") {
  CommandSpec spec = shell("echo $0");
  spec.shell = "sh";
  spec.env = {{"PATH", "/nonexistent-sched-test:/usr/bin:/bin"}};
  Captured got;
  const CommandResult result = Executor().run(spec, got.sink());
  CHECK(result.status == Status::exited);
  CHECK(got.out == std::vector<std::string>{"sh"});
}

TEST_CASE("the child has only descriptors 0-2, stdin from /dev/null", "[executor]") {
  // A descriptor without O_CLOEXEC, high up: only close_range() keeps it out.
  const int leak = ::open("/dev/null", O_RDONLY);
  REQUIRE(leak >= 0);
  REQUIRE(::dup2(leak, 100) == 100);
  ::close(leak);
  Captured got;
  // `ls` (a child of the shell) lists the shell's descriptors, not its own.
  Executor().run(shell("ls /proc/$$/fd; readlink /proc/$$/fd/0"), got.sink());
  ::close(100);
  CHECK(got.out == std::vector<std::string>{"0", "1", "2", "/dev/null"});
  CHECK(got.err.empty());
}

TEST_CASE("the command leads its own new process group", "[executor]") {
  Captured got;
  // Fields 1 and 5 of the shell's /proc stat: its pid and its group's id.
  Executor().run(shell("cut -d' ' -f1,5 /proc/$$/stat"), got.sink());
  REQUIRE(got.out.size() == 1);
  const std::string pid = got.out[0].substr(0, got.out[0].find(' '));
  CHECK(got.out[0] == pid + " " + pid);
  CHECK(pid != std::to_string(::getpgrp()));
}

// The runner blocks its signals in every thread, and a scheduler started from
// a script with `&` ignores SIGINT and SIGQUIT: its jobs get neither.
TEST_CASE("the command starts with no blocked and no ignored signal", "[executor]") {
  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGINT, &ignore, &old_int) == 0);
  REQUIRE(::sigaction(SIGQUIT, &ignore, &old_quit) == 0);
  Captured got;
  std::thread runner([&got] {
    sigset_t blocked;
    ::sigemptyset(&blocked);
    ::sigaddset(&blocked, SIGUSR1);
    ::sigaddset(&blocked, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    // Builtins only: a shell waiting for a child blocks signals itself.
    Executor().run(shell("while read -r line; do case $line in SigBlk:* | SigIgn:*) echo \"$line\";; esac; "
                         "done < /proc/$$/status"),
                   got.sink());
  });
  runner.join();
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  // Signals 32 and 33 (glibc's own) included: an ignored signal stays
  // ignored across exec, down to every process the job starts.
  CHECK(got.out == std::vector<std::string>{"SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"});
}

TEST_CASE("a timeout sends SIGTERM to the command", "[executor]") {
  CommandSpec spec = shell("sleep 30");
  spec.timeout = 200ms;
  const CommandResult result = Executor().run(spec, {});
  CHECK(result.status == Status::timed_out);
  CHECK(result.signal == SIGTERM);
  CHECK(result.exit_code == 128 + SIGTERM);
  CHECK(result.duration >= 200ms);
  CHECK(result.duration < 2s);
}

TEST_CASE("a huge timeout or kill_grace means no limit, not an overflow", "[executor]") {
  CommandSpec spec = shell("exit 4");
  spec.timeout = std::chrono::milliseconds::max();
  spec.kill_grace = std::chrono::milliseconds::max();
  const CommandResult result = Executor().run(spec, {});
  CHECK(result.status == Status::exited);
  CHECK(result.exit_code == 4);
}

// The trap's echo is not checked: whether the shell gets to run it before the
// SIGKILL depends on the machine's load. Dying of SIGKILL no sooner than
// kill_grace after the SIGTERM is the proof that it survived the SIGTERM.
TEST_CASE("a command that survives SIGTERM gets SIGKILL after kill_grace", "[executor]") {
  CommandSpec spec = shell("trap 'echo got-term' TERM; while true; do sleep 1; done");
  spec.timeout = 200ms;
  spec.kill_grace = 300ms;
  const CommandResult result = Executor().run(spec, {});
  CHECK(result.status == Status::timed_out);
  CHECK(result.signal == SIGKILL);
  CHECK(result.exit_code == 128 + SIGKILL);
  CHECK(result.duration >= 500ms);
  CHECK(result.duration < 2s);
}

TEST_CASE("no process of a timed-out command outlives it", "[executor]") {
  // The grandchild ignores SIGTERM; the leader does not, so the run ends
  // long before kill_grace: the SIGKILL to the group after it is what ends
  // the grandchild.
  CommandSpec spec = shell("(trap '' TERM; exec sleep 30) & echo $!; sleep 30");
  spec.timeout = 200ms;
  Captured got;
  const CommandResult result = Executor().run(spec, got.sink());
  CHECK(result.status == Status::timed_out);
  CHECK(result.duration < 2s);
  REQUIRE(got.out.size() == 1);
  CHECK(dies_within(static_cast<pid_t>(std::stoi(got.out[0])), 1s));
}

TEST_CASE("interrupt_all stops running commands and refuses new ones", "[executor]") {
  Executor executor;
  const auto started = std::chrono::steady_clock::now();
  CommandResult result;
  std::thread runner([&] { result = executor.run(shell("sleep 30"), {}); });
  while (executor.running() == 0 && std::chrono::steady_clock::now() - started < 2s)
    std::this_thread::sleep_for(1ms);
  CHECK(executor.running() == 1);
  executor.interrupt_all();
  runner.join();
  CHECK(result.status == Status::interrupted);
  CHECK(result.signal == SIGTERM);
  CHECK(result.exit_code == 128 + SIGTERM);
  CHECK(executor.running() == 0);
  CHECK(std::chrono::steady_clock::now() - started < 2s);

  const CommandResult later = executor.run(shell("echo never"), {});
  CHECK(later.status == Status::interrupted);
  CHECK(later.error == "the scheduler is stopping");
  CHECK(later.duration == 0ms);
  CHECK(later.exit_code == -1);
}

TEST_CASE("interrupt_all escalates to SIGKILL after kill_grace", "[executor]") {
  Executor executor;
  CommandSpec spec = shell("trap 'echo got-term' TERM; echo ready; while true; do sleep 1; done");
  spec.kill_grace = 300ms;
  std::mutex mutex;
  std::vector<std::string> lines;
  CommandResult result;
  std::thread runner([&] {
    result = executor.run(spec, [&](OutputStream stream, std::string_view line) {
      std::lock_guard lock(mutex);
      if (stream == OutputStream::out) lines.emplace_back(line);
    });
  });
  const auto ready = [&] {
    std::lock_guard lock(mutex);
    return !lines.empty();
  };
  const auto started = std::chrono::steady_clock::now();
  while (!ready() && std::chrono::steady_clock::now() - started < 2s) std::this_thread::sleep_for(1ms);
  const auto interrupted = std::chrono::steady_clock::now();
  executor.interrupt_all();
  runner.join();
  const auto took = std::chrono::steady_clock::now() - interrupted;
  CHECK(result.status == Status::interrupted);
  CHECK(result.signal == SIGKILL);
  CHECK(result.exit_code == 128 + SIGKILL);
  CHECK(lines.at(0) == "ready");
  CHECK(took >= 300ms);
  CHECK(took < 2s);
}

TEST_CASE("commands in parallel threads each get their own output", "[executor]") {
  Executor executor;
  constexpr int kRuns = 8;
  std::vector<Captured> got(kRuns);
  std::vector<CommandResult> results(kRuns);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRuns; ++i)
    threads.emplace_back([&, i] {
      const auto n = static_cast<std::size_t>(i);
      const std::string id = std::to_string(i);
      results[n] = executor.run(shell("echo out-" + id + "; sleep 0.1; echo err-" + id + " >&2; exit " + id),
                                got[n].sink());
    });
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kRuns; ++i) {
    const auto n = static_cast<std::size_t>(i);
    CHECK(results[n].status == Status::exited);
    CHECK(results[n].exit_code == i);
    CHECK(got[n].out == std::vector<std::string>{"out-" + std::to_string(i)});
    CHECK(got[n].err == std::vector<std::string>{"err-" + std::to_string(i)});
  }
  CHECK(executor.running() == 0);
}

TEST_CASE("a throwing output callback kills the command, reaps it and rethrows", "[executor]") {
  Executor executor;
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(executor.run(shell("echo hello; sleep 30"),
                                 [](OutputStream, std::string_view) { throw std::runtime_error("sink full"); }),
                    "sink full");
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(executor.running() == 0);
  CHECK(no_children_left());
}

TEST_CASE("no child is left unreaped", "[executor]") {
  // Every path: exit, signal, timeout, failure to start.
  Executor executor;
  executor.run(shell("exit 1"), {});
  executor.run(shell("kill -TERM $$"), {});
  CommandSpec slow = shell("sleep 30");
  slow.timeout = 50ms;
  executor.run(slow, {});
  CommandSpec nowhere = shell("true");
  nowhere.workdir = "/nonexistent-sched-test";
  executor.run(nowhere, {});
  CHECK(no_children_left());
}
