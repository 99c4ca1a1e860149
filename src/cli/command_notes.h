// Each command's notes and examples, the text --help shows under the flags
// and the manual prints in the command's section. They are documentation,
// kept as such: docs/commands/renew.txt is `certmint renew`'s,
// docs/commands/ca/init.txt `certmint ca init`'s. The build embeds them
// (cmake/embed_command_notes.cmake), so the binary needs no file at run time.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string_view>

namespace certmint::cli {

// Command path without "certmint " ("ca init") -> its notes.
extern const std::map<std::string_view, std::string_view> kCommandNotes;

// Sets the footer of every command of `app` that has notes. Tests check that
// every command has notes and every notes file names a command
// (tests/e2e/command_notes_test.cc).
void ApplyCommandNotes(CLI::App* app);

}  // namespace certmint::cli
