#pragma once
// The executor runs a job's shell command (SPEC §3, §6): `shell -c command`
// in its own process group, in `workdir`, with the scheduler's environment
// plus the job's, stdin from /dev/null, and stdout and stderr forwarded line
// by line. A timeout or interrupt_all() sends SIGTERM to the whole group,
// then SIGKILL after the grace period. Every child is reaped, on every path.
//
// REQUIRES (process-wide): SIGCHLD is not ignored and nothing else reaps
// children it did not start (waitpid(-1, ...)); nothing calls setenv() while
// run() copies the environment. The scheduler blocks its signals in every
// thread; the child gets an empty signal mask and every signal's default
// disposition.
//
// Thread safety: every method may be called from any thread; several threads
// may be inside run() at once.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sched {

struct CommandSpec {
  // Run as `shell -c command`. A shell with a '/' is used as given; a bare
  // name is looked up in the PATH of the command's environment (default
  // "/bin:/usr/bin"), as execvp does.
  std::string shell = "/bin/sh";
  std::string command;
  std::filesystem::path workdir;  // empty: the scheduler's current folder
  // Set over the process's environment, in order (a later pair wins). A name
  // must be non-empty without '='; no string may hold a NUL byte (else the
  // run fails to start).
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<std::chrono::milliseconds> timeout;  // none: no limit
  std::chrono::milliseconds kill_grace{5000};  // SIGTERM to the group, then SIGKILL after this
};

enum class OutputStream { out, err };

// Called on the thread that runs the command, once per line, without the
// '\n'. A last line without '\n' is delivered when the stream ends; a line
// longer than 64 KiB is delivered in 64 KiB pieces (the rest, up to 64 KiB,
// with its '\n'). `line` is valid only during the call. Should not throw: a
// throw kills the command's process group (SIGKILL), reaps it, and leaves
// run() with that exception. An empty OutputLine discards the output.
using OutputLine = std::function<void(OutputStream, std::string_view line)>;

struct CommandResult {
  enum class Status { exited, signaled, timed_out, interrupted, failed_to_start };
  Status status = Status::failed_to_start;
  // exited: the exit status; signaled/timed_out/interrupted: 128 + signal if
  // it died of one, else its exit status. -1 when it never ran, or when its
  // status was lost to someone else's waitpid() (see REQUIRES).
  int exit_code = -1;
  int signal = 0;  // the signal that ended it, if any
  // failed_to_start: one line, e.g. `workdir /nope: No such file or directory`
  // or `shell /bin/nosh: No such file or directory`; interrupted before it
  // started: `the scheduler is stopping`.
  std::string error;
  std::chrono::milliseconds duration{0};  // from start to reaped (steady clock)
};

// "exited", "signaled", "timeout", "interrupted", "failed-to-start".
const char* to_string(CommandResult::Status status) noexcept;

class Executor {
 public:
  // Throws Error(io) when the process has no file descriptor left.
  Executor();
  // REQUIRES: no run() in progress.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs `spec` to its end on the calling thread, forwarding its output to
  // `output`. Returns when the command has been reaped and its pipes read to
  // their end (or, when a process it left behind keeps them open, after no
  // output came for 100 ms; at most 1 s after it ended). Never throws for the
  // command's own failures: they are in the result. Throws what `output`
  // throws, and std::bad_alloc.
  CommandResult run(const CommandSpec& spec, const OutputLine& output);

  // Stops every command running now and any started later: SIGTERM to each
  // process group now, SIGKILL after its kill_grace; those runs end with
  // Status::interrupted (so does one that happened to end by itself at that
  // moment), and later ones return it at once with duration 0 and error
  // "the scheduler is stopping". Returns at once. Irreversible.
  void interrupt_all();

  // How many commands are running now.
  std::size_t running() const;

 private:
  class Groups;  // the process groups of running commands (executor.cc)
  std::unique_ptr<Groups> groups_;
};

}  // namespace sched
