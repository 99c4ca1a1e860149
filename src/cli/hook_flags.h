// --exec and --exec-timeout, shared by renew, enroll and apply, and how a
// reload hook's outcome is printed (identity/reload_hook.h).
#pragma once

#include <CLI/CLI.hpp>

#include "identity/reload_hook.h"

namespace certmint::cli {

void AddReloadHookFlags(CLI::App* cmd, ReloadHookFlags* flags);

// A success on stdout (not with --json, whose document carries it), a
// failure on stderr always.
void PrintHookOutcome(const HookOutcome& outcome, bool json);

}  // namespace certmint::cli
