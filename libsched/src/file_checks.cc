#include "file_checks.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sched::detail {

void refuse_untrusted(const std::filesystem::path& file, const struct stat& st, ErrorCode code) {
  const uid_t self = ::geteuid();
  if (st.st_uid != self && st.st_uid != 0) {
    throw Error(code, "refusing " + file.string() + ": owned by uid " + std::to_string(st.st_uid) +
                          ", not by this user (uid " + std::to_string(self) + (self == 0 ? ")" : ") or root"));
  }
  const bool group = (st.st_mode & S_IWGRP) != 0;
  const bool others = (st.st_mode & S_IWOTH) != 0;
  if (!group && !others) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const char* const who = group && others ? "group and others" : group ? "group" : "others";
  throw Error(code, "refusing " + file.string() + ": it is writable by " + who + " (mode " + mode + "); chmod go-w it");
}

std::optional<std::string> read_at_most(int fd, std::size_t limit, const std::string& failure, std::size_t expected) {
  // One byte past the limit tells "exactly the limit" from "more".
  std::string text(std::min(limit, expected) + 1, '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (got > limit) return std::nullopt;
      text.resize(std::min(limit + 1, std::max<std::size_t>(4096, 2 * text.size())));
    }
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorCode::io, failure + ": " + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace sched::detail
