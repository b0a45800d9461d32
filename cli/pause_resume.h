#pragma once
// What `sched pause` and `sched resume` share: the job names or --all, the
// check that every name exists before anything changes, and one write for
// all of them.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"

namespace sched::cli {

struct PauseResumeOptions {
  std::vector<std::string> names;
  bool all = false;
};

// Adds NAME... and --all to `app`; `verb` ("pause") goes into the help.
void add_pause_resume_options(CLI::App& app, PauseResumeOptions& options, const std::string& verb);

// Changes one job; returns the line to print for it and sets `changed` when
// it changed the record. `context` is there for the config's rules; `now` is
// the time of the write, read with the state lock held.
using JobChange =
    std::function<std::string(JobRecord& record, const Context& context, InstantMs now, bool& changed)>;

// Resolves the context, takes the state lock, merges the config's jobs (so
// that they can be paused before a runner wrote them), checks that every
// name exists (Error(job_not_found) naming them, nothing written), applies
// `change` to each named job (every job with --all), writes once if anything
// changed, and prints the lines. Usage error (exit 2) with neither names nor
// --all.
int change_jobs(const PauseResumeOptions& options, const GlobalOptions& globals, Io& io, const char* command,
                const JobChange& change);

}  // namespace sched::cli
