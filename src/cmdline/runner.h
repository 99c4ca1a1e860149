// What runs a parsed command: each command's registration returns the
// function that runs it once parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "core/error.h"

namespace certmint::cmdline {

// Runs a parsed command: the process exit code, or an error (whose code
// becomes the exit code).
using Runner = std::function<Result<int>()>;

// For commands whose only outcomes are success or an error.
inline Runner FromStatus(std::function<Status()> f) {
  return [f = std::move(f)]() -> Result<int> {
    CM_RETURN_IF_ERROR(f());
    return 0;
  };
}

// A subcommand and what runs it.
struct Subcommand {
  CLI::App* app;
  Runner run;
};
// Runs whichever of `subcommands` was given on the command line.
inline Runner Dispatch(std::vector<Subcommand> subcommands) {
  return [subcommands = std::move(subcommands)]() -> Result<int> {
    for (const auto& s : subcommands) {
      if (s.app->parsed()) {
        return s.run();
      }
    }
    return MakeError(ErrorCode::kInvalidArgument, "no subcommand given");
  };
}

}  // namespace certmint::cmdline
