// Walking and preparing a CLI11 app tree, whatever its commands: the words
// that run a command, the commands a user runs, and what every command's
// flags and --help get once all commands are registered.
#pragma once

#include <CLI/CLI.hpp>
#include <set>
#include <string>
#include <vector>

namespace certmint::cmdline {

// The words that run `cmd`, from the program's name: "certmint ca init".
std::string CommandPath(const CLI::App& cmd);

// Hidden commands (group "") are left out of help, lists, completion and the
// manual.
bool IsHidden(const CLI::App& cmd);

// `app`'s own subcommands that are not hidden, in registration order.
std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app);

// Every command a user runs (with no subcommand of its own), depth first, in
// registration order; hidden ones left out.
std::vector<const CLI::App*> LeafCommands(const CLI::App& app);

// Every flag of every command, as written on the command line ("--dir",
// "-v"). On the way: the commands' parents' flags may come after them too
// (fallthrough), a repeatable flag given no times shows no default, and a
// flag's value shows as FILE when its name ends in "-file", as DIR when
// `dir_flags` names it, rather than TEXT.
std::set<std::string> PrepareFlags(CLI::App* app, const std::set<std::string>& dir_flags);

// Appends core/error.h's ExitCodeTable to the footer of every command that
// does not show it yet (a command whose own footer explains its particular
// codes keeps that explanation and gets the table below it).
void AddExitCodeFooters(CLI::App* app);

}  // namespace certmint::cmdline
