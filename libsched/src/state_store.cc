// StateStore: lock-free reads, locked read-modify-write, atomic durable
// writes, and corrupt files moved aside rather than lost (SPEC §5).

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include "file_checks.h"
#include "file_lock.h"
#include "state_limits.h"
#include "sched/error.h"
#include "sched/job.h"
#include "sched/state.h"

namespace sched {
namespace {

namespace fs = std::filesystem;
using detail::throw_io;
using detail::UniqueFd;

fs::path with_suffix(const fs::path& file, std::string_view suffix) {
  return fs::path(file.native() + std::string(suffix));
}

fs::path folder_of(const fs::path& file) {
  const fs::path folder = file.parent_path();
  return folder.empty() ? fs::path(".") : folder;
}

[[noreturn]] void throw_is_folder(const fs::path& file) {
  throw Error(ErrorCode::io, "state file " + file.string() + " is a folder, not a file");
}

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};

}  // namespace

namespace detail {

// Which version of the file a document is: every writer of sched replaces
// the file with a new one (a new inode), and an edit in place changes its
// modification time or size.
struct StateStamp {
  FileId id;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  friend bool operator==(const StateStamp&, const StateStamp&) = default;
};

// The document this store (and its copies) last wrote or read under the
// lock, kept while the file is that version: the next update() or load()
// takes it instead of reading and parsing the file again (at 10,000 jobs,
// 30 ms of parse for each write of a runner, and the same again for its
// watcher's look at the file it just wrote).
struct StateMemo {
  std::mutex mutex;
  std::optional<StateStamp> stamp;
  // Shared with the caller of load_and_keep() until it lets go: a
  // scheduler's first look at its jobs then costs no second copy (at
  // 100,000 jobs, 67 MB more at its peak before ready). Never changed while
  // shared: update() moves it out only once nobody else holds it.
  std::shared_ptr<StateDocument> doc;
  // The document holds what another writer wrote and no load() has
  // returned yet (update() read their file, changed it and wrote it).
  bool unseen = false;
  // An update() of this store or a copy holds the lock: it has taken the
  // document, or is about to, and gives it back (or leaves the memo empty)
  // as it ends. Meanwhile the file and the memo disagree, and
  // load_if_changed() waits for `updated` instead of reading back a write
  // of its own store (at 100,000 jobs, 91 MB read and parsed into 88 MB
  // more, for nothing).
  bool updating = false;
  std::condition_variable updated;
};

// Marks an update() as going on for its life.
class Updating {
 public:
  explicit Updating(StateMemo& memo) : memo_(memo) {
    std::lock_guard lock(memo_.mutex);
    memo_.updating = true;
  }
  ~Updating() {
    {
      std::lock_guard lock(memo_.mutex);
      memo_.updating = false;
    }
    memo_.updated.notify_all();
  }
  Updating(const Updating&) = delete;
  Updating& operator=(const Updating&) = delete;

 private:
  StateMemo& memo_;
};

}  // namespace detail

namespace {

using detail::StateMemo;
using detail::StateStamp;

StateStamp stamp_of(const struct stat& st) {
  return {{st.st_dev, st.st_ino}, st.st_size, std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

// The file's bytes (nullopt: it does not exist, it is too big to read, or it
// is the version `known` names, which is not read) and which file they came
// from.
struct ReadResult {
  std::optional<detail::ByteBuffer> text;
  FileId id;
  std::optional<off_t> too_big;  // the size of a file over kMaxStateBytes
  std::optional<StateStamp> stamp{};
  bool known = false;  // the file is the version `known` named
};

// parse_state refuses a bigger text with the same message; the check here
// comes before the read, so that a huge file never gets into memory.
using detail::kMaxStateBytes;

[[noreturn]] void throw_symlink(const fs::path& file) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(file, ec);
  throw Error(ErrorCode::io, "refusing " + file.string() + ": it is a symbolic link" +
                                 (ec ? std::string() : " to " + target.string()) +
                                 "; name the file itself (every write of the state would replace the link)");
}

// Opens the state file as it is, never through a symbolic link (O_NOFOLLOW).
// A linked state file has no legitimate use: every write renames a new file
// over the link, which cuts it off from its target, and following it would
// let whoever can plant a link make sched read (and, if it does not parse,
// rename) a file of their choosing. cron refuses linked crontabs too.
// O_NONBLOCK: a FIFO in the file's place must not block the open.
ReadResult read_state_file(const fs::path& file, const std::optional<StateStamp>& known = std::nullopt) {
  const UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    const int err = errno;
    struct stat link {};
    if (err == ENOENT) return {};
    if (err == ELOOP && ::lstat(file.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) throw_symlink(file);
    throw_io("cannot read state file", file, err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_io("cannot read state file", file, errno);
  if (S_ISDIR(st.st_mode)) throw_is_folder(file);
  if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::io, "state file " + file.string() + " is not a regular file");
  detail::refuse_untrusted(file, st, ErrorCode::io);
  const FileId id{st.st_dev, st.st_ino};
  const StateStamp stamp = stamp_of(st);
  if (known == stamp) return {std::nullopt, id, std::nullopt, stamp, true};
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxStateBytes) return {std::nullopt, id, st.st_size, stamp};
  std::optional<detail::ByteBuffer> text = detail::read_at_most(
      fd.get(), kMaxStateBytes, "cannot read state file " + file.string(), static_cast<std::size_t>(st.st_size));
  if (!text) {  // it grew while we read
    if (::fstat(fd.get(), &st) != 0) throw_io("cannot read state file", file, errno);
    return {std::nullopt, id, std::max<off_t>(st.st_size, static_cast<off_t>(kMaxStateBytes) + 1), stamp};
  }
  return {std::move(text), id, std::nullopt, stamp};
}

// The rules parse_state does not know: a job name must be one that `sched
// add` would take (validate_job_name), so that no name in the file can break
// a log line or an output prefix. A file that breaks them is corrupt like any
// other invalid file: one bad name is one bad byte in the text.
void check_job_names(const StateDocument& doc, const fs::path& file) {
  for (std::size_t i = 0; i < doc.jobs.size(); ++i) {
    try {
      validate_job_name(doc.jobs[i].name);
    } catch (const Error& e) {
      throw Error(ErrorCode::state_corrupt,
                  "corrupt state file " + file.string() + ": jobs[" + std::to_string(i) + "].name: " + e.what());
    }
  }
}

bool is_same_file(const fs::path& file, const FileId& id) {
  struct stat st {};
  return ::lstat(file.c_str(), &st) == 0 && FileId{st.st_dev, st.st_ino} == id;
}

UniqueFd lock_state(const fs::path& file, std::chrono::milliseconds wait) {
  const fs::path lock_file = with_suffix(file, ".lock");
  UniqueFd lock = detail::lock_within(lock_file, wait);
  if (!lock) {
    throw Error(ErrorCode::state_busy, "state file busy: " + file.string() + " (another sched command holds " +
                                           lock_file.string() + "; try again)");
  }
  return lock;
}

// Renames `file` to <file>.corrupt-<UTC stamp>[-N], never over an existing
// file. The caller holds the state lock, so no other sched moves a file
// between our check of a name and the rename.
fs::path move_aside(const fs::path& file, const Error& problem) {
  const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string base = file.native() + ".corrupt-" + date::format("%Y%m%dT%H%M%SZ", now);
  for (int n = 0; n < 1000; ++n) {
    const fs::path aside = n == 0 ? base : base + "-" + std::to_string(n);
    struct stat st {};
    if (::lstat(aside.c_str(), &st) == 0) continue;
    if (errno == ENOENT && ::rename(file.c_str(), aside.c_str()) == 0) return aside;
    throw Error(ErrorCode::io, std::string(problem.what()) + "; cannot move it aside to " + aside.string() + ": " +
                                   std::strerror(errno));
  }
  throw Error(ErrorCode::io, std::string(problem.what()) + "; cannot move it aside: " + base + " and 999 more exist");
}

// The memo's document when the file is still the version it holds: moved
// out (`take`: the memo is then empty) or copied. nullopt otherwise.
// A copy is what load() returns: nothing in it is unseen any more.
std::optional<StateDocument> from_memo(StateMemo& memo, const StateStamp& stamp, bool take, bool* unseen) {
  std::lock_guard lock(memo.mutex);
  if (memo.stamp != stamp || !memo.doc) return std::nullopt;
  if (!take) {
    memo.unseen = false;
    return *memo.doc;
  }
  if (unseen != nullptr) *unseen = memo.unseen;
  memo.stamp.reset();
  const std::shared_ptr<StateDocument> doc = std::move(memo.doc);
  // Sole owner: nobody else can get hold of it again, so it may be moved.
  if (doc.use_count() == 1) return std::move(*doc);
  return *doc;
}

// load() and the reading half of update(). `locked`: the caller holds the
// state lock. With a memo, a file that is still the version it holds is
// not read: its document is taken (`take`) or copied. `unseen` (with
// take): whether the document holds another writer's changes no load()
// has returned, which is always so for a file read here.
StateDocument load_file(const fs::path& file, const StateStoreOptions& options, CorruptFile corrupt, bool locked,
                        StateMemo* memo = nullptr, bool take = false, bool* unseen = nullptr) {
  std::optional<StateStamp> known;
  if (memo != nullptr) {
    std::lock_guard lock(memo->mutex);
    known = memo->stamp;
  }
  ReadResult read = read_state_file(file, known);
  if (read.known) {
    if (std::optional<StateDocument> doc = from_memo(*memo, *read.stamp, take, unseen)) return std::move(*doc);
    read = read_state_file(file);  // another thread changed the memo meanwhile
  }
  if (unseen != nullptr) *unseen = true;
  if (!read.text && !read.too_big) return {};
  try {
    if (read.too_big) {
      throw Error(ErrorCode::state_corrupt, "corrupt state file " + file.string() + ": the file is " +
                                                std::to_string(*read.too_big) + " bytes; a state file may be at most " +
                                                std::to_string(kMaxStateBytes) + " bytes");
    }
    StateDocument doc = parse_state(read.text->view(), file.string());
    check_job_names(doc, file);
    return doc;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::state_corrupt || corrupt == CorruptFile::refuse) throw;
    UniqueFd lock;
    if (!locked) {
      // Read without the lock, a writer may have replaced the file since:
      // move aside only the file that was read, and only under the lock.
      try {
        lock = lock_state(file, options.lock_wait);
      } catch (const Error& no_lock) {
        throw Error(no_lock.code(), std::string(e.what()) + "; cannot move it aside: " + no_lock.what());
      }
      if (!is_same_file(file, read.id)) return load_file(file, options, corrupt, /*locked=*/true);
    }
    const fs::path aside = move_aside(file, e);
    if (options.log) {
      options.log(LogLevel::warning,
                  std::string(e.what()) + "; moved it to " + aside.string() + " and started with an empty state");
    }
    return {};
  }
}

// Removes <file>.tmp-<pid>-* files left by writers that died (SIGKILL, power
// loss). Files of live pids are left alone: they may be writes in progress.
// Best effort: a file that cannot be listed or removed stays.
void remove_stale_temp_files(const fs::path& folder, const std::string& prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().native();
    if (!name.starts_with(prefix)) continue;
    pid_t pid = 0;
    const char* const digits = name.data() + prefix.size();
    const auto [rest, err] = std::from_chars(digits, name.data() + name.size(), pid);
    if (err != std::errc{} || *rest != '-' || pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) ::unlink(it->path().c_str());
  }
}

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Creates <file>.tmp-<pid>-<random> with O_EXCL, retrying on a name clash.
UniqueFd create_temp_file(const fs::path& file, fs::path& temp) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  for (;;) {
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%016llx", static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(random()));
    temp = with_suffix(file, suffix);
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd) return fd;
    if (errno != EEXIST) throw_io("cannot create", temp, errno);
  }
}

// Writes the file through `write(fd, temp)`, which fills the open temporary
// file. Returns the version of the file written.
template <typename Write>
StateStamp write_atomically(const fs::path& file, Write&& write) {
  fs::path temp;
  UniqueFd fd = create_temp_file(file, temp);
  struct RemoveOnFailure {
    const fs::path& path;
    bool armed = true;
    ~RemoveOnFailure() {
      if (armed) ::unlink(path.c_str());
    }
  } remove_temp{temp};
  // The umask may have narrowed 0600; the file must be exactly 0600.
  if (::fchmod(fd.get(), 0600) != 0) throw_io("cannot set the mode of", temp, errno);
  write(fd.get(), temp);
  if (::fsync(fd.get()) != 0) throw_io("cannot sync", temp, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_io("cannot write", temp, errno);
  if (::close(fd.release()) != 0) throw_io("cannot write", temp, errno);
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    if (errno == EISDIR) throw_is_folder(file);
    throw_io("cannot replace state file", file, errno);
  }
  remove_temp.armed = false;
  // The rename is durable only once the folder is: sync it. EINVAL: the file
  // system cannot sync folders, and renames there are as durable as it gets.
  const fs::path folder = folder_of(file);
  const UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) throw_io("cannot sync folder", folder, errno);
  if (::fsync(dir.get()) != 0 && errno != EINVAL) throw_io("cannot sync folder", folder, errno);
  return stamp_of(st);
}

}  // namespace

StateStore::StateStore(std::filesystem::path file, StateStoreOptions options)
    : file_(std::move(file)), options_(std::move(options)), memo_(std::make_shared<StateMemo>()) {}

StateDocument StateStore::load(CorruptFile corrupt) const {
  return load_file(file_, options_, corrupt, /*locked=*/false, memo_.get());
}

std::shared_ptr<const StateDocument> StateStore::load_and_keep(CorruptFile corrupt) {
  detail::make_folders(file_.parent_path());
  const UniqueFd lock = lock_state(file_, options_.lock_wait);
  auto doc = std::make_shared<StateDocument>(load_file(file_, options_, corrupt, /*locked=*/true, memo_.get()));
  struct stat st {};
  if (::stat(file_.c_str(), &st) == 0) {
    std::lock_guard memo_lock(memo_->mutex);
    memo_->doc = doc;
    memo_->stamp = stamp_of(st);
    memo_->unseen = false;
  }
  return doc;
}

std::optional<StateDocument> StateStore::load_if_changed(CorruptFile corrupt) const {
  {
    std::unique_lock memo_lock(memo_->mutex);
    memo_->updated.wait(memo_lock, [&] { return !memo_->updating; });
    struct stat st {};
    if (::stat(file_.c_str(), &st) == 0 && memo_->stamp == stamp_of(st) && !memo_->unseen) return std::nullopt;
  }
  return load(corrupt);
}

// The document comes from the memo when the file is still the version it
// holds, and goes back to it once written; a change that writes nothing
// may have been made to it, so the memo is then left empty.
bool StateStore::update(const std::function<bool(StateDocument&)>& change, CorruptFile corrupt) {
  detail::make_folders(file_.parent_path());
  const UniqueFd lock = lock_state(file_, options_.lock_wait);
  const detail::Updating updating(*memo_);
  bool unseen = true;
  StateDocument doc = load_file(file_, options_, corrupt, /*locked=*/true, memo_.get(), /*take=*/true, &unseen);
  if (!change(doc)) return false;
  const StateStamp written = write_file(doc, date::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  auto kept = std::make_shared<StateDocument>(std::move(doc));
  std::lock_guard memo_lock(memo_->mutex);
  memo_->doc = std::move(kept);
  memo_->stamp = written;
  memo_->unseen = unseen;
  return true;
}

// The text goes to the temporary file a piece at a time (write_json): no
// copy of the document, nor all of its text, is held. A text over
// kMaxStateBytes is counted to its end but not written past the limit, and
// the temporary file is removed before the error: the file stays as it was.
void StateStore::write(const StateDocument& doc, InstantMs now) const { (void)write_file(doc, now); }

detail::StateStamp StateStore::write_file(const StateDocument& doc, InstantMs now) const {
  detail::make_folders(file_.parent_path());
  remove_stale_temp_files(folder_of(file_), file_.filename().native() + ".tmp-");
  std::size_t size = 0;
  return write_atomically(file_, [&](int fd, const fs::path& temp) {
    write_json(doc, now, [&](std::string_view piece) {
      const std::size_t at = size;
      if ((size += piece.size()) <= kMaxStateBytes) {
        write_all(fd, piece, temp);
        // Starts the disk write of this piece now, while the next is made:
        // the fsync below then waits for the last piece only. Advisory.
        (void)::sync_file_range(fd, static_cast<off_t>(at), static_cast<off_t>(piece.size()), SYNC_FILE_RANGE_WRITE);
      }
    });
    if (size > kMaxStateBytes) {
      throw Error(ErrorCode::io, "not writing state file " + file_.string() + ": it would be " +
                                     std::to_string(size) + " bytes, and a state file may be at most " +
                                     std::to_string(kMaxStateBytes) + " bytes; the file is left as it was");
    }
  });
}

}  // namespace sched
