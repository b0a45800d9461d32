// libFuzzer target: reading a config file (sched::load_config and
// sched::validate_config).
//
// The config API reads files only, so each input is written to one file in
// a private temporary folder (mode 0600, in $TMPDIR) and read from there.
// $HOME is fixed so that `~` expands the same way on every run.
//
// Properties:
//  - validate_config returns lines `FILE:LINE:COLUMN: message`, one problem
//    each (no control character inside: the file's are escaped), ordered by
//    position; nothing escapes;
//  - load_config succeeds exactly when that list is empty, and otherwise
//    throws Error(invalid_config) whose text is those lines joined by '\n';
//  - a config it returns holds only valid values: schedules that parse,
//    zones that exist, names that follow the rule, limits in range, absolute
//    workdirs.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz_check.h"
#include "sched/config.h"
#include "sched/cron.h"
#include "sched/error.h"
#include "sched/job.h"
#include "sched/zone.h"

namespace {

namespace fs = std::filesystem;

// The file every input is written to, open for writing for the whole run.
class InputFile {
 public:
  InputFile() {
    const char* tmp = std::getenv("TMPDIR");
    std::string folder = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/sched-config-fuzz.XXXXXX";
    if (mkdtemp(folder.data()) == nullptr) sched_fuzz::fail("mkdtemp " + folder);
    folder_ = folder;
    path_ = folder_ / "sched.toml";
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) sched_fuzz::fail("cannot create " + path_.string());
  }
  ~InputFile() {
    ::close(fd_);
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const fs::path& path() const { return path_; }

  void write(std::string_view text) {
    if (::ftruncate(fd_, 0) != 0) sched_fuzz::fail("ftruncate " + path_.string());
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
      if (n <= 0) sched_fuzz::fail("pwrite " + path_.string());
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  fs::path folder_;
  fs::path path_;
  int fd_ = -1;
};

// LINE and COLUMN of a `FILE:LINE:COLUMN: message` line, after checking its form.
std::tuple<unsigned, unsigned> position(const std::string& line, const std::string& file) {
  SCHED_FUZZ_CHECK(line.starts_with(file + ":"), "problem line without the file name: " + line);
  SCHED_FUZZ_CHECK(std::none_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }),
                   "problem line with a control character (one line, escapes): " + line);
  const char* p = line.data() + file.size() + 1;
  const char* const end = line.data() + line.size();
  unsigned row = 0, column = 0;
  auto r = std::from_chars(p, end, row);
  SCHED_FUZZ_CHECK(r.ec == std::errc{} && r.ptr < end && *r.ptr == ':', "problem line without LINE: " + line);
  r = std::from_chars(r.ptr + 1, end, column);
  SCHED_FUZZ_CHECK(r.ec == std::errc{} && std::string_view(r.ptr, static_cast<std::size_t>(end - r.ptr)).starts_with(": "),
                   "problem line without COLUMN: " + line);
  SCHED_FUZZ_CHECK(row >= 1 && column >= 1, "problem line at no position: " + line);
  return {row, column};
}

void check_valid(const sched::Config& config) {
  const sched::SchedulerSettings& s = config.scheduler;
  SCHED_FUZZ_CHECK(s.default_max_missed_runs >= 0, "negative default_max_missed_runs loaded");
  SCHED_FUZZ_CHECK(s.max_concurrent >= 1, "max_concurrent below 1 loaded");
  SCHED_FUZZ_CHECK(s.save_interval.count() > 0 && s.shutdown_grace.count() > 0, "a duration <= 0 loaded");
  SCHED_FUZZ_CHECK(!s.shell.empty(), "an empty shell loaded");
  SCHED_FUZZ_CHECK(s.log_format == "text" || s.log_format == "json", "log_format " + s.log_format + " loaded");
  SCHED_FUZZ_CHECK(!s.state_file || s.state_file->is_absolute(), "a relative state_file loaded");
  for (const sched::JobDefinition& job : config.jobs) {
    const std::string what = "job \"" + job.name + "\" loaded with ";
    try {
      sched::validate_job_name(job.name);
      sched::CronExpr::parse(job.schedule);
      if (job.timezone) sched::Zone::locate(*job.timezone);
    } catch (const sched::Error& e) {
      sched_fuzz::fail(what + e.what());
    }
    SCHED_FUZZ_CHECK(!job.command.empty(), what + "an empty command");
    SCHED_FUZZ_CHECK(!job.max_missed_runs || *job.max_missed_runs >= 0, what + "negative max_missed_runs");
    SCHED_FUZZ_CHECK(!job.catch_up_window || job.catch_up_window->count() > 0, what + "catch_up_window <= 0");
    SCHED_FUZZ_CHECK(!job.timeout || job.timeout->count() > 0, what + "timeout <= 0");
    SCHED_FUZZ_CHECK(job.workdir && job.workdir->is_absolute(), what + "no absolute workdir");
    SCHED_FUZZ_CHECK(job.line >= 1, what + "no line");
    for (const auto& [name, value] : job.env) {
      SCHED_FUZZ_CHECK(!name.empty() && name.find('=') == std::string::npos, what + "env name \"" + name + "\"");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  ::setenv("HOME", "/home/fuzz", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static InputFile input;
  input.write(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string file = input.path().string();

  std::vector<std::string> problems;
  try {
    problems = sched::validate_config(input.path());
  } catch (const sched::Error& e) {
    sched_fuzz::fail(std::string("validate_config threw ") + sched::to_string(e.code()) + ": " + e.what());
  }
  std::tuple<unsigned, unsigned> last{0, 0};
  std::string joined;
  for (const std::string& line : problems) {
    const auto here = position(line, file);
    SCHED_FUZZ_CHECK(here >= last, "problems out of order at: " + line);
    last = here;
    joined += (joined.empty() ? "" : "\n") + line;
  }

  try {
    const sched::Config config = sched::load_config(input.path());
    SCHED_FUZZ_CHECK(problems.empty(), "load_config accepted what validate_config refused:\n" + joined);
    check_valid(config);
  } catch (const sched::Error& e) {
    SCHED_FUZZ_CHECK(e.code() == sched::ErrorCode::invalid_config,
                     std::string("load_config threw ") + sched::to_string(e.code()) + ": " + e.what());
    SCHED_FUZZ_CHECK(e.what() == joined, std::string("load_config's message:\n") + e.what() +
                                             "\nis not validate_config's lines:\n" + joined);
  }
  return 0;
}
