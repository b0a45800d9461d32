// `sched remove NAME`: the seed's stopJob, from the command line. A config
// job is the config file's to remove.

#include <algorithm>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "exit_codes.h"
#include "job_lookup.h"

namespace sched::cli {
namespace {

int run_remove(const std::string& name, const GlobalOptions& globals, Io& io) {
  const Context context = resolve_context(globals, io);
  make_store(context, io).update(
      [&](StateDocument& doc) {
        const JobRecord* record = doc.find(name);
        refuse_config_job(context, record, name);
        find_job(doc, name);
        std::erase_if(doc.jobs, [&](const JobRecord& job) { return job.name == name; });
        return true;
      },
      CorruptFile::refuse);
  io.out << "removed job " << name << "\n";
  return kExitOk;
}

}  // namespace

Command register_remove(CLI::App& root, const GlobalOptions& globals) {
  auto name = std::make_shared<std::string>();
  CLI::App* app = root.add_subcommand("remove", "Remove a job added with sched add, and its state");
  app->add_option("name", *name, "The job to remove")->type_name("NAME")->required();
  return {app, [name, &globals](Io& io) { return run_remove(*name, globals, io); }};
}

}  // namespace sched::cli
