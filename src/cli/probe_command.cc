// certmint probe HOST:PORT: what a live TLS server presents, verified against
// a truststore and the host name.
#include "cli/commands.h"
#include "cli/options.h"
#include "verify/verify_actions.h"

namespace certmint::cli {
namespace {

struct ProbeArgs {
  ProbeFlags flags;
  bool json = false;
};

Result<int> RunProbe(const ProbeArgs& a) {
  CM_ASSIGN_OR_RETURN(auto report, ProbeFromFlags(a.flags));
  PrintResult(a.json, report.json, report.text);
  return report.exit_code;
}

}  // namespace

Runner RegisterProbeCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "probe", "Connect to a live TLS server; show and verify the chain it presents");
  cmd->add_option("HOST:PORT", a->flags.target, "The server ([v6]:PORT for IPv6)")->required();
  cmd->add_option("--truststore", a->flags.truststore,
                  "Verify the chain against this truststore "
                  "(file or identity directory)");
  cmd->add_option("--keystore", a->flags.keystore,
                  "Authenticate with this client keystore (file or identity directory)");
  cmd->add_option("--servername", a->flags.servername,
                  "SNI and the name to verify (default: HOST)");
  AddStorePasswordFile(cmd, &a->flags.password_file, StorePasswordUse::kBesideStore);
  cmd->add_option("--timeout", a->flags.timeout, "Seconds for connecting and for the handshake");
  AddJson(cmd, &a->json);
  return [a] { return RunProbe(*a); };
}

}  // namespace certmint::cli
