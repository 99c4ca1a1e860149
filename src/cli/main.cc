// certmint: CA-signed TLS identities for every node and client of a cluster.
// A thin layer: parse arguments, read passwords, call libcertmint, print.
#include <CLI/CLI.hpp>
#include <csignal>
#include <functional>
#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "version.h"

namespace certmint::cli {

void PrintJson(const std::string& json) { std::cout << json << "\n"; }

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
    "  8  refused by the CA service (token, certificate or request not accepted; CA pin mismatch)";

int Main(int argc, char** argv) {
  CLI::App app{"certmint: a CA-signed TLS identity for every node and client of a cluster"};
  app.set_version_flag("--version", std::string("certmint ") + kVersion);
  app.require_subcommand(1);
  app.footer(kExitCodes);
  GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbose, "Show OpenSSL's error details with errors");
  app.fallthrough();

  // Each Register* call adds one or more subcommands; its runner serves all
  // of them.
  std::vector<std::pair<CLI::App*, Runner>> commands;
  for (auto* reg : {RegisterCaCommands, RegisterIssueCommand, RegisterApplyCommand,
                    RegisterLifecycleCommands, RegisterCsrCommands, RegisterInspectCommand,
                    RegisterConvertCommand, RegisterKeystoreCommands, RegisterVerifyCommands,
                    RegisterProbeCommand, RegisterServiceCommands}) {
    const size_t before = app.get_subcommands({}).size();
    Runner run = reg(&app, global);
    auto subs = app.get_subcommands({});
    for (size_t i = before; i < subs.size(); ++i) {
      commands.emplace_back(subs[i], run);
    }
  }
  // Let global flags (--verbose) come after the subcommand too.
  std::function<void(CLI::App*)> fall = [&](CLI::App* a) {
    for (auto* sub : a->get_subcommands({})) {
      sub->fallthrough();
      fall(sub);
    }
  };
  fall(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : static_cast<int>(ErrorCode::kInvalidArgument);
  }

  for (auto& [sub, run] : commands) {
    if (sub->parsed()) {
      Result<int> rc = run();
      if (!rc) {
        std::cerr << "certmint: error: " << rc.error().ToString() << "\n";
        if (global.verbose && !rc.error().openssl_detail().empty()) {
          std::cerr << "certmint: OpenSSL said:\n" << rc.error().openssl_detail() << "\n";
        }
        return static_cast<int>(rc.error().code());
      }
      return *rc;
    }
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
