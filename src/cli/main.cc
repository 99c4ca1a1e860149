// certmint: CA-signed TLS identities for every node and client of a cluster.
// A thin layer: parse arguments, read passwords, call libcertmint, print.
// What every command shares (help, did-you-mean, flag defaults, output) is
// src/cmdline's, done once over the CLI11 tree.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <map>
#include <set>

#include "cli/command_notes.h"
#include "cli/commands.h"
#include "cli/flag_defaults.h"
#include "cli/passwords.h"
#include "cmdline/command_tree.h"
#include "cmdline/discover.h"
#include "cmdline/flag_defaults.h"
#include "cmdline/output.h"
#include "core/error.h"
#include "identity/report.h"
#include "inventory/inventory.h"
#include "version.h"

namespace certmint::cli {

void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, bool json, std::string_view verb) {
  PrintResult(json, IdentityReportJson(files, name, cert, key_spec, RoleOf(cert)),
              IdentityReportText(files, cert, key_spec, RoleOf(cert), verb));
}

namespace {

constexpr const char* kHelpFooter =
    "\n\n`certmint` alone lists every command. Shell completion: source <(certmint "
    "completion bash) (or zsh). The manual: certmint man | man -l -";
constexpr const char* kCommandListEpilogue =
    "\nGlobal flags: -v/--verbose (OpenSSL's details with errors), --version, --help.\n"
    "Shell completion: source <(certmint completion bash), or zsh; the manual: certmint man.\n";

// Every command, with the runner that serves it: each Register* call adds
// one or more subcommands, and its runner serves all of them.
std::map<CLI::App*, Runner> RegisterCommands(CLI::App* app, const GlobalOptions& global) {
  std::map<CLI::App*, Runner> commands;
  for (auto* reg : {RegisterCaCommands, RegisterIssueCommand, RegisterApplyCommand,
                    RegisterLifecycleCommands, RegisterCsrCommands, RegisterInspectCommand,
                    RegisterConvertCommand, RegisterKeystoreCommands, RegisterVerifyCommands,
                    RegisterProbeCommand, RegisterServiceCommands, RegisterDiscoveryCommands,
                    RegisterInventoryCommands, RegisterReportCommand}) {
    Runner run = reg(app, global);
    for (CLI::App* sub : app->get_subcommands({})) {
      commands.emplace(sub, run);  // the subcommands `reg` added (emplace keeps others)
    }
  }
  return commands;
}

int Main(int argc, char** argv) {
  CLI::App app{"certmint: a CA-signed TLS identity for every node and client of a cluster"};
  app.name("certmint");
  app.set_version_flag("--version", std::string("certmint ") + kVersion);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // --help shows every default
  GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbose, "Show OpenSSL's error details with errors");
  std::string inventory;  // the shared inventory (docs/high-availability.md)
  app.add_option("--inventory", inventory,
                 "The inventory: postgresql://USER@HOST/DB (no password), overriding "
                 "DIR/inventory.json and CERTMINT_INVENTORY");
  app.fallthrough();

  const std::map<CLI::App*, Runner> commands = RegisterCommands(&app, global);
  ApplyCommandNotes(&app);  // docs/commands: each command's notes and examples
  // Set after the commands, which would inherit it.
  app.footer(std::string(ExitCodeTable()) + kHelpFooter);
  const std::set<std::string> known = cmdline::PrepareFlags(&app, {"--dir", "--root-dir"});
  cmdline::AddExitCodeFooters(&app);
  cmdline::FlagDefaults defaults(&app, CertmintFlagDefaults());
  if (argc <= 1) {
    // Nothing asked: what there is to ask. Exit 2, as for any missing
    // command, so that `certmint $EMPTY` in a script does not pass.
    std::cout << cmdline::CommandListText(app, kCommandListEpilogue);
    return static_cast<int>(ErrorCode::kInvalidArgument);
  }
  // With --json, errors are JSON on stdout too (docs/json.md): a script
  // reads one stream whatever happened.
  const bool json = cmdline::WantsJson(argc, argv);
  const auto fail = [&](const Error& e) {
    return cmdline::ReportError(app.get_name(), e, json, global.verbose);
  };
  if (Status st = RefuseSecretsOnArgv({argv + 1, argv + argc}, known); !st) {
    return fail(st.error());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    defaults.RestoreRequired();
    return e.get_exit_code() == 0 ? app.exit(e)  // --help, --version
                                  : cmdline::ReportParseError(app, e, json);
  }
  if (!inventory.empty()) {
    SetInventoryOverride(inventory);
  }
  Status applied = defaults.Apply(std::cerr);
  defaults.RestoreRequired();  // for `certmint man`
  if (!applied) {
    return fail(applied.error());
  }
  for (CLI::App* sub : app.get_subcommands()) {  // the one given
    Result<int> rc = commands.at(sub)();
    return rc ? *rc : fail(rc.error());
  }
  return static_cast<int>(ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certmint::cli

int main(int argc, char** argv) {
  // A peer that closes a TLS connection must be an error to report, not a
  // signal that kills the process (probe, handshake).
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return certmint::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "certmint: internal error: " << e.what() << "\n";
    return 1;
  }
}
