#include "executor_spawn.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <string_view>
#include <system_error>
#include <vector>

namespace sched::detail {
namespace {

// What the child reports through the error pipe when a step before (or the)
// exec fails. Smaller than PIPE_BUF, so written and read in one piece.
enum class Step : int { setpgid, stdio, workdir, exec };
struct ChildError {
  Step step;
  int err;
};

std::string describe(std::string_view what, int err) {
  return std::string(what) + ": " + std::generic_category().message(err);
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// The process's environment with `env` set over it, as "NAME=value" strings.
std::vector<std::string> merged_environment(const CommandSpec& spec) {
  std::vector<std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) merged.emplace_back(*entry);
  for (const auto& [name, value] : spec.env) {
    std::erase_if(merged, [&name = name](const std::string& entry) {
      return entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=';
    });
    merged.push_back(name + "=" + value);
  }
  return merged;
}

// The path to exec for `shell`; empty when a bare name is not in PATH.
std::string find_shell(const std::string& shell, const std::vector<std::string>& environment) {
  if (shell.find('/') != std::string::npos) return shell;
  const auto found = std::find_if(environment.begin(), environment.end(),
                                  [](const std::string& entry) { return entry.starts_with("PATH="); });
  std::string_view path = found == environment.end() ? "/bin:/usr/bin" : std::string_view(*found).substr(5);
  while (true) {
    const auto colon = path.find(':');
    const std::string_view dir = path.substr(0, colon);
    std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + shell;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string_view::npos) return {};
    path.remove_prefix(colon + 1);
  }
}

// The child's descriptors must lie above 0-2 so that the dup2()s onto 0-2 in
// the child cannot clobber one another (a daemon may run with 0-2 closed).
int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(above_stdio(fds[0]));
  write_end.reset(above_stdio(fds[1]));
  return read_end && write_end;
}

// Between fork and exec the child of a threaded process may only make
// async-signal-safe calls: everything it touches is built before the fork,
// and a failure goes to the parent as a ChildError on `report`.
[[noreturn]] void run_child(const char* shell, char* const* argv, char* const* envp, const char* workdir,
                            int in, int out, int err, int report, int open_max) {
  auto fail = [&report](Step step) {
    const ChildError error{step, errno};
    [[maybe_unused]] const ssize_t n = ::write(report, &error, sizeof error);
    ::_exit(127);
  };
  if (::setpgid(0, 0) != 0) fail(Step::setpgid);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Every disposition back to default: a scheduler started from a script
  // with `&` ignores SIGINT and SIGQUIT, which its jobs must not inherit.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &default_action, nullptr);
  }
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) fail(Step::stdio);
  // The report pipe moves to fd 3 (still close-on-exec) so that every
  // descriptor above it, inherited or opened by another thread, can be closed.
  if (report != 3) {
    if (::dup3(report, 3, O_CLOEXEC) < 0) fail(Step::stdio);
    report = 3;
  }
  if (::close_range(4, ~0U, 0) != 0)  // ENOSYS before Linux 5.9
    for (int fd = 4; fd < open_max; ++fd) ::close(fd);
  if (workdir != nullptr && ::chdir(workdir) != 0) fail(Step::workdir);
  ::execve(shell, argv, envp);
  fail(Step::exec);
  ::_exit(127);  // not reached: fail() exits
}

}  // namespace

Spawned spawn(const CommandSpec& spec) {
  Spawned result;
  for (const auto& [name, value] : spec.env)
    if (name.empty() || name.find('=') != std::string::npos || has_nul(name) || has_nul(value)) {
      result.error = "env " + name + ": not a valid variable";
      return result;
    }
  if (has_nul(spec.command) || has_nul(spec.shell) || has_nul(spec.workdir.native())) {
    result.error = "the command, shell or workdir holds a NUL byte";
    return result;
  }
  std::vector<std::string> environment = merged_environment(spec);
  const std::string shell = find_shell(spec.shell, environment);
  if (shell.empty()) {
    result.error = describe("shell " + spec.shell, ENOENT);
    return result;
  }
  std::string dash_c = "-c";
  std::string command = spec.command;
  std::string shell_name = spec.shell;
  char* argv[] = {shell_name.data(), dash_c.data(), command.data(), nullptr};
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const char* workdir = spec.workdir.empty() ? nullptr : spec.workdir.c_str();
  const long open_max = std::clamp(::sysconf(_SC_OPEN_MAX), 256L, 1L << 20);

  UniqueFd in(above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
  UniqueFd out_write, err_write, report_read, report_write;
  if (!in || !make_pipe(result.out, out_write) || !make_pipe(result.err, err_write) ||
      !make_pipe(report_read, report_write)) {
    result.error = describe("cannot start", errno);
    return result;
  }
  // The parent reads with poll(); a blocking read end would let a process
  // that keeps the pipe open stall the drain after the command ended.
  for (const UniqueFd* fd : {&result.out, &result.err})
    ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);

  const pid_t pid = ::fork();
  if (pid == 0)
    run_child(shell.c_str(), argv, envp.data(), workdir, in.get(), out_write.get(), err_write.get(),
              report_write.get(), static_cast<int>(open_max));
  if (pid < 0) {
    result.error = describe("fork", errno);
    return result;
  }
  // Also here: whichever of the two runs first, the group exists before the
  // caller can signal it (EACCES once the child has exec'd is fine).
  ::setpgid(pid, pid);
  report_write.reset();  // EOF on report_read now means: the exec succeeded

  ChildError error{};
  ssize_t n;
  while ((n = ::read(report_read.get(), &error, sizeof error)) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof error)) {
    result.pid = pid;
    return result;
  }
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  switch (error.step) {
    case Step::setpgid: result.error = describe("setpgid", error.err); break;
    case Step::stdio: result.error = describe("stdio", error.err); break;
    case Step::workdir: result.error = describe("workdir " + spec.workdir.string(), error.err); break;
    case Step::exec: result.error = describe("shell " + spec.shell, error.err); break;
  }
  result.out.reset();
  result.err.reset();
  return result;
}

}  // namespace sched::detail
