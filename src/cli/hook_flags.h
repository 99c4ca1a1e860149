// --exec and --exec-timeout, shared by renew, enroll and apply, and how a
// reload hook's outcome (identity/reload_hook.h) and other console text of
// the library are printed.
#pragma once

#include <CLI/CLI.hpp>

#include "core/console_text.h"
#include "identity/reload_hook.h"

namespace certmint::cli {

void AddReloadHookFlags(CLI::App* cmd, ReloadHookFlags* flags);

// Prints `text.out` on stdout and `text.err` on stderr, each flushed.
void PrintConsole(const ConsoleText& text);

// HookOutcomeConsoleText, printed.
void PrintHookOutcome(const HookOutcome& outcome, bool json);

}  // namespace certmint::cli
