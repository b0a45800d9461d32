// `sched pause NAME... | --all`: no more fires until `sched resume`; the
// job's state stays.

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "pause_resume.h"

namespace sched::cli {

Command register_pause(CLI::App& root, const GlobalOptions& globals) {
  auto o = std::make_shared<PauseResumeOptions>();
  CLI::App* app = root.add_subcommand("pause", "Stop scheduling jobs until sched resume (their state stays)");
  add_pause_resume_options(*app, *o, "pause");
  return {app, [o, &globals](Io& io) {
            const JobChange pause_one = [](JobRecord& record, const Context&, InstantMs, bool& changed) {
              if (!record.enabled) return "job " + record.name + " was already paused";
              record.enabled = false;
              record.next_run.reset();
              changed = true;
              return "paused job " + record.name;
            };
            return change_jobs(*o, globals, io, "pause", pause_one);
          }};
}

}  // namespace sched::cli
