// certmint: CA-signed TLS identities for every node and client of a cluster.
// A thin layer: parse arguments, read passwords, call libcertmint, print.
#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "core/error.h"
#include "identity/report.h"
#include "version.h"

namespace certmint::cli {

std::string JsonText(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}
void PrintJson(const std::string& json) { std::cout << json << "\n"; }
void PrintJson(const nlohmann::json& json) { PrintJson(JsonText(json)); }
void PrintResult(bool json, const std::string& json_value, const std::string& text) {
  std::cout << (json ? json_value + "\n" : text);
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

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success\n"
    "  1  internal error (a bug: please report it)\n"
    "  2  invalid argument or usage (bad flag, key type, DN, host name, IP, password source)\n"
    "  3  not found (missing file or CA)\n"
    "  4  already exists (certmint never overwrites a CA or an identity)\n"
    "  5  wrong password, or a file failed its integrity check\n"
    "  6  invalid data (a file is malformed or unsupported)\n"
    "  7  I/O or network error (reading or writing failed, a server unreachable)\n"
    "  8  refused by the CA service (token, certificate or request not accepted; CA pin mismatch)\n"
    "  9  not safe yet (ca retire while identities still use the previous CA)";

int Main(int argc, char** argv) {
  CLI::App app{"certmint: a CA-signed TLS identity for every node and client of a cluster"};
  app.set_version_flag("--version", std::string("certmint ") + kVersion);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // --help shows every default
  app.footer(kExitCodes);
  GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbose, "Show OpenSSL's error details with errors");
  app.fallthrough();

  // Each Register* call adds one or more subcommands; its runner serves all
  // of them.
  std::map<CLI::App*, Runner> commands;
  for (auto* reg : {RegisterCaCommands, RegisterIssueCommand, RegisterApplyCommand,
                    RegisterLifecycleCommands, RegisterCsrCommands, RegisterInspectCommand,
                    RegisterConvertCommand, RegisterKeystoreCommands, RegisterVerifyCommands,
                    RegisterProbeCommand, RegisterServiceCommands}) {
    Runner run = reg(&app, global);
    for (CLI::App* sub : app.get_subcommands({})) {
      commands.emplace(sub, run);  // the subcommands `reg` added (emplace keeps others)
    }
  }
  // Global flags (--verbose) may come after the subcommand too; `known`
  // gets every flag any command has, as written on the command line.
  std::set<std::string> known;
  std::function<void(CLI::App*)> walk = [&](CLI::App* a) {
    for (CLI::Option* opt : a->get_options()) {
      if (opt->get_default_str() == "[]") {
        opt->default_str("");  // a repeatable flag given no times
      }
      for (const auto& n : opt->get_lnames()) known.insert("--" + n);
      for (const auto& n : opt->get_snames()) known.insert("-" + n);
    }
    for (auto* sub : a->get_subcommands({})) {
      sub->fallthrough();
      walk(sub);
    }
  };
  walk(&app);
  const auto fail = [&](const Error& e) {
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
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ErrorCode::kInvalidArgument);
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
