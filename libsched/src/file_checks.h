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

#include "byte_buffer.h"
#include "sched/error.h"

namespace sched::detail {

// Throws Error(code) with one line when `st` (the fstat of the open file) is
// a file that someone other than this user could have written:
//   refusing /x/sched.toml: owned by uid 1000, not by this user (uid 0); run sched as uid 1000, or chown the file
//   refusing /x/state.json: it is writable by group adm (mode 0664); run chmod g-w /x/state.json
//   refusing /x/state.json: it is writable by others (mode 0606); run chmod o-w /x/state.json
// "This user" is the effective uid. A file must be owned by it or by root
// (root can change any file anyway, so a root-owned file adds no risk: a
// system-wide config in /etc serves a service user). root itself gets no
// exception: root running on a user's file is another user's file, as with
// cron. Readable is allowed (sched writes 0600, but a 0644 file lets nobody
// else in). World-writable is refused whoever owns the file. Group-writable
// is refused unless the group is the owner's private group
// (is_private_group): with user private groups (Debian, Fedora, ...) the
// umask is 002 and an editor writes sched.toml 0664, yet the group holds the
// owner alone, so nobody else can write it.
void refuse_untrusted(const std::filesystem::path& file, const struct stat& st, ErrorCode code);

// Whether group `gid` holds user `owner` and nobody else, as the private
// group that useradd makes for each user (USERGROUPS_ENAB): it is the
// owner's primary group, it has the owner's user name, its member list is
// empty or only the owner, and no other account has it as primary group
// (the same test as Debian's sshd for group-writable authorized_keys).
// False when the user or the group is unknown. Reads the user and group
// databases (NSS), so it may be slow; refuse_untrusted asks only for a
// group-writable file. Safe from any thread: the enumeration of the user
// database is serialised inside.
bool is_private_group(uid_t owner, gid_t gid);

// Reads `fd` to its end, or stops after `limit` bytes. Returns nullopt when
// the file holds more than `limit` bytes, so a huge file never gets into
// memory. `expected` (st_size) sizes the first buffer; the file may have
// grown or shrunk since. A read error throws
// Error(io, failure + ": " + strerror(errno)).
std::optional<ByteBuffer> read_at_most(int fd, std::size_t limit, const std::string& failure,
                                        std::size_t expected = 0);

}  // namespace sched::detail
