// The CLI's subcommands. Each Register* adds a subcommand to the app and
// returns the function that runs it once parsing succeeded.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "core/error.h"

namespace certmint::cli {

struct GlobalOptions {
  bool verbose = false;
};

using Runner = std::function<Status()>;

Runner RegisterCaCommands(CLI::App* app, const GlobalOptions& global);
Runner RegisterIssueCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterInspectCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterConvertCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterKeystoreCommands(CLI::App* app, const GlobalOptions& global);
Runner RegisterApplyCommand(CLI::App* app, const GlobalOptions& global);

// Prints a JSON value or text to stdout.
void PrintJson(const std::string& json);

}  // namespace certmint::cli
