#include "cli/hook_flags.h"

#include <iostream>

namespace certmint::cli {

void AddReloadHookFlags(CLI::App* cmd, ReloadHookFlags* flags) {
  cmd->add_option("--exec", flags->exec,
                  "Run CMD (with /bin/sh -c) after an identity was replaced, with "
                  "CERTMINT_IDENTITY, CERTMINT_DIR, CERTMINT_SERIAL... in its environment; a "
                  "failure is reported and retried at the next run (docs/renewal.md)");
  cmd->add_option("--exec-timeout", flags->timeout_seconds,
                  "Seconds --exec may run before it is killed and counted as failed (default 60)");
}

void PrintConsole(const ConsoleText& text) {
  if (!text.out.empty()) {
    std::cout << text.out << std::flush;
  }
  if (!text.err.empty()) {
    std::cerr << text.err << std::flush;
  }
}

void PrintHookOutcome(const HookOutcome& outcome, bool json) {
  PrintConsole(HookOutcomeConsoleText(outcome, json));
}

}  // namespace certmint::cli
