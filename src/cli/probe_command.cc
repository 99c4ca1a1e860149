// certmint probe HOST:PORT: what a live TLS server presents, verified against
// a truststore and the host name.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "cli/store_args.h"
#include "tls/probe.h"

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
  if (a.timeout <= 0 || a.timeout > 600) {
    return MakeError(ErrorCode::kInvalidArgument, "--timeout: between 0 and 600 seconds");
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  std::optional<NamedStore> trust;
  std::optional<NamedStore> keys;
  if (!a.truststore.empty()) {
    CM_ASSIGN_OR_RETURN(auto t, WithContext(LoadTruststoreArg(a.truststore, explicit_pw),
                                            "--truststore"));
    trust.emplace(std::move(t));
  }
  if (!a.keystore.empty()) {
    CM_ASSIGN_OR_RETURN(auto k, WithContext(LoadKeystoreArg(a.keystore, explicit_pw), "--keystore"));
    keys.emplace(std::move(k));
  }
  ProbeOptions o;
  o.host = hp.first;
  o.port = hp.second;
  o.servername = a.servername;
  o.truststore = trust ? &trust->store : nullptr;
  o.keystore = keys ? &keys->store : nullptr;
  o.timeout_ms = static_cast<int>(a.timeout * 1000);
  CM_ASSIGN_OR_RETURN(auto r, Probe(o));
  const std::string name = a.servername.empty() ? hp.first : a.servername;
  if (a.json) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& c : r.chain) {
      const auto days =
          std::chrono::duration_cast<std::chrono::hours>(c.NotAfter() - o.now).count() / 24;
      chain.push_back({{"subject", c.Subject().ToString()},
                       {"issuer", c.Issuer().ToString()},
                       {"not_after", FormatUtc(c.NotAfter())},
                       {"days_left", days},
                       {"sha256_fingerprint", c.Sha256Fingerprint()}});
    }
    nlohmann::json j{{"target", a.target},   {"protocol", r.protocol}, {"cipher", r.cipher},
                     {"chain", chain},       {"ok", r.ok()},           {"name", name},
                     {"client_certificate_rejected", r.server_rejected}};
    if (r.chain_trusted) {
      j["chain_trusted"] = *r.chain_trusted;
      j["chain_reason"] = r.chain_reason;
      j["name_matches"] = *r.name_matches;
    }
    PrintJson(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return r.ok() ? 0 : 2;
  }
  std::cout << fmt::format("{}: {} {}\n", a.target, r.protocol, r.cipher);
  for (size_t i = 0; i < r.chain.size(); ++i) {
    const auto& c = r.chain[i];
    const auto days =
        std::chrono::duration_cast<std::chrono::hours>(c.NotAfter() - o.now).count() / 24;
    std::cout << fmt::format("  [{}] {}\n      issuer {}, until {} ({} days left)\n", i,
                             c.Subject().ToString(), c.Issuer().ToString(),
                             FormatUtc(c.NotAfter()), days);
  }
  if (r.chain_trusted) {
    std::cout << fmt::format("{}  chain: {}\n", *r.chain_trusted ? "ok  " : "fail",
                             *r.chain_trusted ? "reaches a trusted CA" : r.chain_reason);
    std::cout << fmt::format("{}  name {}: {}\n", *r.name_matches ? "ok  " : "fail", name,
                             *r.name_matches ? "covered by the certificate's SANs"
                                             : "not covered by the certificate's SANs");
  } else {
    std::cout << "note  chain not verified: give --truststore\n";
  }
  if (!r.server_rejected.empty()) {
    std::cout << fmt::format("fail  the server refused our client certificate: {}\n",
                             r.server_rejected);
  }
  return r.ok() ? 0 : 2;
}

}  // namespace

Runner RegisterProbeCommand(CLI::App* app, const GlobalOptions& /*global*/) {
  auto a = std::make_shared<ProbeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "probe", "Connect to a live TLS server; show and verify the chain it presents");
  cmd->add_option("HOST:PORT", a->target, "The server ([v6]:PORT for IPv6)")->required();
  cmd->add_option("--truststore", a->truststore, "Verify the chain against this truststore "
                                                 "(file or identity directory)");
  cmd->add_option("--keystore", a->keystore,
                  "Authenticate with this client keystore (file or identity directory)");
  cmd->add_option("--servername", a->servername, "SNI and the name to verify (default: HOST)");
  cmd->add_option("--password-file", a->password_file,
                  "Store password (else $CERTMINT_PASSWORD, else the password file beside the "
                  "store)");
  cmd->add_option("--timeout", a->timeout, "Seconds for connecting and for the handshake")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  AddArgvPasswordTraps(cmd);
  cmd->footer(
      "Exit codes: 0 ok, 2 chain or name verification failed or our certificate was refused,\n"
      "7 network or protocol failure (refused, timed out, not TLS).\n\n"
      "Example:\n  certmint probe broker-1.kafka.example.com:9093 --truststore "
      "certs/client-1/truststore.p12 \\\n      --keystore certs/client-1");
  return [cmd, a]() -> Result<int> {
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(cmd));
    return RunProbe(*a);
  };
}

}  // namespace certmint::cli
