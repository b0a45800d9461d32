#pragma once
// The checks sched makes before it trusts a file that decides which commands
// run (the state file, the config file), and the bounded read of such a file.
//
// A file another user can change would let that user run commands as the
// user who runs sched, so it is refused, as cron refuses such crontabs and
// sshd such authorized_keys files (SPEC §5).

#include <sys/stat.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "sched/error.h"

namespace sched::detail {

// Throws Error(code) with one line when `st` (the fstat of the open file) is
// a file that someone other than this user could have written:
//   refusing /x/sched.toml: owned by uid 1000, not by this user (uid 0)
//   refusing /x/state.json: it is writable by group (mode 0664); chmod go-w it
// "This user" is the effective uid. A file must be owned by it or by root
// (root can change any file anyway, so a root-owned file adds no risk: a
// system-wide config in /etc serves a service user). root itself gets no
// exception: root running on a user's file is another user's file, as with
// cron. Group- and world-writable are refused whoever owns the file; readable
// is allowed (sched writes 0600, but a 0644 file lets nobody else in).
void refuse_untrusted(const std::filesystem::path& file, const struct stat& st, ErrorCode code);

// Reads `fd` to its end, or stops after `limit` bytes. Returns nullopt when
// the file holds more than `limit` bytes, so a huge file never gets into
// memory. `expected` (st_size) sizes the first buffer; the file may have
// grown or shrunk since. A read error throws
// Error(io, failure + ": " + strerror(errno)).
std::optional<std::string> read_at_most(int fd, std::size_t limit, const std::string& failure,
                                        std::size_t expected = 0);

}  // namespace sched::detail
