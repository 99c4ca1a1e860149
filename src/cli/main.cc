// certmint: CA-signed TLS identities for every node and client of a cluster.
// A thin layer: parse arguments, read passwords, call libcertmint, print.
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

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
    "  7  I/O error (reading or writing failed)";

int Main(int argc, char** argv) {
  CLI::App app{"certmint: a CA-signed TLS identity for every node and client of a cluster"};
  app.set_version_flag("--version", std::string("certmint ") + kVersion);
  app.require_subcommand(1);
  app.footer(kExitCodes);
  GlobalOptions global;
  app.add_flag("-v,--verbose", global.verbose, "Show OpenSSL's error details with errors");
  app.fallthrough();

  std::vector<std::pair<CLI::App*, Runner>> commands;
  auto add = [&](Runner r) { commands.emplace_back(app.get_subcommands({}).back(), std::move(r)); };
  add(RegisterCaCommands(&app, global));
  add(RegisterIssueCommand(&app, global));
  add(RegisterApplyCommand(&app, global));
  add(RegisterInspectCommand(&app, global));
  add(RegisterConvertCommand(&app, global));
  add(RegisterKeystoreCommands(&app, global));
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
      Status st = run();
      if (!st) {
        std::cerr << "certmint: error: " << st.error().ToString() << "\n";
        if (global.verbose && !st.error().openssl_detail().empty()) {
          std::cerr << "certmint: OpenSSL said:\n" << st.error().openssl_detail() << "\n";
        }
        return static_cast<int>(st.error().code());
      }
      return 0;
    }
  }
  return static_cast<int>(ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace certmint::cli

int main(int argc, char** argv) {
  try {
    return certmint::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "certmint: internal error: " << e.what() << "\n";
    return 1;
  }
}
