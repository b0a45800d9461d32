#pragma once
// The state file (SPEC §5): the seed's JSON format plus sched's own fields,
// read without a lock, changed only under an advisory lock, written
// atomically. Fields sched does not know survive every rewrite.
//
// Thread safety: StateStore methods may be called from several threads and
// processes at once; the lock file serialises writers across both.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sched/log.h"
#include "sched/time.h"

namespace sched {

// The format this build writes. A file whose major version is higher is
// refused; a lower or equal one is read (and rewritten at this version).
inline constexpr const char* kStateVersion = "1.0";
inline constexpr int kStateMajorVersion = 1;

// JSON members sched does not know, in file order: name and the member's
// value as compact JSON text. They are written back unchanged in value.
using UnknownFields = std::vector<std::pair<std::string, std::string>>;

// One job as the state file holds it. The JSON member name is given for each
// field; absent optional members are written as null or left out as noted.
struct JobRecord {
  // The seed's fields.
  std::string name;                 // "name"
  std::string schedule;             // "schedule": as the user wrote it
  bool enabled = true;              // "enabled": false while paused
  bool catch_up = true;             // "catchUp"
  int max_missed_runs = 5;          // "maxMissedRuns"
  std::uint64_t run_count = 0;      // "currentRunCount": runs started, all kinds
  std::optional<InstantMs> last_run;  // "lastRun": scheduled instant of the last run started
  std::optional<InstantMs> next_run;  // "nextRun": the next fire as last computed (informative)

  // sched's own.
  std::optional<InstantMs> watermark;  // "watermark": every fire <= this was dealt with
  std::string timezone;                // "timezone": IANA name; "" means the scheduler's zone
  std::string day_match = "any";       // "dayMatch": "any" | "all"
  std::string dst_gap = "run-after";   // "dstGap": "run-after" | "skip"
  std::string dst_repeat = "auto";     // "dstRepeat": "auto" | "first" | "both"
  bool protect = true;                 // "protect": no two runs of this job at once
  std::optional<std::chrono::milliseconds> catch_up_window;  // "catchUpWindowMs": null = unlimited
  std::optional<std::chrono::milliseconds> timeout;          // "timeoutMs": null = none
  std::optional<std::string> command;  // "command": the shell command (CLI jobs); null for library jobs
  std::optional<std::string> workdir;  // "workdir"
  std::map<std::string, std::string> env;  // "env": extra environment of the command
  std::string source = "api";          // "source": "api" (library), "cli" (sched add), "config" (sched.toml)

  // The last run's outcome.
  std::optional<std::string> last_status;  // "lastStatus": "running" | "ok" | "failed" | "interrupted" | "timeout"
  std::optional<std::string> last_trigger; // "lastTrigger": "schedule" | "catch-up" | "manual"
  std::optional<int> last_exit_code;       // "lastExitCode": shell jobs; null otherwise
  std::optional<std::chrono::milliseconds> last_duration;  // "lastDurationMs"
  std::optional<InstantMs> last_started_at;   // "lastStartedAt": when the last run really started
  std::optional<InstantMs> last_finished_at;  // "lastFinishedAt"
  std::optional<std::string> last_error;      // "lastError": a library task's exception text
  std::uint64_t skipped_count = 0;            // "skippedCount": fires deliberately not run, all reasons

  // A manual run asked for by `sched trigger` while a runner holds the file;
  // the runner starts it and clears the request in the same write.
  std::optional<InstantMs> trigger_requested_at;  // "triggerRequestedAt"

  UnknownFields unknown;

  friend bool operator==(const JobRecord&, const JobRecord&) = default;
};

struct StateDocument {
  std::string version = kStateVersion;  // "version"
  std::optional<InstantMs> timestamp;   // "timestamp": when it was last written
  std::vector<JobRecord> jobs;          // "jobs", in the order they were added
  UnknownFields unknown;

  // The job named `name`, or nullptr.
  JobRecord* find(std::string_view name);
  const JobRecord* find(std::string_view name) const;

  friend bool operator==(const StateDocument&, const StateDocument&) = default;
};

// Pretty JSON (two-space indent, trailing newline) with the known members in
// a fixed order, then the unknown ones.
std::string to_json(const StateDocument& doc);

// to_json(doc)'s text with `timestamp` in place of doc.timestamp, handed to
// `sink` in pieces of about 1 MB instead of built whole: a writer saves the
// document without a copy of it or of its text (10,000 jobs: 10 MB each).
void write_json(const StateDocument& doc, std::optional<InstantMs> timestamp,
                const std::function<void(std::string_view)>& sink);

// Appends one job as to_json writes it inside "jobs": an object whose
// members are on their own lines indented by indent + 2 spaces, its closing
// brace by `indent`. `extra` members (name and JSON text) come last; for
// reports that add computed members to the file's own.
void put_job(std::string& out, const JobRecord& job, int indent, const UnknownFields& extra);

// Parses state JSON. Throws Error(state_corrupt) naming `origin` and the
// problem (syntax with line and column, a wrong type, a missing required
// member), or Error(state_version) for a newer major version.
StateDocument parse_state(std::string_view text, const std::string& origin);

// What to do with a file that does not parse.
enum class CorruptFile {
  refuse,      // throw Error(state_corrupt) and leave the file as it is (read-only commands)
  move_aside,  // rename it to <file>.corrupt-<UTC stamp>, warn, and go on with an empty state
};

struct StateStoreOptions {
  std::chrono::milliseconds lock_wait{5000};  // how long update() waits for <file>.lock
  LogSink log = stderr_log_sink();
};

namespace detail {
struct StateStamp;
struct StateMemo;
}  // namespace detail

class StateStore {
 public:
  explicit StateStore(std::filesystem::path file, StateStoreOptions options = {});

  const std::filesystem::path& file() const noexcept { return file_; }

  // Reads the file without a lock (writes are atomic renames, so a reader
  // sees the old or the new file, whole). A missing file is an empty state.
  // A file that does not parse is handled by `corrupt`; a newer major
  // version throws Error(state_version) and is never touched. Other I/O
  // failures (no permission, a folder in the file's place) throw Error(io).
  //
  // The file decides which commands run, so one that another user could
  // have written throws Error(io) with one line, whatever `corrupt` says,
  // and is left where it is (never moved aside):
  //   refusing FILE: owned by uid N, not by this user (uid M) or root; run sched as uid N, or chown the file
  //   refusing FILE: it is writable by group G (mode 0664); run chmod g-w FILE
  //   refusing FILE: it is writable by others (mode 0606); run chmod o-w FILE
  //   refusing FILE: it is a symbolic link to T; name the file itself (...)
  // It must be owned by the effective uid or by root; group-writable is
  // allowed only when the group is the owner's private group (its primary
  // group, named after it, with no other member: what umask 002 on systems
  // with user private groups writes), world-writable never. A symbolic link
  // is never followed (O_NOFOLLOW): every write would replace it.
  StateDocument load(CorruptFile corrupt) const;

  // Read-modify-write: takes the exclusive lock on <file>.lock (waiting at
  // most lock_wait, then Error(state_busy): "state file busy: <file>"),
  // loads the current file, calls `change`, and writes the result if
  // `change` returned true. Returns whether it wrote. The lock file is
  // created 0600 whatever the umask; a symbolic link in its place throws
  // Error(io) and its target is neither created nor truncated. A file that
  // load refuses is refused here too.
  bool update(const std::function<bool(StateDocument&)>& change,
              CorruptFile corrupt = CorruptFile::move_aside);

  // Writes `doc` atomically: a temporary file in the same folder (mode 0600,
  // whatever the umask), fsync, rename over the file, fsync of the folder.
  // Creates missing folders with mode 0700. Sets doc's timestamp to `now`.
  // Callers other than update() must hold the lock. Throws Error(io).
  void write(const StateDocument& doc, InstantMs now) const;

  // load() under the lock, keeping the document for this store and its
  // copies: while the file stays the version read, their next update() or
  // load() uses it instead of reading the file again. For a process that
  // goes on writing the file (a scheduler), not for one-shot commands. The
  // document returned is the one kept, not a copy: the first update() after
  // the caller lets go of it moves it instead of copying it.
  std::shared_ptr<const StateDocument> load_and_keep(CorruptFile corrupt);

  // load(), or nullopt when the file holds nothing that a load() of this
  // store or its copies has not returned: it is the version they last wrote
  // or kept, and what they wrote was their own changes to what they had
  // loaded. A runner follows the file this way without reading back each
  // write of its own engine. While an update() of this store or a copy is
  // going on, waits for its end first: its write is not news.
  std::optional<StateDocument> load_if_changed(CorruptFile corrupt) const;

 private:
  detail::StateStamp write_file(const StateDocument& doc, InstantMs now) const;

  std::filesystem::path file_;
  StateStoreOptions options_;
  // The last document written or kept, and which version of the file it
  // is; shared by copies of this store (state_store.cc).
  std::shared_ptr<detail::StateMemo> memo_;
};

// Held by the one scheduler that runs jobs from a state file, for as long as
// it lives: an exclusive flock on <file>.run.lock holding the owner's pid.
// The kernel drops it when the process dies, so no lock outlives a crash.
class RunnerLock {
 public:
  // Throws Error(scheduler_running) at once when another process (or another
  // RunnerLock in this process) holds it:
  //   another scheduler (pid 1234) is using /path/state.json
  // The lock file is created 0600 whatever the umask; a symbolic link in its
  // place throws Error(io) and its target is neither created nor truncated.
  static RunnerLock acquire(const std::filesystem::path& state_file);

  // The pid of the process that holds the lock of `state_file` now, or empty
  // when none does. Takes no lock (it reads /proc/locks), so asking never
  // keeps a scheduler from starting.
  static std::optional<long> holder(const std::filesystem::path& state_file);

  RunnerLock(RunnerLock&& other) noexcept;
  RunnerLock& operator=(RunnerLock&& other) noexcept;
  RunnerLock(const RunnerLock&) = delete;
  RunnerLock& operator=(const RunnerLock&) = delete;
  ~RunnerLock();

 private:
  explicit RunnerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace sched
