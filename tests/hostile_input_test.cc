// Hostile input and permissions (SPEC §5): the modes of what sched creates,
// whatever the umask; state and config files that another user could have
// written, links, FIFOs and oversized or deeply nested files; job names that
// could leave their folder or break a line, from the command line and from a
// state file edited by hand. Files of another owner need chown: those checks
// run as root only. A group-writable file is refused unless its group is the
// owner's private group: the refusal needs a group that the test user can
// give its files and that is not its private group (any, as root), the
// acceptance a test user whose primary group is private (root's is, on
// Debian); a check whose group is missing says so and is skipped.

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "exit_codes.h"
#include "file_checks.h"
#include "sched/config.h"
#include "sched/error.h"
#include "sched/state.h"
#include "support/cli_harness.h"
#include "support/errors.h"
#include "support/files.h"
#include "support/temp_dir.h"
#include "support/test_clock.h"

namespace {

namespace fs = std::filesystem;
using sched::test::CliHarness;
using sched::test::CliResult;
using sched::test::error_of;
using sched::test::names_in;
using sched::test::read_bytes;
using sched::test::write_bytes;

const sched::InstantMs kNow = sched::test::utc(2026, 12, 1, 12, 0, 0);
constexpr uid_t kOtherUid = 12345;

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

void set_mode(const fs::path& path, mode_t mode) { REQUIRE(::chmod(path.c_str(), mode) == 0); }

// Sets the umask for one scope (the umask is the process's: tests run one at
// a time).
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : old_(::umask(mask)) {}
  ~UmaskScope() { ::umask(old_); }
  UmaskScope(const UmaskScope&) = delete;
  UmaskScope& operator=(const UmaskScope&) = delete;

 private:
  mode_t old_;
};

// A group for the refusal of group-writable files: its name is not the test
// user's name, so it cannot be the user's private group, and the user can
// give it a file: as root one of adm, users, staff; otherwise the user's
// primary or a supplementary group.
struct SharedGroup {
  gid_t gid;
  std::string name;
};

std::optional<std::string> user_name(uid_t uid) {
  const struct passwd* pw = ::getpwuid(uid);
  return pw != nullptr ? std::optional<std::string>(pw->pw_name) : std::nullopt;
}

std::optional<SharedGroup> shared_group() {
  const std::optional<std::string> self = user_name(::geteuid());
  std::vector<gid_t> candidates;
  if (::geteuid() == 0) {
    for (const char* name : {"adm", "users", "staff"}) {
      if (const struct group* gr = ::getgrnam(name)) candidates.push_back(gr->gr_gid);
    }
  } else {
    candidates.push_back(::getegid());
    std::vector<gid_t> more(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
    more.resize(static_cast<std::size_t>(std::max(::getgroups(static_cast<int>(more.size()), more.data()), 0)));
    candidates.insert(candidates.end(), more.begin(), more.end());
  }
  for (const gid_t gid : candidates) {
    const struct group* gr = ::getgrgid(gid);
    if (gr != nullptr && (!self || *self != gr->gr_name)) return SharedGroup{gid, gr->gr_name};
  }
  return std::nullopt;
}

void give_to(const fs::path& file, const SharedGroup& group) {
  REQUIRE(::chown(file.c_str(), static_cast<uid_t>(-1), group.gid) == 0);
}

// Why the test user's primary group is not its private group by the rule of
// file_checks.h (read from the user and group databases here), or nullopt
// when it is: the tests of the acceptance need one.
std::optional<std::string> why_no_private_group() {
  const struct passwd* pw = ::getpwuid(::geteuid());
  if (pw == nullptr) return "the test user (uid " + std::to_string(::geteuid()) + ") is not in the user database";
  const std::string self = pw->pw_name;
  const gid_t primary = pw->pw_gid;
  const struct group* gr = ::getgrgid(primary);
  if (gr == nullptr) return "the primary group " + std::to_string(primary) + " of " + self + " is not in the group database";
  if (self != gr->gr_name) return "the primary group of " + self + " is " + gr->gr_name + ", not a group named " + self;
  for (char** member = gr->gr_mem; *member != nullptr; ++member) {
    if (self != *member) return "group " + self + " lists " + *member + " as a member";
  }
  std::optional<std::string> other;
  ::setpwent();
  while (const struct passwd* user = ::getpwent()) {
    if (user->pw_gid == primary && user->pw_uid != ::geteuid()) {
      other = user->pw_name;
      break;
    }
  }
  ::endpwent();
  if (other) return "group " + self + " is the primary group of " + *other + " too";
  return std::nullopt;
}

const std::string kValidState = R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "command": "true"}]})";

sched::StateDocument load(const fs::path& file, sched::CorruptFile corrupt = sched::CorruptFile::refuse) {
  return sched::StateStore(file).load(corrupt);
}

bool add_job(sched::StateStore store) {
  return store.update([](sched::StateDocument& doc) {
    sched::JobRecord job;
    job.name = "added";
    job.schedule = "@daily";
    job.command = "true";
    doc.jobs.push_back(job);
    return true;
  });
}

}  // namespace

TEST_CASE("state, lock and run-lock files are 0600 and new folders 0700, whatever the umask", "[hostile][modes]") {
  for (const mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}, mode_t{0777}}) {
    CAPTURE(mask);
    sched::test::TempDir dir;
    const fs::path file = dir.path() / "a" / "b" / "state.json";
    {
      const UmaskScope scope(mask);
      const sched::StateStore store(file);
      CHECK(add_job(store));
      const sched::RunnerLock lock = sched::RunnerLock::acquire(file);
      CHECK(add_job(store));  // reopens the lock file that the first update created
    }
    CHECK(mode_of(dir.path() / "a") == 0700);
    CHECK(mode_of(dir.path() / "a" / "b") == 0700);
    CHECK(mode_of(file) == 0600);
    CHECK(mode_of(file.string() + ".lock") == 0600);
    CHECK(mode_of(file.string() + ".run.lock") == 0600);
    CHECK(names_in(file.parent_path()) == std::set<std::string>{"state.json", "state.json.lock", "state.json.run.lock"});
  }
}

TEST_CASE("sched add creates 0600 files in a 0700 folder under any umask", "[hostile][modes]") {
  for (const mode_t mask : {mode_t{0}, mode_t{0277}}) {
    CAPTURE(mask);
    CliHarness h(kNow);
    const fs::path state = h.path("new") / "state.json";
    CliResult r;
    {
      const UmaskScope scope(mask);
      r = h.run_raw({"sched", "--state", state.string(), "add", "a", "-s", "@daily", "-c", "true", "--tz", "UTC"});
    }
    CHECK(r.code == 0);
    CHECK(mode_of(h.path("new")) == 0700);
    CHECK(mode_of(state) == 0600);
    CHECK(mode_of(state.string() + ".lock") == 0600);
  }
}

TEST_CASE("a lock file of ours with a wider mode gets 0600 back", "[hostile][modes]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_bytes(file.string() + ".lock", "");
  write_bytes(file.string() + ".run.lock", "");
  set_mode(file.string() + ".lock", 0666);
  set_mode(file.string() + ".run.lock", 0644);
  CHECK(add_job(sched::StateStore(file)));
  const sched::RunnerLock lock = sched::RunnerLock::acquire(file);
  CHECK(mode_of(file.string() + ".lock") == 0600);
  CHECK(mode_of(file.string() + ".run.lock") == 0600);
}

TEST_CASE("a state file that group or others may write is refused, left alone, never moved aside",
          "[hostile][permissions]") {
  struct Row {
    mode_t mode;
    std::string why;  // empty: accepted; GROUP: the shared group's name; FILE: the file
  };
  const std::vector<Row> rows{
      {0664, "it is writable by group GROUP (mode 0664); run chmod g-w FILE"},
      {0606, "it is writable by others (mode 0606); run chmod o-w FILE"},
      {0666, "it is writable by group GROUP and others (mode 0666); run chmod go-w FILE"},
      {0620, "it is writable by group GROUP (mode 0620); run chmod g-w FILE"},
      {0644, ""},
      {0600, ""},
      {0400, ""},
  };
  const std::optional<SharedGroup> group = shared_group();
  if (!group) WARN("skipped the group-writable rows: no group other than the test user's private group to give a file");
  for (const Row& row : rows) {
    CAPTURE(row.mode);
    if (!group && (row.mode & S_IWGRP) != 0) continue;
    sched::test::TempDir dir;
    const fs::path file = dir.path() / "state.json";
    write_bytes(file, kValidState);
    if (group) give_to(file, *group);
    set_mode(file, row.mode);
    const sched::StateStore store(file);
    if (row.why.empty()) {
      CHECK(store.load(sched::CorruptFile::refuse).jobs.size() == 1);
      continue;
    }
    std::string why = row.why;
    if (group && why.find("GROUP") != std::string::npos) why.replace(why.find("GROUP"), 5, group->name);
    why.replace(why.find("FILE"), 4, file.string());
    const std::string expected = "io: refusing " + file.string() + ": " + why;
    CHECK(error_of([&] { (void)store.load(sched::CorruptFile::refuse); }) == expected);
    CHECK(error_of([&] { (void)store.load(sched::CorruptFile::move_aside); }) == expected);
    CHECK(error_of([&] { add_job(store); }) == expected);
    CHECK(read_bytes(file) == kValidState);
    CHECK(mode_of(file) == row.mode);
    CHECK(names_in(dir.path()) == std::set<std::string>{"state.json", "state.json.lock"});
  }
}

TEST_CASE("the sched command refuses a group-writable state file with one line and exit 1",
          "[hostile][permissions][cli]") {
  const std::optional<SharedGroup> group = shared_group();
  if (!group) {
    WARN("skipped: no group other than the test user's private group to give a file");
    return;
  }
  CliHarness h(kNow);
  h.write("state.json", kValidState);
  give_to(h.state(), *group);
  set_mode(h.state(), 0660);
  const std::string line = "refusing " + h.state().string() + ": it is writable by group " + group->name +
                           " (mode 0660); run chmod g-w " + h.state().string() + "\n";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"state"}, {"add", "b", "-s", "@daily", "-c", "true", "--tz", "UTC"}, {"pause", "a"}, {"run"}}) {
    CAPTURE(args);
    const CliResult r = h.run(args);
    CHECK(r.code == sched::cli::kExitFailure);
    CHECK(r.err == "sched " + args[0] + ": " + line);
    CHECK(h.state_bytes() == kValidState);
  }
}

TEST_CASE("a state or config file owned by another user is refused, even by root", "[hostile][permissions]") {
  if (::geteuid() != 0) {
    WARN("skipped: giving a file to another user needs root");
    return;
  }
  CliHarness h(kNow);
  h.write("state.json", kValidState);
  REQUIRE(::chown(h.state().c_str(), kOtherUid, kOtherUid) == 0);
  const std::string state_line = "refusing " + h.state().string() +
                                 ": owned by uid 12345, not by this user (uid 0); run sched as uid 12345, or chown the file";
  CHECK(error_of([&] { (void)load(h.state()); }) == "io: " + state_line);
  CHECK(error_of([&] { (void)load(h.state(), sched::CorruptFile::move_aside); }) == "io: " + state_line);
  CliResult r = h.run({"state"});
  CHECK(r.code == sched::cli::kExitFailure);
  CHECK(r.err == "sched state: " + state_line + "\n");
  CHECK(h.state_bytes() == kValidState);
  CHECK(names_in(h.dir().path()) == std::set<std::string>{"state.json"});

  h.write("sched.toml", "[jobs.x]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const fs::path config = h.path("sched.toml");
  REQUIRE(::chown(config.c_str(), kOtherUid, kOtherUid) == 0);
  const std::string config_line = "refusing " + config.string() +
                                  ": owned by uid 12345, not by this user (uid 0); run sched as uid 12345, or chown the file";
  CHECK(error_of([&] { (void)sched::load_config(config); }) == "invalid_config: " + config_line);
  r = h.run_raw({"sched", "--config", config.string(), "validate"});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.err == "sched validate: " + config_line + "\n");
  r = h.run_raw({"sched", "--state", h.path("other.json").string(), "--config", config.string(), "run"});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.err == "sched run: " + config_line + "\n");
  CHECK_FALSE(fs::exists(h.path("other.json")));
}

TEST_CASE("a config file that group or others may write is refused with exit 2", "[hostile][permissions][config]") {
  CliHarness h(kNow);
  h.write("sched.toml", "[jobs.x]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const fs::path config = h.path("sched.toml");
  set_mode(config, 0646);
  const std::string line =
      "refusing " + config.string() + ": it is writable by others (mode 0646); run chmod o-w " + config.string();
  CHECK(error_of([&] { (void)sched::load_config(config); }) == "invalid_config: " + line);
  CHECK(error_of([&] { (void)sched::validate_config(config); }) == "invalid_config: " + line);
  const CliResult r = h.run_raw({"sched", "--config", config.string(), "validate"});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.err == "sched validate: " + line + "\n");
  CHECK(r.out.empty());

  set_mode(config, 0644);
  CHECK(h.run_raw({"sched", "--config", config.string(), "validate"}).code == 0);
}

TEST_CASE("a config file writable by a group that is not the owner's private group is refused with exit 2",
          "[hostile][permissions][config][private-group]") {
  const std::optional<SharedGroup> group = shared_group();
  if (!group) {
    WARN("skipped: no group other than the test user's private group to give a file");
    return;
  }
  CliHarness h(kNow);
  h.write("sched.toml", "[jobs.x]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const fs::path config = h.path("sched.toml");
  give_to(config, *group);
  set_mode(config, 0664);
  const std::string line = "refusing " + config.string() + ": it is writable by group " + group->name +
                           " (mode 0664); run chmod g-w " + config.string();
  CHECK(error_of([&] { (void)sched::load_config(config); }) == "invalid_config: " + line);
  const CliResult r = h.run_raw({"sched", "--config", config.string(), "validate"});
  CHECK(r.code == sched::cli::kExitUsage);
  CHECK(r.err == "sched validate: " + line + "\n");
  CHECK_FALSE(sched::detail::is_private_group(::geteuid(), group->gid));
}

TEST_CASE("a group-writable state or config file of the owner's private group is accepted, as umask 002 writes it",
          "[hostile][permissions][private-group]") {
  if (const std::optional<std::string> why = why_no_private_group()) {
    WARN("skipped: " + *why + " (the acceptance needs a test user with a private group)");
    return;
  }
  CHECK(sched::detail::is_private_group(::geteuid(), ::getpwuid(::geteuid())->pw_gid));
  CliHarness h(kNow);
  const fs::path config = h.path("sched.toml");
  {
    // What an editor writes for a user of a distribution with user private groups.
    const UmaskScope scope(002);
    h.write("sched.toml", "[jobs.x]\nschedule = \"@daily\"\ncommand = \"true\"\n");
    h.write("state.json", kValidState);
  }
  REQUIRE(::chown(config.c_str(), static_cast<uid_t>(-1), ::getpwuid(::geteuid())->pw_gid) == 0);
  REQUIRE(::chown(h.state().c_str(), static_cast<uid_t>(-1), ::getpwuid(::geteuid())->pw_gid) == 0);
  REQUIRE(mode_of(config) == 0664);
  REQUIRE(mode_of(h.state()) == 0664);

  CHECK(sched::load_config(config).jobs.size() == 1);
  CliResult r = h.run_raw({"sched", "--config", config.string(), "validate"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(load(h.state()).jobs.size() == 1);
  r = h.run({"add", "b", "-s", "@daily", "-c", "true", "--tz", "UTC"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(mode_of(h.state()) == 0600);  // every write of sched makes the file 0600 again

  // Writable by others is refused whatever the group.
  set_mode(config, 0666);
  CHECK(error_of([&] { (void)sched::load_config(config); }) ==
        "invalid_config: refusing " + config.string() + ": it is writable by others (mode 0666); run chmod o-w " +
            config.string());
  set_mode(h.state(), 0662);
  CHECK(error_of([&] { (void)load(h.state()); }) == "io: refusing " + h.state().string() +
                                                         ": it is writable by others (mode 0662); run chmod o-w " +
                                                         h.state().string());
}

TEST_CASE("is_private_group: only the owner's primary group named after the owner", "[hostile][private-group]") {
  const uid_t self = ::geteuid();
  CHECK_FALSE(sched::detail::is_private_group(kOtherUid, kOtherUid));  // no such user
  if (const struct passwd* pw = ::getpwuid(self)) {
    CHECK_FALSE(sched::detail::is_private_group(self, pw->pw_gid + 54321));  // not its primary group
    CHECK(sched::detail::is_private_group(self, pw->pw_gid) == !why_no_private_group().has_value());
  }
  if (const std::optional<SharedGroup> group = shared_group()) {
    CAPTURE(group->name);
    CHECK_FALSE(sched::detail::is_private_group(self, group->gid));
  }
}

TEST_CASE("the fix in a refusal names the file as one shell word", "[hostile][permissions]") {
  sched::test::TempDir dir;
  fs::create_directory(dir.path() / "my dir");
  const fs::path file = dir.path() / "my dir" / "it's.json";
  write_bytes(file, kValidState);
  set_mode(file, 0646);
  const std::string quoted = "'" + (dir.path() / "my dir").string() + "/it'\\''s.json'";
  CHECK(error_of([&] { (void)load(file); }) ==
        "io: refusing " + file.string() + ": it is writable by others (mode 0646); run chmod o-w " + quoted);

  // A relative name that starts with '-' would be an option of chmod.
  const fs::path here = fs::current_path();
  fs::current_path(dir.path());
  write_bytes("-x.toml", "");
  set_mode("-x.toml", 0646);
  const std::string got = error_of([&] { (void)sched::load_config("-x.toml"); });
  fs::current_path(here);
  CHECK(got == "invalid_config: refusing -x.toml: it is writable by others (mode 0646); run chmod o-w ./-x.toml");
}

TEST_CASE("a linked config is followed and its target checked, a linked state file is refused",
          "[hostile][permissions][symlink]") {
  CliHarness h(kNow);
  h.write("real.toml", "[jobs.x]\nschedule = \"@daily\"\ncommand = \"true\"\n");
  const fs::path link = h.path("sched.toml");
  fs::create_symlink(h.path("real.toml"), link);
  CHECK(sched::load_config(link).jobs.size() == 1);
  set_mode(h.path("real.toml"), 0646);
  CHECK(error_of([&] { (void)sched::load_config(link); }) == "invalid_config: refusing " + link.string() +
                                                                 ": it is writable by others (mode 0646); run chmod o-w " +
                                                                 link.string());

  h.write("target.json", kValidState);
  fs::create_symlink(h.path("target.json"), h.state());
  const std::string line = "refusing " + h.state().string() + ": it is a symbolic link to " +
                           h.path("target.json").string() +
                           "; name the file itself (every write of the state would replace the link)";
  CHECK(error_of([&] { (void)load(h.state()); }) == "io: " + line);
  CHECK(error_of([&] { (void)load(h.state(), sched::CorruptFile::move_aside); }) == "io: " + line);
  CHECK(error_of([&] { add_job(sched::StateStore(h.state())); }) == "io: " + line);
  const CliResult r = h.run({"add", "b", "-s", "@daily", "-c", "true", "--tz", "UTC"});
  CHECK(r.code == sched::cli::kExitFailure);
  CHECK(r.err == "sched add: " + line + "\n");
  CHECK(fs::is_symlink(h.state()));
  CHECK(read_bytes(h.path("target.json")) == kValidState);
}

TEST_CASE("a linked lock file is refused, and its target is neither created nor truncated",
          "[hostile][permissions][symlink]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  write_bytes(dir.path() / "victim", "keep");
  fs::create_symlink(dir.path() / "victim", file.string() + ".lock");
  fs::create_symlink(dir.path() / "victim", file.string() + ".run.lock");
  CHECK(error_of([&] { add_job(sched::StateStore(file)); }) ==
        "io: refusing lock file " + file.string() + ".lock: it is a symbolic link; remove it");
  CHECK(error_of([&] { (void)sched::RunnerLock::acquire(file); }) ==
        "io: refusing lock file " + file.string() + ".run.lock: it is a symbolic link; remove it");
  CHECK(read_bytes(dir.path() / "victim") == "keep");
  CHECK_FALSE(fs::exists(file));
}

TEST_CASE("a FIFO in the place of the state or config file is refused without blocking", "[hostile][fifo]") {
  sched::test::TempDir dir;
  const fs::path state = dir.path() / "state.json";
  const fs::path config = dir.path() / "sched.toml";
  REQUIRE(::mkfifo(state.c_str(), 0600) == 0);
  REQUIRE(::mkfifo(config.c_str(), 0600) == 0);
  CHECK(error_of([&] { (void)load(state); }) == "io: state file " + state.string() + " is not a regular file");
  CHECK(error_of([&] { (void)sched::load_config(config); }) ==
        "invalid_config: " + config.string() + ": not a regular file");
}

TEST_CASE("job names that could leave their folder or break a line are refused by add", "[hostile][names][cli]") {
  struct Row {
    std::string name;
    std::string err;
  };
  const std::string only = ": only A-Z a-z 0-9 . _ - are allowed\n";
  const std::vector<Row> rows{
      {"..", "sched add: invalid job name \"..\": it must not start with '.' or '-'\n"},
      {"../etc", "sched add: invalid job name \"../etc\": it must not start with '.' or '-'\n"},
      {"a/b", "sched add: invalid job name \"a/b\"" + only},
      {"/etc/passwd", "sched add: invalid job name \"/etc/passwd\"" + only},
      {"a\nb", "sched add: invalid job name \"a?b\"" + only},
      {"a\rb", "sched add: invalid job name \"a?b\"" + only},
      {std::string("a\0b", 3), "sched add: invalid job name \"a?b\"" + only},
      {std::string(65, 'x'), "sched add: invalid job name \"" + std::string(65, 'x') + "\": it must have 1 to 64 characters\n"},
      {"", "sched add: invalid job name \"\": it must have 1 to 64 characters\n"},
      {"caf\xc3\xa9", "sched add: invalid job name \"caf??\"" + only},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    CliHarness h(kNow);
    const CliResult r = h.run({"add", row.name, "-s", "@daily", "-c", "true", "--tz", "UTC"});
    CHECK(r.code == sched::cli::kExitUsage);
    CHECK(r.err == row.err);
    CHECK(r.out.empty());
    CHECK(names_in(h.dir().path()).empty());
  }
  CliHarness h(kNow);
  const CliResult ok = h.run({"add", std::string(64, 'x'), "-s", "@daily", "-c", "true", "--tz", "UTC"});
  CHECK(ok.code == 0);
}

TEST_CASE("a state file with a hostile job name is corrupt: refused by commands, moved aside by the scheduler",
          "[hostile][names][state]") {
  struct Row {
    std::string json_name;  // as written in the file, escapes included
    std::string problem;
  };
  const std::string only = ": only A-Z a-z 0-9 . _ - are allowed";
  const std::vector<Row> rows{
      {"../../etc/cron.d/x", "invalid job name \"../../etc/cron.d/x\": it must not start with '.' or '-'"},
      {"a/b", "invalid job name \"a/b\"" + only},
      {"a\\nINFO fake log line", "invalid job name \"a?INFO fake log line\"" + only},
      {"a\\u0000b", "invalid job name \"a?b\"" + only},
      {std::string(65, 'n'), "invalid job name \"" + std::string(65, 'n') + "\": it must have 1 to 64 characters"},
      {"", "invalid job name \"\": it must have 1 to 64 characters"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.json_name);
    CliHarness h(kNow);
    const std::string bytes = R"({"version": "1.0", "jobs": [{"name": "ok", "schedule": "@daily", "command": "true"},)"
                              R"( {"name": ")" + row.json_name + R"(", "schedule": "@daily", "command": "true"}]})";
    h.write("state.json", bytes);
    const std::string message = "corrupt state file " + h.state().string() + ": jobs[1].name: " + row.problem;
    CHECK(error_of([&] { (void)load(h.state()); }) == "state_corrupt: " + message);

    // The commands that read or edit the state refuse it and change nothing.
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"state"}, {"add", "b", "-s", "@daily", "-c", "true", "--tz", "UTC"}, {"remove", "ok"}}) {
      const CliResult r = h.run(args);
      CHECK(r.code == sched::cli::kExitFailure);
      CHECK(r.err == "sched " + args[0] + ": " + message + "\n");
      CHECK(h.state_bytes() == bytes);
    }

    // The scheduler moves it aside, as it does any corrupt file, and starts empty.
    std::vector<std::string> warnings;
    const sched::StateStore store(h.state(), {std::chrono::seconds(5), [&](sched::LogLevel, const std::string& line) {
                                                warnings.push_back(line);
                                              }});
    CHECK(store.load(sched::CorruptFile::move_aside) == sched::StateDocument{});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].starts_with(message + "; moved it to " + h.state().string() + ".corrupt-"));
    std::string aside;
    for (const std::string& name : names_in(h.dir().path())) {
      if (name.starts_with("state.json.corrupt-")) aside = name;
    }
    CHECK(read_bytes(h.path(aside)) == bytes);
  }
}

TEST_CASE("a state file over 256 MiB is refused from its size, before it is read", "[hostile][size]") {
  sched::test::TempDir dir;
  const fs::path file = dir.path() / "state.json";
  // Sparse: 300 MB that take no disk. Reading it whole would take 300 MB of
  // memory; the size check comes first (peak memory: tests/e2e/hostile_test.sh).
  {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, 300'000'000) == 0);
    ::close(fd);
  }
  const std::string message =
      "corrupt state file " + file.string() + ": the file is 300000000 bytes; a state file may be at most 268435456 bytes";
  CHECK(error_of([&] { (void)load(file); }) == "state_corrupt: " + message);
  CHECK(fs::file_size(file) == 300'000'000);

  // 256 MiB exactly is read (and then found not to be JSON).
  REQUIRE(::truncate(file.c_str(), 256 << 20) == 0);
  CHECK(error_of([&] { (void)load(file); }) ==
        "state_corrupt: corrupt state file " + file.string() + ": line 1, column 1: unexpected byte 0x00; expected a value");

  // move_aside keeps the bytes, as for any corrupt file.
  REQUIRE(::truncate(file.c_str(), 300'000'000) == 0);
  std::vector<std::string> warnings;
  const sched::StateStore store(file, {std::chrono::seconds(5), [&](sched::LogLevel, const std::string& line) {
                                         warnings.push_back(line);
                                       }});
  CHECK(store.load(sched::CorruptFile::move_aside) == sched::StateDocument{});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].starts_with(message + "; moved it to "));
  CHECK_FALSE(fs::exists(file));
  REQUIRE(names_in(dir.path()).size() == 2);  // the file moved aside, and the lock
}

TEST_CASE("deeply nested state files are refused at nesting level 65", "[hostile][nesting]") {
  struct Row {
    std::string what;
    std::string bytes;
    std::string problem;
  };
  const std::string deep_array(100'000, '[');
  std::string deep_object;
  for (int i = 0; i < 100'000; ++i) deep_object += "{\"a\":";
  const std::string job = R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "x": )";
  const std::string env = R"({"version": "1.0", "jobs": [{"name": "a", "schedule": "@daily", "env": {"K": )";
  const std::vector<Row> rows{
      {"100000 [ at the top", deep_array, "line 1, column 65: nesting deeper than 64 levels"},
      {"100000 { at the top", deep_object, "line 1, column 321: nesting deeper than 64 levels"},
      {"100000 [ in an unknown member of a job", job + deep_array,
       "line 1, column " + std::to_string(job.size() + 62) + ": nesting deeper than 64 levels"},
      // read_env reads a value at depth 5: the 61st [ is the 65th level.
      {"100000 [ in env", env + deep_array,
       "line 1, column " + std::to_string(env.size() + 61) + ": nesting deeper than 64 levels"},
  };
  for (const Row& row : rows) {
    SECTION(row.what) {
      sched::test::TempDir dir;
      const fs::path file = dir.path() / "state.json";
      write_bytes(file, row.bytes);
      CHECK(error_of([&] { (void)load(file); }) ==
            "state_corrupt: corrupt state file " + file.string() + ": " + row.problem);
    }
  }
}
