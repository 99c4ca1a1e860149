// certmint: CA-signed TLS identities for every node and client of a cluster.
// A thin layer: parse arguments, read passwords, call libcertmint, print.
#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/command_notes.h"
#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/discover.h"
#include "cli/flag_defaults.h"
#include "cli/passwords.h"
#include "core/error.h"
#include "core/json_value.h"
#include "identity/report.h"
#include "inventory/inventory.h"
#include "version.h"

namespace certmint::cli {

std::string JsonText(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}
namespace {
// Whether the command printed its --json document: an error after it (apply
// refused or failed, a file inspect could not read) is in that document, and
// a second document would break the one-document rule (docs/json.md).
bool json_document_printed = false;
}  // namespace

void PrintJson(const std::string& json) {
  std::cout << json << "\n";
  json_document_printed = true;
}
void PrintJson(const nlohmann::json& json) { PrintJson(JsonText(json)); }
void PrintResult(bool json, const std::string& json_value, const std::string& text) {
  if (json) {
    PrintJson(json_value);
  } else {
    std::cout << text;
  }
}
void PrintResult(bool json, const nlohmann::json& json_value, const std::string& text) {
  PrintResult(json, json ? JsonText(json_value) : std::string(), text);
}

void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, bool json, std::string_view verb) {
  PrintResult(json, IdentityReportJson(files, name, cert, key_spec, RoleOf(cert)),
              IdentityReportText(files, cert, key_spec, RoleOf(cert), verb));
}

namespace {

// Every flag of every command, as written on the command line, for
// RefuseSecretsOnArgv. On the way: global flags (--verbose) may come after
// the subcommand too, a repeatable flag given no times shows no default,
// and a path's type shows as FILE or DIR rather than TEXT.
std::set<std::string> PrepareFlags(CLI::App* a) {
  std::set<std::string> known;
  for (CLI::Option* opt : a->get_options()) {
    if (opt->get_default_str() == "[]") {
      opt->default_str("");
    }
    const std::string name = opt->get_name();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, "-file") == 0) {
      opt->type_name("FILE");
    } else if (name == "--dir" || name == "--root-dir") {
      opt->type_name("DIR");
    }
    for (const auto& n : opt->get_lnames()) known.insert("--" + n);
    for (const auto& n : opt->get_snames()) known.insert("-" + n);
  }
  for (CLI::App* sub : a->get_subcommands([](CLI::App*) { return true; })) {
    sub->fallthrough();
    known.merge(PrepareFlags(sub));
  }
  return known;
}

// --json among the arguments (before a "--"): known before the arguments
// parse, so that a parse error is JSON too.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return false;
    }
    if (arg == "--json") {
      return true;
    }
  }
  return false;
}

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
  app.footer(std::string(kExitCodes) +
             "\n\n`certmint` alone lists every command. Shell completion: source <(certmint "
             "completion bash) (or zsh). The manual: certmint man | man -l -");
  const std::set<std::string> known = PrepareFlags(&app);
  AddExitCodeFooters(&app);
  FlagDefaults defaults(&app);
  if (argc <= 1) {
    // Nothing asked: what there is to ask. Exit 2, as for any missing
    // command, so that `certmint $EMPTY` in a script does not pass.
    std::cout << CommandListText(app);
    return static_cast<int>(ErrorCode::kInvalidArgument);
  }
  // With --json, errors are JSON on stdout too (docs/json.md): a script
  // reads one stream whatever happened.
  const bool json = WantsJson(argc, argv);
  const auto fail = [&](const Error& e) {
    if (json && !json_document_printed) {
      PrintJson(ErrorJson(e));
    }
    std::cerr << "certmint: error: " << e.ToString() << "\n";
    if (global.verbose && !e.openssl_detail().empty()) {
      std::cerr << "certmint: OpenSSL said:\n" << e.openssl_detail() << "\n";
    }
    return static_cast<int>(e.code());
  };
  if (Status st = RefuseSecretsOnArgv({argv + 1, argv + argc}, known); !st) {
    return fail(st.error());
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    defaults.RestoreRequired();
    if (e.get_exit_code() == 0) {
      return app.exit(e);  // --help, --version
    }
    if (json) {
      PrintJson(ErrorJson(Error(ErrorCode::kInvalidArgument, ParseErrorLine(app, e))));
    }
    std::cerr << ParseErrorText(app, e);
    return static_cast<int>(ErrorCode::kInvalidArgument);
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
