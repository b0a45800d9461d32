// StateStore and RunnerLock on a real file system: what load, update and
// write do with missing, corrupt, foreign and newer files, the modes they
// leave, the locks they take.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "sched/error.h"
#include "sched/state.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using sched::test::error_of;
using sched::test::names_in;
using sched::test::read_bytes;
using sched::test::write_bytes;

// Collects warnings instead of printing them.
struct Warnings {
  std::vector<std::string> lines;
  sched::StateStoreOptions options(std::chrono::milliseconds lock_wait = 5000ms) {
    sched::StateStoreOptions out;
    out.lock_wait = lock_wait;
    out.log = [this](sched::LogLevel level, const std::string& message) {
      if (level == sched::LogLevel::warning) lines.push_back(message);
    };
    return out;
  }
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

sched::InstantMs at(int h, int m) {
  return sched::InstantMs{date::sys_days{date::year{2024} / 1 / 15}} + std::chrono::hours{h} + std::chrono::minutes{m};
}

sched::StateDocument one_job(const std::string& name) {
  sched::StateDocument doc;
  sched::JobRecord job;
  job.name = name;
  job.schedule = "0 8 * * *";
  job.command = "echo hi";
  doc.jobs.push_back(job);
  return doc;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

const std::regex kAsideName(R"(state\.json\.corrupt-\d{8}T\d{6}Z)");

}  // namespace

TEST_CASE("a missing file is an empty state, and loading it creates nothing", "[state][store]") {
  sched::test::TempDir dir;
  const sched::StateStore store(dir.path() / "state.json");
  CHECK(store.load(sched::CorruptFile::refuse) == sched::StateDocument{});
  CHECK(store.load(sched::CorruptFile::move_aside) == sched::StateDocument{});
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("write creates folders 0700 and a file 0600, leaves no temporary file, and reads back", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "a" / "b" / "state.json";
  const mode_t old_umask = ::umask(0277);  // mkdir and open would narrow 0700/0600 to 0500/0400
  sched::StateStore store(file);
  const sched::StateDocument doc = one_job("backup");
  for (int i = 0; i < 5; ++i) store.write(doc, at(8, i));
  ::umask(old_umask);

  CHECK(mode_of(dir.path() / "a") == 0700);
  CHECK(mode_of(dir.path() / "a" / "b") == 0700);
  CHECK(mode_of(file) == 0600);
  CHECK(names_in(file.parent_path()) == std::set<std::string>{"state.json"});
  sched::StateDocument expected = doc;
  expected.timestamp = at(8, 4);
  CHECK(store.load(sched::CorruptFile::refuse) == expected);
  CHECK(read_bytes(file) == sched::to_json(expected));
}

TEST_CASE("corrupt files: refuse leaves the bytes, move_aside keeps them in .corrupt-*", "[state][store][corrupt]") {
  struct Row {
    std::string what;
    std::string bytes;
    std::string problem;  // the message after "corrupt state file <file>: "
  };
  const std::vector<Row> rows = {
      {"empty", "", "the file is empty"},
      {"garbage",
       "\x7f"
       "ELF\x02\x01",
       "line 1, column 1: unexpected byte 0x7F; expected a value"},
      {"truncated", "{\n  \"version\": \"1.0\",\n  \"jobs\": [\n    {\n      \"name\": \"a\",\n",
       "line 6, column 1: unexpected end of file; expected a member name"},
      {"wrong type", R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "catchUp": 1}]})",
       "jobs[0].catchUp: expected a boolean, found the number 1"},
      {"missing field", R"({"version": "1.0", "jobs": [{"name": "a"}]})", "jobs[0]: missing \"schedule\""},
      {"duplicate names",
       R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily"}, {"name": "a", "schedule": "@daily"}]})",
       "jobs[1].name: \"a\" is already the name of jobs[0]"},
  };
  for (const Row& row : rows) {
    SECTION(row.what) {
      sched::test::TempDir dir;
      const fs::path file = dir.path() / "state.json";
      write_bytes(file, row.bytes);
      const std::string message = "corrupt state file " + file.string() + ": " + row.problem;
      Warnings warnings;
      const sched::StateStore store(file, warnings.options());

      CHECK(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }) == "state_corrupt: " + message);
      CHECK(read_bytes(file) == row.bytes);
      CHECK(names_in(dir.path()) == std::set<std::string>{"state.json"});
      CHECK(warnings.lines.empty());

      CHECK(store.load(sched::CorruptFile::move_aside) == sched::StateDocument{});
      const auto names = names_in(dir.path());
      REQUIRE(names.size() == 2);  // the lock taken to move it, and the moved file
      CHECK(names.count("state.json.lock") == 1);
      const std::string aside = *names.begin() == "state.json.lock" ? *names.rbegin() : *names.begin();
      CHECK(std::regex_match(aside, kAsideName));
      CHECK(read_bytes(dir.path() / aside) == row.bytes);
      CHECK(warnings.lines == std::vector<std::string>{message + "; moved it to " + (dir.path() / aside).string() +
                                                       " and started with an empty state"});
    }
  }
}

TEST_CASE("a valid file cut at every byte offset is refused or moved aside intact", "[state][store][corrupt]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateDocument doc = one_job("nightly");
  doc.jobs[0].last_run = at(8, 0);
  const std::string text = sched::to_json(doc);
  Warnings warnings;
  const sched::StateStore store(file, warnings.options());
  for (std::size_t length = 0; length + 1 < text.size(); ++length) {  // the last byte is a newline
    INFO("cut after " << length << " of " << text.size() << " bytes");
    const std::string cut = text.substr(0, length);
    write_bytes(file, cut);
    CHECK(starts_with(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }), "state_corrupt: "));
    CHECK(read_bytes(file) == cut);

    warnings.lines.clear();
    CHECK(store.load(sched::CorruptFile::move_aside) == sched::StateDocument{});
    CHECK(warnings.lines.size() == 1);
    CHECK_FALSE(fs::exists(file));
    for (const auto& name : names_in(dir.path())) {
      if (name == "state.json.lock") continue;
      CHECK(read_bytes(dir.path() / name) == cut);
      fs::remove(dir.path() / name);
    }
  }
}

TEST_CASE("moving aside never overwrites an earlier .corrupt-* file", "[state][store][corrupt]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  // Every stamp of the next minute is taken, and its -1 too, whatever second the move happens in.
  const auto start = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (auto t = start; t < start + 60s; t += 1s) {
    const std::string stamp = file.string() + ".corrupt-" + date::format("%Y%m%dT%H%M%SZ", t);
    write_bytes(stamp, "older");
    write_bytes(stamp + "-1", "older");
  }
  write_bytes(file, "{");
  Warnings warnings;
  CHECK(sched::StateStore(file, warnings.options()).load(sched::CorruptFile::move_aside) == sched::StateDocument{});
  const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  REQUIRE(now < start + 60s);
  std::size_t moved = 0;
  for (const auto& name : names_in(dir.path())) {
    if (name.ends_with("-2")) {
      ++moved;
      CHECK(read_bytes(dir.path() / name) == "{");
    } else if (name != "state.json.lock") {
      CHECK(read_bytes(dir.path() / name) == "older");
    }
  }
  CHECK(moved == 1);
}

TEST_CASE("update moves a corrupt file aside and starts empty, or refuses", "[state][store][corrupt]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_bytes(file, "not json");
  Warnings warnings;
  sched::StateStore store(file, warnings.options());

  CHECK(starts_with(
      error_of([&] { store.update([](sched::StateDocument&) { return true; }, sched::CorruptFile::refuse); }),
      "state_corrupt: "));
  CHECK(read_bytes(file) == "not json");

  bool saw_empty = false;
  CHECK(store.update([&](sched::StateDocument& doc) {
    saw_empty = doc == sched::StateDocument{};
    doc = one_job("fresh");
    return true;
  }));
  CHECK(saw_empty);
  CHECK(warnings.lines.size() == 1);
  CHECK(store.load(sched::CorruptFile::refuse).jobs.at(0).name == "fresh");
  CHECK(names_in(dir.path()).size() == 3);  // state.json, its lock and the moved file
}

TEST_CASE("a folder in the file's place is an I/O error, never moved aside", "[state][store][io]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  fs::create_directory(file);
  sched::StateStore store(file);
  const auto expected = "io: state file " + file.string() + " is a folder, not a file";
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }) == expected);
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::move_aside); }) == expected);
  CHECK(error_of([&] { store.update([](sched::StateDocument&) { return true; }); }) == expected);
  CHECK(error_of([&] { store.write({}, at(8, 0)); }) == expected);
  CHECK(fs::is_directory(file));
  CHECK(names_in(dir.path()) == std::set<std::string>{"state.json", "state.json.lock"});
}

TEST_CASE("a file without read permission is an I/O error, never moved aside", "[state][store][io]") {
  if (::geteuid() == 0) {
    WARN("skipped: running as root, where permission checks do not apply");
    return;
  }
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_bytes(file, "{}");
  fs::permissions(file, fs::perms::none);
  const sched::StateStore store(file);
  const auto expected = "io: cannot read state file " + file.string() + ": Permission denied";
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }) == expected);
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::move_aside); }) == expected);
  CHECK(names_in(dir.path()) == std::set<std::string>{"state.json"});
}

TEST_CASE("a file of a newer major version is refused with both policies and left untouched",
          "[state][store][version]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  const std::string bytes = R"({"version": "2.0", "jobs": {"new": "layout"}})";
  write_bytes(file, bytes);
  Warnings warnings;
  sched::StateStore store(file, warnings.options());
  const auto expected = "state_version: state file " + file.string() +
                        " was written by a newer sched (state version 2.0; this sched reads 1.x); "
                        "it was left untouched";
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }) == expected);
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::move_aside); }) == expected);
  CHECK(error_of([&] { store.update([](sched::StateDocument&) { return true; }); }) == expected);
  CHECK(read_bytes(file) == bytes);
  CHECK(names_in(dir.path()) == std::set<std::string>{"state.json", "state.json.lock"});
  CHECK(warnings.lines.empty());
}

TEST_CASE("update writes only when the change says so", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore store(file);
  CHECK_FALSE(store.update([](sched::StateDocument&) { return false; }));
  CHECK_FALSE(fs::exists(file));

  CHECK(store.update([](sched::StateDocument& doc) {
    doc = one_job("a");
    return true;
  }));
  const std::string bytes = read_bytes(file);
  struct stat before {};
  REQUIRE(::stat(file.c_str(), &before) == 0);

  std::string seen;
  CHECK_FALSE(store.update([&](sched::StateDocument& doc) {
    seen = doc.jobs.at(0).name;
    doc.jobs.clear();
    return false;
  }));
  CHECK(seen == "a");
  struct stat after {};
  REQUIRE(::stat(file.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(read_bytes(file) == bytes);
}

TEST_CASE("update waits lock_wait for a held lock, then fails with state_busy", "[state][store][lock]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  // flock locks belong to open file descriptions: this one conflicts with the store's own open().
  const int holder = ::open((file.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(holder >= 0);
  REQUIRE(::flock(holder, LOCK_EX) == 0);

  Warnings warnings;
  sched::StateStore store(file, warnings.options(100ms));
  const auto started = std::chrono::steady_clock::now();
  CHECK(error_of([&] { store.update([](sched::StateDocument&) { return true; }); }) ==
        "state_busy: state file busy: " + file.string() + " (another sched command holds " + file.string() +
            ".lock; try again)");
  CHECK(std::chrono::steady_clock::now() - started >= 100ms);
  CHECK_FALSE(fs::exists(file));

  // Moving a corrupt file aside needs the lock too.
  write_bytes(file, "{");
  CHECK(error_of([&] { (void)store.load(sched::CorruptFile::move_aside); }) ==
        "state_busy: corrupt state file " + file.string() +
            ": line 1, column 2: unexpected end of file; expected a member name; cannot move it aside: "
            "state file busy: " +
            file.string() + " (another sched command holds " + file.string() + ".lock; try again)");
  CHECK(read_bytes(file) == "{");

  ::close(holder);
  CHECK(store.update([](sched::StateDocument& doc) {
    doc = one_job("a");
    return true;
  }));
}

TEST_CASE("a 300 MB file is refused without being parsed, and left as it is", "[state][store][corrupt]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_bytes(file, "{");
  fs::resize_file(file, std::uintmax_t{300} << 20);  // sparse: no disk space used
  CHECK(error_of([&] { (void)sched::StateStore(file).load(sched::CorruptFile::refuse); }) ==
        "state_corrupt: corrupt state file " + file.string() +
            ": the file is 314572800 bytes; a state file may be at most 268435456 bytes");
  CHECK(fs::file_size(file) == std::uintmax_t{300} << 20);
}

TEST_CASE("a document over the size limit is not written, since it could not be read back", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore store(file);
  store.write(one_job("a"), at(8, 0));
  const std::string bytes = read_bytes(file);
  sched::StateDocument huge = one_job("a");
  huge.jobs[0].command = std::string(std::size_t{256} << 20, 'x');
  const std::string message = error_of([&] { store.write(huge, at(8, 1)); });
  CHECK(message.starts_with("io: not writing state file " + file.string() + ": it would be "));
  CHECK(message.ends_with(" bytes, and a state file may be at most 268435456 bytes; the file is left as it was"));
  CHECK(read_bytes(file) == bytes);
}

TEST_CASE("a store reuses what it wrote only while the file is that version", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore store(file);
  const sched::StateStore copy = store;  // copies share what the store wrote
  store.update([](sched::StateDocument& doc) {
    doc = one_job("a");
    return true;
  });
  CHECK(copy.load(sched::CorruptFile::refuse).jobs.at(0).name == "a");

  // Another writer (another store: a new file under the lock).
  sched::StateStore(file).update([](sched::StateDocument& doc) {
    doc.jobs.at(0).name = "b";
    return true;
  });
  CHECK(store.load(sched::CorruptFile::refuse).jobs.at(0).name == "b");
  store.update([](sched::StateDocument& doc) {
    CHECK(doc.jobs.at(0).name == "b");
    doc.jobs.push_back(one_job("c").jobs.at(0));
    return true;
  });

  // An edit in place, of the same size: the same inode, a new mtime.
  std::string bytes = read_bytes(file);
  const auto at = bytes.find(R"("name": "c")");
  REQUIRE(at != std::string::npos);
  bytes[at + 9] = 'd';
  {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    const struct timespec later[2] = {{0, UTIME_OMIT}, {::time(nullptr) + 10, 0}};
    REQUIRE(::futimens(fd, later) == 0);
    ::close(fd);
  }
  CHECK(copy.load(sched::CorruptFile::refuse).jobs.at(1).name == "d");
  store.update([](sched::StateDocument& doc) {
    CHECK(doc.jobs.at(1).name == "d");
    return false;
  });
  // A change that wrote nothing may have changed the document: not reused.
  store.update([](sched::StateDocument& doc) {
    doc.jobs.clear();
    return false;
  });
  CHECK(store.load(sched::CorruptFile::refuse).jobs.size() == 2);
}

TEST_CASE("load_if_changed returns only what another writer wrote", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore(file).write(one_job("a"), at(8, 0));
  sched::StateStore engine(file);
  const sched::StateStore runner = engine;
  CHECK(engine.load_and_keep(sched::CorruptFile::refuse)->jobs.size() == 1);
  CHECK_FALSE(runner.load_if_changed(sched::CorruptFile::refuse));
  const auto add = [](const std::string& name) {
    return [name](sched::StateDocument& doc) {
      doc.jobs.push_back(one_job(name).jobs.at(0));
      return true;
    };
  };
  engine.update(add("b"));  // the engine's own change, from what it had
  CHECK_FALSE(runner.load_if_changed(sched::CorruptFile::refuse));

  // Another command adds c; the engine's next write carries it, and the
  // runner must still see c even though the file is the engine's version.
  sched::StateStore(file).update(add("c"));
  engine.update(add("d"));
  const auto seen = runner.load_if_changed(sched::CorruptFile::refuse);
  REQUIRE(seen);
  CHECK(seen->jobs.size() == 4);
  CHECK(seen->jobs.at(2).name == "c");
  CHECK_FALSE(runner.load_if_changed(sched::CorruptFile::refuse));

  sched::StateStore(file).update(add("e"));
  const auto other = runner.load_if_changed(sched::CorruptFile::refuse);
  REQUIRE(other);
  CHECK(other->jobs.size() == 5);
}

TEST_CASE("the document load_and_keep returns stays as read while the store writes on", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore(file).write(one_job("a"), at(8, 0));
  sched::StateStore engine(file);
  const std::shared_ptr<const sched::StateDocument> kept = engine.load_and_keep(sched::CorruptFile::refuse);
  engine.update([](sched::StateDocument& doc) {
    doc.jobs.at(0).enabled = false;
    doc.jobs.push_back(one_job("b").jobs.at(0));
    return true;
  });
  REQUIRE(kept->jobs.size() == 1);
  CHECK(kept->jobs.at(0).name == "a");
  CHECK(kept->jobs.at(0).enabled);
  const sched::StateDocument now = sched::StateStore(file).load(sched::CorruptFile::refuse);
  REQUIRE(now.jobs.size() == 2);
  CHECK_FALSE(now.jobs.at(0).enabled);
}

namespace {

// Whether thread `tid` of this process is blocked in a futex wait (a
// condition variable's or a mutex's), from /proc/self/task/TID/syscall.
bool waits_on_futex(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long number = -1;
  return static_cast<bool>(in >> number) && number == SYS_futex;
}

}  // namespace

TEST_CASE("load_if_changed waits for a write of its own store in progress and finds nothing new in it",
          "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore(file).write(one_job("a"), at(8, 0));
  sched::StateStore engine(file);
  const sched::StateStore runner = engine;
  engine.load_and_keep(sched::CorruptFile::refuse);

  std::promise<void> inside, release;
  std::thread writer([&] {
    engine.update([&](sched::StateDocument& doc) {
      doc.jobs.push_back(one_job("b").jobs.at(0));
      inside.set_value();
      release.get_future().wait();
      return true;
    });
  });
  inside.get_future().wait();  // the engine holds the lock and the memo's document

  std::atomic<pid_t> reader_tid{0};
  std::atomic<bool> read{false};
  std::optional<sched::StateDocument> seen;
  std::thread reader([&] {
    reader_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    seen = runner.load_if_changed(sched::CorruptFile::refuse);
    read = true;
  });
  // Released once the reader is waiting, or has read without waiting (the
  // defect: it then read the file the engine is about to replace).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!read && !(reader_tid != 0 && waits_on_futex(reader_tid)) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  const bool read_before_the_write_ended = read;
  release.set_value();
  writer.join();
  reader.join();
  CHECK_FALSE(read_before_the_write_ended);
  CHECK_FALSE(seen);
  CHECK(runner.load(sched::CorruptFile::refuse).jobs.size() == 2);
}

TEST_CASE("update writes nothing when the change throws", "[state][store]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore store(file);
  store.write(one_job("a"), at(8, 0));
  const std::string bytes = read_bytes(file);
  CHECK_THROWS_AS(store.update([](sched::StateDocument& doc) -> bool {
    doc.jobs.clear();
    throw std::runtime_error("task failed");
  }),
                  std::runtime_error);
  CHECK(read_bytes(file) == bytes);
  CHECK(store.update([](sched::StateDocument&) { return false; }) == false);  // the lock was released
}

TEST_CASE("updates from several threads are serialised by the lock", "[state][store][lock]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  sched::StateStore(file).write(one_job("counter"), at(8, 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      sched::StateStore store(file);
      for (int i = 0; i < 10; ++i) {
        store.update([](sched::StateDocument& doc) {
          ++doc.jobs.at(0).run_count;
          return true;
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(sched::StateStore(file).load(sched::CorruptFile::refuse).jobs.at(0).run_count == 40);
}
