// The program's manual page, man(7) format, written from the CLI11 app tree
// (every command with its flags, notes and examples) and the sections only
// the program can write.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace certmint::cmdline {

// What the page says that the app tree does not. Each is roff text as it
// goes on the page (ManPage escapes none of it).
struct ManPageSections {
  std::string_view version = {};      // shown in the page's title line (escaped)
  std::string_view description = {};  // the DESCRIPTION paragraph
  std::string_view environment = {};  // ENVIRONMENT: .TP entries
  std::string_view files = {};        // FILES: .TP entries
  std::string_view see_also = {};     // SEE ALSO
};

// PROGRAM(1): NAME (the app's description after "PROGRAM: "), SYNOPSIS,
// DESCRIPTION, GLOBAL FLAGS, COMMANDS (each command a user runs, hidden ones
// left out), EXIT STATUS (core/error.h's ExitCodeTable, which the commands'
// sections leave out), ENVIRONMENT, FILES, SEE ALSO.
std::string ManPage(const CLI::App& app, const ManPageSections& sections);

}  // namespace certmint::cmdline
