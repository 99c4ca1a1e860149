// Shell completion (bash, zsh) and the manual page, generated from the very
// CLI11 definitions the parser uses, so that neither can drift from the
// flags: `certmint completion bash|zsh` and `certmint man` (hidden
// commands; the build installs their output).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "cli/commands.h"

namespace certmint::cli {

// A bash script defining _certmint and `complete -F _certmint certmint`: it
// completes command names, each command's flags, and file names elsewhere.
std::string BashCompletion(const CLI::App& app);

// A zsh completion function (#compdef certmint) with the commands' and the
// flags' descriptions; it works sourced after compinit or from $fpath.
std::string ZshCompletion(const CLI::App& app);

// certmint(1) in man(7) format: every command with its flags, notes and
// examples, the exit codes, the environment and certmint.yaml.
std::string ManPage(const CLI::App& app, std::string_view version);

// Adds the hidden `completion SHELL` and `man` commands, which print the
// above for the whole of `app`.
Runner RegisterDiscoveryCommands(CLI::App* app, const GlobalOptions& global);

}  // namespace certmint::cli
