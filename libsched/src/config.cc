// The adapter between toml++ and the config structs: the one file that sees
// toml++ types. Each problem is recorded with its position and the check goes
// on, so that `sched validate` reports them all.

#include "sched/config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <tuple>

#include <toml++/toml.h>

#include "file_checks.h"
#include "file_lock.h"
#include "one_line.h"
#include "sched/cron.h"
#include "sched/error.h"
#include "sched/job.h"
#include "sched/zone.h"

namespace sched {
namespace {

namespace fs = std::filesystem;

const char* describe(toml::node_type type) {
  switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "a value";
}

struct Problem {
  std::uint32_t line;
  std::uint32_t column;
  std::string message;
};

// Reads one file's tables into a Config, collecting every problem.
class Reader {
 public:
  explicit Reader(fs::path folder) : folder_(std::move(folder)) {}

  std::vector<Problem>& problems() { return problems_; }

  void report(const toml::source_region& where, std::string message) {
    problems_.push_back({where.begin.line, where.begin.column, std::move(message)});
  }

  void read(const toml::table& root, Config& config) {
    for (auto&& [key, node] : root) {
      if (key == "scheduler") {
        if (const toml::table* table = expect_table(node, "scheduler")) read_scheduler(*table, config.scheduler);
      } else if (key == "jobs") {
        if (const toml::table* table = expect_table(node, "jobs")) read_jobs(*table, config.jobs);
      } else {
        report(key.source(), "unknown key \"" + std::string(key.str()) + "\" (expected [scheduler] or [jobs.NAME])");
      }
    }
  }

 private:
  const toml::table* expect_table(const toml::node& node, const std::string& path) {
    if (const toml::table* table = node.as_table()) return table;
    report(node.source(), path + ": expected a table, found " + describe(node.type()));
    return nullptr;
  }

  // The value of `node` as T, or empty after reporting the wrong type.
  template <typename T>
  std::optional<T> get(const toml::node& node, const std::string& path, const char* expected) {
    if (auto value = node.value_exact<T>()) return *value;
    report(node.source(), path + ": expected " + expected + ", found " + describe(node.type()));
    return std::nullopt;
  }

  std::optional<std::string> get_string(const toml::node& node, const std::string& path) {
    return get<std::string>(node, path, "a string");
  }
  std::optional<std::string> get_nonempty_string(const toml::node& node, const std::string& path) {
    auto text = get_string(node, path);
    if (text && text->empty()) {
      report(node.source(), path + ": must not be empty");
      return std::nullopt;
    }
    return text;
  }
  std::optional<bool> get_bool(const toml::node& node, const std::string& path) {
    return get<bool>(node, path, "a boolean");
  }

  std::optional<int> get_int(const toml::node& node, const std::string& path, std::int64_t min) {
    const auto value = get<std::int64_t>(node, path, "an integer");
    if (!value) return std::nullopt;
    if (*value < min) {
      report(node.source(), path + ": must be at least " + std::to_string(min) + ", found " + std::to_string(*value));
      return std::nullopt;
    }
    if (*value > std::numeric_limits<int>::max()) {
      report(node.source(), path + ": must be at most " + std::to_string(std::numeric_limits<int>::max()) +
                                ", found " + std::to_string(*value));
      return std::nullopt;
    }
    return static_cast<int>(*value);
  }

  // Runs `parse` on the string value; an Error it throws becomes a problem.
  template <typename T>
  std::optional<T> get_parsed(const toml::node& node, const std::string& path,
                              const std::function<T(const std::string&)>& parse) {
    const auto text = get_string(node, path);
    if (!text) return std::nullopt;
    try {
      return parse(*text);
    } catch (const Error& e) {
      report(node.source(), path + ": " + e.what());
      return std::nullopt;
    }
  }

  std::optional<std::chrono::milliseconds> get_duration(const toml::node& node, const std::string& path) {
    return get_parsed<std::chrono::milliseconds>(node, path,
                                                 [](const std::string& s) { return parse_duration(s); });
  }

  std::optional<std::string> get_zone(const toml::node& node, const std::string& path) {
    return get_parsed<std::string>(node, path, [](const std::string& s) {
      if (!s.empty()) Zone::locate(s);
      return s;
    });
  }

  // `~` and `~/...` from $HOME; a relative path from the config's folder.
  std::optional<fs::path> get_path(const toml::node& node, const std::string& path) {
    auto text = get_nonempty_string(node, path);
    if (!text) return std::nullopt;
    if (*text == "~" || text->starts_with("~/")) {
      const char* home = std::getenv("HOME");
      if (home == nullptr || *home == '\0') {
        report(node.source(), path + ": cannot expand \"~\": HOME is not set");
        return std::nullopt;
      }
      text->replace(0, 1, home);
    }
    return (folder_ / fs::path(*text)).lexically_normal();
  }

  void unknown(const toml::key& key, const std::string& table) {
    report(key.source(), "unknown key \"" + std::string(key.str()) + "\" in [" + table + "]");
  }

  void read_scheduler(const toml::table& table, SchedulerSettings& s) {
    for (auto&& [key, node] : table) {
      const std::string path = "scheduler." + std::string(key.str());
      if (key == "state_file") {
        if (auto v = get_path(node, path)) s.state_file = *v;
      } else if (key == "timezone") {
        if (auto v = get_zone(node, path)) s.timezone = *v;
      } else if (key == "default_catch_up") {
        if (auto v = get_bool(node, path)) s.default_catch_up = *v;
      } else if (key == "default_max_missed_runs") {
        if (auto v = get_int(node, path, 0)) s.default_max_missed_runs = *v;
      } else if (key == "save_interval") {
        if (auto v = get_duration(node, path)) s.save_interval = *v;
      } else if (key == "shutdown_grace") {
        if (auto v = get_duration(node, path)) s.shutdown_grace = *v;
      } else if (key == "shell") {
        if (auto v = get_nonempty_string(node, path)) s.shell = *v;
      } else if (key == "max_concurrent") {
        if (auto v = get_int(node, path, 1)) s.max_concurrent = *v;
      } else if (key == "log_format") {
        auto v = get_string(node, path);
        if (v && *v != "text" && *v != "json") {
          report(node.source(), path + ": must be \"text\" or \"json\", found \"" + *v + "\"");
        } else if (v) {
          s.log_format = *v;
        }
      } else {
        unknown(key, "scheduler");
      }
    }
  }

  void read_jobs(const toml::table& jobs, std::vector<JobDefinition>& out) {
    std::vector<std::pair<toml::source_position, JobDefinition>> found;
    for (auto&& [key, node] : jobs) {
      const std::string name(key.str());
      const toml::table* table = expect_table(node, "jobs." + name);
      if (table == nullptr) continue;
      JobDefinition job;
      job.name = name;
      job.line = table->source().begin.line;
      job.workdir = folder_;
      try {
        validate_job_name(name);
      } catch (const Error& e) {
        report(key.source(), e.what());
      }
      read_job(*table, job);
      found.emplace_back(key.source().begin, std::move(job));
    }
    // toml::table keeps its keys sorted; the file's order is the keys' positions.
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.line, a.first.column) < std::tie(b.first.line, b.first.column);
    });
    for (auto& entry : found) out.push_back(std::move(entry.second));
  }

  void read_job(const toml::table& table, JobDefinition& job) {
    const std::string prefix = "jobs." + job.name;
    bool has_schedule = false;
    bool has_command = false;
    for (auto&& [key, node] : table) {
      const std::string path = prefix + "." + std::string(key.str());
      if (key == "schedule") {
        has_schedule = true;
        if (auto v = get_parsed<std::string>(node, path, [](const std::string& s) {
              CronExpr::parse(s);
              return s;
            })) {
          job.schedule = *v;
        }
      } else if (key == "command") {
        has_command = true;
        if (auto v = get_nonempty_string(node, path)) job.command = *v;
      } else if (key == "timezone") {
        if (auto v = get_zone(node, path); v && !v->empty()) job.timezone = *v;
      } else if (key == "catch_up") {
        if (auto v = get_bool(node, path)) job.catch_up = *v;
      } else if (key == "max_missed_runs") {
        if (auto v = get_int(node, path, 0)) job.max_missed_runs = *v;
      } else if (key == "catch_up_window") {
        if (auto v = get_duration(node, path)) job.catch_up_window = *v;
      } else if (key == "protect") {
        if (auto v = get_bool(node, path)) job.protect = *v;
      } else if (key == "timeout") {
        if (auto v = get_duration(node, path)) job.timeout = *v;
      } else if (key == "workdir") {
        if (auto v = get_path(node, path)) job.workdir = *v;
      } else if (key == "env") {
        if (const toml::table* env = expect_table(node, path)) read_env(*env, path, job.env);
      } else if (key == "day_match") {
        if (auto v = get_parsed<DayMatch>(node, path, [](const std::string& s) { return parse_day_match(s); }))
          job.options.day_match = *v;
      } else if (key == "dst_gap") {
        if (auto v = get_parsed<DstGap>(node, path, [](const std::string& s) { return parse_dst_gap(s); }))
          job.options.dst_gap = *v;
      } else if (key == "dst_repeat") {
        if (auto v = get_parsed<DstRepeat>(node, path, [](const std::string& s) { return parse_dst_repeat(s); }))
          job.options.dst_repeat = *v;
      } else if (key == "enabled") {
        if (auto v = get_bool(node, path)) job.enabled = *v;
      } else {
        unknown(key, prefix);
      }
    }
    if (!has_schedule) report(table.source(), prefix + ": missing schedule");
    if (!has_command) report(table.source(), prefix + ": missing command");
  }

  void read_env(const toml::table& env, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (auto&& [key, node] : env) {
      const std::string name(key.str());
      if (name.empty() || name.find('=') != std::string::npos) {
        report(key.source(), prefix + ": invalid variable name \"" + name + "\" (empty or with '=')");
        continue;
      }
      if (auto v = get_string(node, prefix + "." + name)) out[name] = *v;
    }
  }

  fs::path folder_;
  std::vector<Problem> problems_;
};

// 10,000 jobs take about 2 MB; a bigger file is not a config.
constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;

// The config decides what runs, so it is read only when it is a regular file
// that this user or root owns and nobody else may write (file_checks.h);
// a refusal is invalid_config (exit 2): the file is bad input until chmod or
// chown fixes it. A symbolic link is followed and the file it points to is
// checked: sched never writes the config, and dotfile managers link it.
// O_CLOEXEC: no command another thread starts meanwhile inherits it;
// O_NONBLOCK: a FIFO in its place does not block the open.
std::string read_file(const fs::path& file) {
  const detail::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) throw Error(ErrorCode::invalid_config, file.string() + ": no such file");
    throw Error(ErrorCode::io, file.string() + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error(ErrorCode::io, file.string() + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error(ErrorCode::io, file.string() + ": " + std::strerror(EISDIR));
  if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::invalid_config, file.string() + ": not a regular file");
  detail::refuse_untrusted(file, st, ErrorCode::invalid_config);
  std::optional<detail::ByteBuffer> text =
      st.st_size > static_cast<off_t>(kMaxConfigBytes)
          ? std::nullopt
          : detail::read_at_most(fd.get(), kMaxConfigBytes, file.string(), static_cast<std::size_t>(st.st_size));
  if (!text) {
    throw Error(ErrorCode::invalid_config, file.string() + ": the file is larger than " +
                                               std::to_string(kMaxConfigBytes) + " bytes, the most a config may have");
  }
  return std::string(text->view());
}

// The config and every problem, one `FILE:LINE:COLUMN: message` line each.
std::pair<Config, std::vector<std::string>> check(const fs::path& file) {
  const std::string text = read_file(file);
  const std::string name = file.string();
  auto where = [&name](std::uint32_t line, std::uint32_t column) {
    return name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  };
  Config config;
  config.file = file;
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return {config, {where(e.source().begin.line, e.source().begin.column) + detail::one_line(e.description())}};
  }
  Reader reader(fs::absolute(file).parent_path());
  reader.read(root, config);
  auto& problems = reader.problems();
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::vector<std::string> lines;
  for (const Problem& p : problems) lines.push_back(where(p.line, p.column) + detail::one_line(p.message));
  return {std::move(config), std::move(lines)};
}

}  // namespace

Config load_config(const fs::path& file) {
  auto [config, problems] = check(file);
  if (problems.empty()) return std::move(config);
  std::string message;
  for (const std::string& line : problems) {
    if (!message.empty()) message += '\n';
    message += line;
  }
  throw Error(ErrorCode::invalid_config, message);
}

std::vector<std::string> validate_config(const fs::path& file) { return check(file).second; }

}  // namespace sched
