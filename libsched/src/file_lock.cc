#include "file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "sched/error.h"
#include "sched/state.h"

namespace sched {
namespace detail {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

void throw_io(const std::string& what, const std::filesystem::path& path, int err) {
  throw Error(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(err));
}

void make_folders(const std::filesystem::path& folder) {
  if (folder.empty()) return;
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw_io("cannot create folder", folder, ENOTDIR);
    return;
  }
  if (errno != ENOENT) throw_io("cannot use folder", folder, errno);
  make_folders(folder.parent_path());
  if (::mkdir(folder.c_str(), 0700) == 0) {
    // mkdir's mode passes through the umask; the folder must end up 0700.
    if (::chmod(folder.c_str(), 0700) != 0) throw_io("cannot set the mode of", folder, errno);
  } else if (errno != EEXIST) {
    throw_io("cannot create folder", folder, errno);
  }
}

UniqueFd open_lock_file(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600));
  if (!fd) {
    struct stat link {};
    if (errno == ELOOP && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      throw Error(ErrorCode::io, "refusing lock file " + path.string() + ": it is a symbolic link; remove it");
    }
    throw_io("cannot open lock file", path, errno);
  }
  // The umask may have narrowed 0600 (0400 would lock out the next command).
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_io("cannot open lock file", path, errno);
  if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::io, "lock file " + path.string() + " is not a regular file");
  if ((st.st_mode & 07777) != 0600 && st.st_uid == ::geteuid() && ::fchmod(fd.get(), 0600) != 0) {
    throw_io("cannot set the mode of", path, errno);
  }
  return fd;
}

bool try_lock(int fd, const std::filesystem::path& path) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return false;
    if (errno != EINTR) throw_io("cannot lock", path, errno);
  }
  return true;
}

UniqueFd lock_within(const std::filesystem::path& path, std::chrono::milliseconds wait) {
  UniqueFd fd = open_lock_file(path);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!try_lock(fd.get(), path)) {
    if (std::chrono::steady_clock::now() >= deadline) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  return fd;
}

}  // namespace detail

namespace {

// The holder's pid as it wrote it, or "" while it has not finished writing
// it (it truncates, then writes "PID\n"): retried for up to 100 ms.
std::string holder_pid(int fd) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    char buffer[32];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n > 1 && buffer[n - 1] == '\n') return std::string(buffer, static_cast<std::size_t>(n - 1));
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  return "";
}

}  // namespace

RunnerLock RunnerLock::acquire(const std::filesystem::path& state_file) {
  const std::filesystem::path path = state_file.native() + ".run.lock";
  detail::make_folders(path.parent_path());
  detail::UniqueFd fd = detail::open_lock_file(path);
  if (!detail::try_lock(fd.get(), path)) {
    const std::string pid = holder_pid(fd.get());
    throw Error(ErrorCode::scheduler_running,
                "another scheduler (pid " + (pid.empty() ? "unknown" : pid) + ") is using " + state_file.string());
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0) detail::throw_io("cannot write", path, errno);
  const ssize_t written = ::pwrite(fd.get(), pid.data(), pid.size(), 0);
  if (written != static_cast<ssize_t>(pid.size())) detail::throw_io("cannot write", path, written < 0 ? errno : EIO);
  return RunnerLock(fd.release());
}

std::optional<long> RunnerLock::holder(const std::filesystem::path& state_file) {
  const std::string path = state_file.native() + ".run.lock";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  // Lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:131090 0 EOF"; the
  // device is major:minor in hex, the inode in decimal. "e": O_CLOEXEC, so
  // that no command another thread starts meanwhile inherits the descriptor.
  struct Close {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  const std::unique_ptr<FILE, Close> locks(std::fopen("/proc/locks", "re"));
  if (!locks) return std::nullopt;
  char line[256];
  while (std::fgets(line, sizeof line, locks.get()) != nullptr) {
    char kind[16] = {}, mode[16] = {}, access[16] = {};
    long pid = 0;
    unsigned major = 0, minor = 0;
    unsigned long long inode = 0;
    if (std::sscanf(line, "%*[^:]: %15s %15s %15s %ld %x:%x:%llu", kind, mode, access, &pid, &major, &minor,
                    &inode) != 7) {
      continue;
    }
    if (std::string_view(kind) == "FLOCK" && std::string_view(access) == "WRITE" && inode == st.st_ino &&
        major == ::major(st.st_dev) && minor == ::minor(st.st_dev)) {
      return pid;
    }
  }
  return std::nullopt;
}

RunnerLock::RunnerLock(RunnerLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RunnerLock& RunnerLock::operator=(RunnerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

// Closing the only descriptor of the open file description drops the lock.
// The file and its pid stay: the lock, not the file, says who runs.
RunnerLock::~RunnerLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace sched
