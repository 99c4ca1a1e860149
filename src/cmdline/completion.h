// Shell completion (bash, zsh) written from the very CLI11 definitions the
// parser uses, so that it cannot drift from the flags. The scripts are for
// the program `app` names; `printed_by` is the command that prints each
// ("certmint completion bash"), which its first lines tell how to load.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace certmint::cmdline {

// A bash script defining _PROGRAM and `complete -F _PROGRAM PROGRAM`: it
// completes command names, each command's flags, and file names elsewhere.
std::string BashCompletion(const CLI::App& app, std::string_view printed_by);

// A zsh completion function (#compdef PROGRAM) with the commands' and the
// flags' descriptions; it works sourced after compinit or from $fpath.
std::string ZshCompletion(const CLI::App& app, std::string_view printed_by);

}  // namespace certmint::cmdline
