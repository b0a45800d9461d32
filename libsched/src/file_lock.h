#pragma once
// Private POSIX helpers of the state store: an owning file descriptor, I/O
// failures as Error(io), and flock(2) locks. flock locks belong to an open
// file description: two open()s of one file conflict even inside one
// process, and the kernel drops a lock when its holder dies.

#include <chrono>
#include <filesystem>
#include <string>

namespace sched::detail {

// Owns a file descriptor and closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// Throws Error(io) "<what> <path>: <strerror(err)>".
[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path, int err);

// Creates `folder` and its missing parents with mode 0700 (whatever the
// umask). An existing folder is left as it is. "" means the current folder.
// Throws Error(io).
void make_folders(const std::filesystem::path& folder);

// Opens `path` read-write, creating it with mode 0600 (whatever the umask; an
// existing file of ours gets 0600 back). O_NOFOLLOW so that a planted symlink
// cannot make us create or truncate another file: a link is refused with
// "refusing lock file PATH: it is a symbolic link; remove it". O_CLOEXEC.
// Throws Error(io).
UniqueFd open_lock_file(const std::filesystem::path& path);

// flock(LOCK_EX | LOCK_NB) on `fd`. Returns false when another open file
// description holds the lock; throws Error(io) on any other failure.
bool try_lock(int fd, const std::filesystem::path& path);

// Opens `path` (as open_lock_file) and takes its exclusive lock, retrying
// every 2 ms. Returns an empty UniqueFd when the lock was not free within
// `wait`. The lock lasts as long as the returned descriptor.
UniqueFd lock_within(const std::filesystem::path& path, std::chrono::milliseconds wait);

}  // namespace sched::detail
