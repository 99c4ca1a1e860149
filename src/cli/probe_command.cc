// certmint probe HOST:PORT: what a live TLS server presents, verified against
// a truststore and the host name.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/store_lookup.h"
#include "tls/probe.h"
#include "tls/probe_report.h"

namespace certmint::cli {
namespace {

struct ProbeArgs {
  std::string target;
  std::string truststore;
  std::string keystore;
  std::string servername;
  std::string password_file;
  double timeout = 5;
  bool json = false;
};

Result<int> RunProbe(const ProbeArgs& a) {
  CM_ASSIGN_OR_RETURN(auto hp, ParseHostPort(a.target));
  if (!(a.timeout > 0 && a.timeout <= 600)) {  // NaN too
    return MakeError(ErrorCode::kInvalidArgument, "--timeout: between 0 and 600 seconds");
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(
      auto trust, WithContext(LoadTruststoreIfGiven(a.truststore, explicit_pw), "--truststore"));
  CM_ASSIGN_OR_RETURN(auto keys,
                      WithContext(LoadKeystoreIfGiven(a.keystore, explicit_pw), "--keystore"));
  ProbeOptions o;
  o.host = hp.first;
  o.port = hp.second;
  o.servername = a.servername;
  o.truststore = trust ? &trust->store : nullptr;
  o.keystore = keys ? &keys->store : nullptr;
  o.timeout_ms = static_cast<int>(a.timeout * 1000);
  CM_ASSIGN_OR_RETURN(auto r, Probe(o));
  PrintResult(a.json, RenderProbeJson(a.target, o, r), RenderProbeText(a.target, o, r));
  return r.ok() ? 0 : 2;
}

}  // namespace

Runner RegisterProbeCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "probe", "Connect to a live TLS server; show and verify the chain it presents");
  cmd->add_option("HOST:PORT", a->target, "The server ([v6]:PORT for IPv6)")->required();
  cmd->add_option("--truststore", a->truststore,
                  "Verify the chain against this truststore "
                  "(file or identity directory)");
  cmd->add_option("--keystore", a->keystore,
                  "Authenticate with this client keystore (file or identity directory)");
  cmd->add_option("--servername", a->servername, "SNI and the name to verify (default: HOST)");
  AddStorePasswordFile(cmd, &a->password_file, StorePasswordUse::kBesideStore);
  cmd->add_option("--timeout", a->timeout, "Seconds for connecting and for the handshake");
  AddJson(cmd, &a->json);
  return [a] { return RunProbe(*a); };
}

}  // namespace certmint::cli
