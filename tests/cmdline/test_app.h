// A small CLI11 app tree of no real program, for the cmdline tests: the
// machinery must work on any tree, not only certmint's.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace certmint::cmdline {

// "tool": `tool ca init --dir DIR --key-file F`, `tool ca rotate`, `tool issue --dns X
// --out DIR --key-file F`, and the hidden `tool secret`.
struct TestApp {
  TestApp() {
    app.name("tool");
    app.add_flag("-v,--verbose", verbose, "Say more");
    CLI::App* ca = app.add_subcommand("ca", "The authority");
    ca->require_subcommand(1);
    CLI::App* init = ca->add_subcommand("init", "Create a CA");
    init->add_option("--dir", dir, "The CA's directory")->required();
    init->add_option("--key-file", ca_key_file, "The CA key: a file");
    ca->add_subcommand("rotate", "Rotate the CA's key");
    issue = app.add_subcommand("issue", "Issue a certificate\nmore lines");
    issue->add_option("--dns", dns, "A DNS name [SAN]");
    issue->add_option("--out", out, "Where the files go");
    issue->add_option("--key-file", key_file, "The key: a file");
    issue->add_flag("--dry-run", dry_run, "Only say what would be done");
    CLI::App* secret = app.add_subcommand("secret", "Not listed");
    secret->group("");
  }

  CLI::App app{"tool: a program to test with"};
  CLI::App* issue = nullptr;
  bool verbose = false;
  bool dry_run = false;
  std::string dir, ca_key_file, out, key_file;
  std::vector<std::string> dns;
};

// Parses `args` (after the program's name) into `app`; the ParseError, if
// any.
inline std::unique_ptr<CLI::ParseError> ParseArgs(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return std::make_unique<CLI::ParseError>(e);
  }
  return nullptr;
}

}  // namespace certmint::cmdline
