#include "file_checks.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

namespace sched::detail {
namespace {

// A buffer for the *_r lookups, grown while they answer ERANGE.
class LookupBuffer {
 public:
  char* data() { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  // Doubles the buffer; false past 1 MiB (an entry that big is not a user's).
  bool grow() {
    if (bytes_.size() >= (std::size_t{1} << 20)) return false;
    bytes_.resize(2 * bytes_.size());
    return true;
  }

 private:
  std::vector<char> bytes_ = std::vector<char>(4096);
};

std::optional<std::string> user_name(uid_t uid, gid_t* primary) {
  LookupBuffer buffer;
  struct passwd pw {};
  struct passwd* found = nullptr;
  int err;
  while ((err = ::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found)) == ERANGE && buffer.grow()) {
  }
  if (err != 0 || found == nullptr) return std::nullopt;
  *primary = pw.pw_gid;
  return std::string(pw.pw_name);
}

struct GroupEntry {
  std::string name;
  std::vector<std::string> members;  // gr_mem: the members it lists
};

std::optional<GroupEntry> group_entry(gid_t gid) {
  LookupBuffer buffer;
  struct group gr {};
  struct group* found = nullptr;
  int err;
  while ((err = ::getgrgid_r(gid, &gr, buffer.data(), buffer.size(), &found)) == ERANGE && buffer.grow()) {
  }
  if (err != 0 || found == nullptr) return std::nullopt;
  GroupEntry entry{gr.gr_name, {}};
  for (char** member = gr.gr_mem; member != nullptr && *member != nullptr; ++member) entry.members.emplace_back(*member);
  return entry;
}

// Whether an account other than `owner` has `gid` as its primary group.
// setpwent/getpwent_r/endpwent share one cursor per process: one walk at a
// time. A walk that fails part way answers true (not known to be private).
bool another_user_has_primary_group(uid_t owner, gid_t gid) {
  static std::mutex walk;
  const std::lock_guard lock(walk);
  ::setpwent();
  LookupBuffer buffer;
  bool another = false;
  for (;;) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    const int err = ::getpwent_r(&pw, buffer.data(), buffer.size(), &found);
    if (err == ERANGE && buffer.grow()) continue;  // glibc gives the same entry again
    if (err == ENOENT || (err == 0 && found == nullptr)) break;
    if (err != 0) {
      another = true;
      break;
    }
    if (pw.pw_gid == gid && pw.pw_uid != owner) {
      another = true;
      break;
    }
  }
  ::endpwent();
  return another;
}

// `file` as a shell word for the command the message suggests.
std::string shell_word(const std::filesystem::path& file) {
  std::string text = file.string();
  if (text.starts_with('-')) text = "./" + text;
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::strchr("/._-+,:@%=", c) != nullptr;
  });
  if (plain && !text.empty()) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

bool is_private_group(uid_t owner, gid_t gid) {
  gid_t primary = 0;
  const std::optional<std::string> user = user_name(owner, &primary);
  if (!user || primary != gid) return false;
  const std::optional<GroupEntry> group = group_entry(gid);
  if (!group || group->name != *user) return false;
  for (const std::string& member : group->members) {
    if (member != *user) return false;
  }
  return !another_user_has_primary_group(owner, gid);
}

void refuse_untrusted(const std::filesystem::path& file, const struct stat& st, ErrorCode code) {
  const uid_t self = ::geteuid();
  if (st.st_uid != self && st.st_uid != 0) {
    const std::string owner = "uid " + std::to_string(st.st_uid);
    throw Error(code, "refusing " + file.string() + ": owned by " + owner + ", not by this user (uid " +
                          std::to_string(self) + (self == 0 ? ")" : ") or root") + "; run sched as " + owner +
                          ", or chown the file");
  }
  const bool others = (st.st_mode & S_IWOTH) != 0;
  // The group's lookup comes last: only a group-writable file pays for it.
  const bool group = (st.st_mode & S_IWGRP) != 0 && !is_private_group(st.st_uid, st.st_gid);
  if (!group && !others) return;
  std::string who;
  if (group) {
    const std::optional<GroupEntry> entry = group_entry(st.st_gid);
    who = "group " + (entry ? entry->name : std::to_string(st.st_gid));
  }
  if (others) who += group ? " and others" : "others";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  const char* const bits = group && others ? "go-w" : group ? "g-w" : "o-w";
  throw Error(code, "refusing " + file.string() + ": it is writable by " + who + " (mode " + mode + "); run chmod " +
                        bits + " " + shell_word(file));
}

std::optional<ByteBuffer> read_at_most(int fd, std::size_t limit, const std::string& failure, std::size_t expected) {
  // One byte past the limit tells "exactly the limit" from "more".
  ByteBuffer text(std::min(limit, expected) + 1);
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
