// Finding one's way around a command line, from its CLI11 app tree alone:
// the command list of the bare program and "did you mean ...?" for a
// mistyped command or flag.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certmint::cmdline {

// What the bare program prints: its description, the usage line, each
// command with its one-line description, then `epilogue`.
std::string CommandListText(const CLI::App& app, std::string_view epilogue);

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of neighbours ("--dsn" is one from "--dns").
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if it is close enough to be what was
// meant (about one edit in three characters), or the only one `typed` is a
// prefix of.
std::optional<std::string> ClosestName(std::string_view typed,
                                       const std::vector<std::string>& candidates);

// The error lines for a failed parse of `app` (not for --help or --version):
// "PROGRAM: error: ", the line naming an unknown command or flag with "did
// you mean ...?" when one is close, and the --help to run. Values that
// followed an unknown flag are not echoed; what is echoed is escaped.
std::string ParseErrorText(CLI::App& app, const CLI::ParseError& e);
// The error line of ParseErrorText, without "PROGRAM: error: " (for the
// error object of --json).
std::string ParseErrorLine(CLI::App& app, const CLI::ParseError& e);

}  // namespace certmint::cmdline
