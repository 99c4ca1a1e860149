// What a command prints: its result as text, or with --json as one JSON
// document on stdout (docs/json.md), and its error. The only place besides
// the commands that writes to stdout and stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace certmint::cmdline {

// `json` indented, invalid UTF-8 replaced.
std::string JsonText(const nlohmann::json& json);

// Prints JSON text, or a JSON value (JsonText), to stdout: the command's
// one JSON document.
void PrintJson(const std::string& json);
void PrintJson(const nlohmann::json& json);
// Prints `json_value` with --json, else `text`.
void PrintResult(bool json, const std::string& json_value, const std::string& text);
void PrintResult(bool json, const nlohmann::json& json_value, const std::string& text);

// Whether PrintJson printed the command's document: an error after it (apply
// refused or failed, a file inspect could not read) is in that document, and
// a second document would break the one-document rule.
bool JsonDocumentPrinted();

// --json among the arguments (before a "--"): known before the arguments
// parse, so that a parse error is JSON too.
bool WantsJson(int argc, char** argv);

// Reports a command's error: with `json`, core/json_value.h's ErrorJson on
// stdout (unless the command printed its document); "PROGRAM: error: ..."
// on stderr, with OpenSSL's details when `verbose`. Returns the exit code.
int ReportError(std::string_view program, const Error& e, bool json, bool verbose);

// Reports a failed parse of `app` (not --help or --version): with `json`,
// the error document of ParseErrorLine on stdout; ParseErrorText on stderr.
// Returns the exit code (kInvalidArgument).
int ReportParseError(CLI::App& app, const CLI::ParseError& e, bool json);

}  // namespace certmint::cmdline
