#include "cli/command_notes.h"

#include <string>

namespace certmint::cli {
namespace {

void ApplyTo(CLI::App* cmd, const std::string& path) {
  if (const auto notes = kCommandNotes.find(path); notes != kCommandNotes.end()) {
    cmd->footer(std::string(notes->second));
  }
  for (CLI::App* sub : cmd->get_subcommands([](CLI::App*) { return true; })) {
    ApplyTo(sub, path.empty() ? sub->get_name() : path + " " + sub->get_name());
  }
}

}  // namespace

void ApplyCommandNotes(CLI::App* app) { ApplyTo(app, ""); }

}  // namespace certmint::cli
