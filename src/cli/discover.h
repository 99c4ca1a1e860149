// Finding one's way around the command line, from the CLI11 app tree alone
// (no command's file knows of it): the command list of a bare `certmint`,
// the exit codes in every command's --help, and "did you mean ...?" for a
// mistyped command or flag.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certmint::cli {

// The exit-code table of `certmint --help` (core/error.h's ErrorCode).
extern const char* const kExitCodes;

// The words that run `cmd`: "certmint ca init".
std::string CommandPath(const CLI::App& cmd);

// Hidden commands (group "") are left out of help, lists, completion and the
// manual.
bool IsHidden(const CLI::App& cmd);

// Every command a user runs (with no subcommand of its own), depth first, in
// registration order; hidden ones left out.
std::vector<const CLI::App*> LeafCommands(const CLI::App& app);

// What a bare `certmint` prints: each command with its one-line description.
std::string CommandListText(const CLI::App& app);

// Appends kExitCodes to the footer of every command that does not show it
// yet (a command whose own footer explains its particular codes keeps that
// explanation and gets the table below it).
void AddExitCodeFooters(CLI::App* app);

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of neighbours ("--dsn" is one from "--dns").
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if it is close enough to be what was
// meant (about one edit in three characters), or the only one `typed` is a
// prefix of.
std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& candidates);

// The error line for a failed parse (not for --help or --version), naming
// an unknown command or flag with "did you mean ...?" when one is close,
// and the --help to run. Values that followed an unknown flag are not
// echoed; what is echoed is escaped.
std::string ParseErrorText(CLI::App& app, const CLI::ParseError& e);
// The first line of ParseErrorText, without "certmint: error: " (for the
// error object of --json).
std::string ParseErrorLine(CLI::App& app, const CLI::ParseError& e);

}  // namespace certmint::cli
