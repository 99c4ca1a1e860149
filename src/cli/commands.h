// The CLI's subcommands. Each Register* adds a subcommand to the app and
// returns the function that runs it once parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>

#include "cmdline/output.h"
#include "cmdline/runner.h"
#include "core/error.h"
#include "identity/files.h"

namespace certmint::cli {

struct GlobalOptions {
  bool verbose = false;
};

// What runs a command and what prints its result (src/cmdline), under the
// names the command files use.
using cmdline::Dispatch;
using cmdline::FromStatus;
using cmdline::PrintJson;
using cmdline::PrintResult;
using cmdline::Runner;
using cmdline::Subcommand;

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
// The hidden `completion SHELL` and `man`, which print the bash or zsh
// completion and the manual page of the whole of `app`.
Runner RegisterDiscoveryCommands(CLI::App* app, const GlobalOptions& global);

// Prints what `issue` or `enroll` wrote (IdentityReportText, or
// IdentityReportJson with --json).
void ReportIdentity(const IdentityFiles& files, const std::string& name, const Certificate& cert,
                    const KeySpec& key_spec, bool json, std::string_view verb);

}  // namespace certmint::cli
