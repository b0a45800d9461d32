#include "executor_spawn.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>
#include <system_error>
#include <vector>

namespace sched::detail {
namespace {

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

// posix_spawn's file actions and attributes, destroyed on every path.
// Building them can fail only for lack of memory: error() is then ENOMEM.
class SpawnSetup {
 public:
  SpawnSetup() {
    note(::posix_spawn_file_actions_init(&actions_));
    note(::posix_spawnattr_init(&attr_));
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  void note(int error) {
    if (error_ == 0) error_ = error;
  }
  int error() const { return error_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }
  posix_spawnattr_t* attr() { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attr_{};
  int error_ = 0;
};

// Whether the folder open as `dir` (O_PATH) may be entered: the one way
// fchdir() to it fails once it is open.
bool can_enter(int dir) { return UniqueFd(::openat(dir, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)).get() >= 0; }

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

  // The workdir is opened here, not chdir'ed to by path in the child:
  // posix_spawn reports only an error number, not which step failed, and a
  // missing or non-folder workdir must be told apart from a missing shell.
  UniqueFd workdir;
  if (!spec.workdir.empty()) {
    workdir.reset(::open(spec.workdir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!workdir) {
      result.error = describe("workdir " + spec.workdir.string(), errno);
      return result;
    }
  }
  UniqueFd in(above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
  UniqueFd out_write, err_write;
  if (!in || !make_pipe(result.out, out_write) || !make_pipe(result.err, err_write)) {
    result.error = describe("cannot start", errno);
    return result;
  }
  // The parent reads with poll(); a blocking read end would let a process
  // that keeps the pipe open stall the drain after the command ended.
  for (const UniqueFd* fd : {&result.out, &result.err})
    ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);

  // In the child, in this order: its own process group; every signal's
  // disposition default and its mask empty (a scheduler started with `&`
  // ignores SIGINT and SIGQUIT, and the runner blocks its signals: jobs must
  // inherit neither); then the workdir (first, as its descriptor may be one
  // of 0-2), stdio, and no descriptor above 2, not even one another thread
  // opened without O_CLOEXEC.
  SpawnSetup setup;
  sigset_t every, none;
  // Every bit set, not sigfillset(): glibc's set leaves out its internal
  // signals 32 and 33, which its posix_spawn then leaves ignored in the
  // child, and an ignored signal stays ignored across exec.
  std::memset(&every, 0xff, sizeof every);
  ::sigemptyset(&none);
  setup.note(::posix_spawnattr_setflags(
      setup.attr(), POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
  setup.note(::posix_spawnattr_setpgroup(setup.attr(), 0));
  setup.note(::posix_spawnattr_setsigdefault(setup.attr(), &every));
  setup.note(::posix_spawnattr_setsigmask(setup.attr(), &none));
  if (workdir) setup.note(::posix_spawn_file_actions_addfchdir_np(setup.actions(), workdir.get()));
  setup.note(::posix_spawn_file_actions_adddup2(setup.actions(), in.get(), 0));
  setup.note(::posix_spawn_file_actions_adddup2(setup.actions(), out_write.get(), 1));
  setup.note(::posix_spawn_file_actions_adddup2(setup.actions(), err_write.get(), 2));
  setup.note(::posix_spawn_file_actions_addclosefrom_np(setup.actions(), 3));
  if (setup.error() != 0) {
    result.error = describe("cannot start", setup.error());
    return result;
  }

  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, shell.c_str(), setup.actions(), setup.attr(), argv, envp.data());
  if (error == 0) {
    result.pid = pid;
    return result;
  }
  // The error is the failed step's errno. setpgid, dup2 and closefrom do
  // not fail in a new child in practice; the clone (EAGAIN, ENOMEM) may; and
  // of fchdir and execve, the probe tells which one.
  if (error == EAGAIN || error == ENOMEM)
    result.error = describe("cannot start", error);
  else if (workdir && !can_enter(workdir.get()))
    result.error = describe("workdir " + spec.workdir.string(), error);
  else
    result.error = describe("shell " + spec.shell, error);
  result.out.reset();
  result.err.reset();
  return result;
}

}  // namespace sched::detail
