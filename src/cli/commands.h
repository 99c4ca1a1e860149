// The CLI's subcommands. Each Register* adds a subcommand to the app and
// returns the function that runs it once parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "core/error.h"
#include "identity/files.h"

namespace certmint::cli {

struct GlobalOptions {
  bool verbose = false;
};

// Runs a parsed subcommand: the process exit code, or an error (whose code
// becomes the exit code).
using Runner = std::function<Result<int>()>;

// For commands whose only outcomes are success or an error.
inline Runner FromStatus(std::function<Status()> f) {
  return [f = std::move(f)]() -> Result<int> {
    CM_RETURN_IF_ERROR(f());
    return 0;
  };
}

// A subcommand and what runs it.
struct Subcommand {
  CLI::App* app;
  Runner run;
};
// Runs whichever of `subcommands` was given on the command line.
inline Runner Dispatch(std::vector<Subcommand> subcommands) {
  return [subcommands = std::move(subcommands)]() -> Result<int> {
    for (const auto& s : subcommands) {
      if (s.app->parsed()) {
        return s.run();
      }
    }
    return MakeError(ErrorCode::kInvalidArgument, "no subcommand given");
  };
}

Runner RegisterCaCommands(CLI::App* app, const GlobalOptions& global);
Runner RegisterIssueCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterInspectCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterConvertCommand(CLI::App* app, const GlobalOptions& global);
Runner RegisterKeystoreCommands(CLI::App* app, const GlobalOptions& global);
Runner RegisterApplyCommand(CLI::App* app, const GlobalOptions& global);
// verify and handshake.
Runner RegisterVerifyCommands(CLI::App* app, const GlobalOptions& global);
Runner RegisterProbeCommand(CLI::App* app, const GlobalOptions& global);
// list, renew, revoke, crl.
Runner RegisterLifecycleCommands(CLI::App* app, const GlobalOptions& global);
// csr and sign.
Runner RegisterCsrCommands(CLI::App* app, const GlobalOptions& global);
// report (the inventory as HTML or JSON).
Runner RegisterReportCommand(CLI::App* app, const GlobalOptions& global);
// serve, token create/list/revoke, enroll.
Runner RegisterServiceCommands(CLI::App* app, const GlobalOptions& global);
// inventory migrate.
Runner RegisterInventoryCommands(CLI::App* app, const GlobalOptions& global);

// Prints JSON text, or a JSON value (indented, invalid UTF-8 replaced), to
// stdout.
void PrintJson(const std::string& json);
void PrintJson(const nlohmann::json& json);
// Prints `json_value` with --json, else `text`.
void PrintResult(bool json, const std::string& json_value, const std::string& text);
void PrintResult(bool json, const nlohmann::json& json_value, const std::string& text);
// Prints what `issue` or `enroll` wrote (IdentityReportText, or
// IdentityReportJson with --json).
void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, bool json, std::string_view verb);

}  // namespace certmint::cli
