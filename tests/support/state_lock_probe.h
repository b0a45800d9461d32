#pragma once
// Whether some open file holds the state file's lock (<file>.lock): a test
// clock can then answer differently inside and outside the lock, to show
// which side of the lock a command reads the time on.

#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace sched::test {

inline bool state_lock_held(const std::filesystem::path& state_file) {
  const int fd = ::open((state_file.native() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  // flock locks belong to open files: this one conflicts with the command's
  // even in the same process.
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);  // and with it any lock it took
  return held;
}

}  // namespace sched::test
