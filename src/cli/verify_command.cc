// certmint verify and certmint handshake: proof, before deployment, that the
// stores work and that a man in the middle is refused.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "identity/store_lookup.h"
#include "tls/identity_handshake.h"
#include "verify/check_target.h"
#include "verify/crl_files.h"
#include "verify/identity_check.h"

namespace certmint::cli {
namespace {

// verify's own exit codes: 1 warnings, 2 failed checks.
constexpr int kExitWarnings = 1;
constexpr int kExitFailures = 2;

struct VerifyArgs {
  std::string dir;
  std::string keystore;
  std::string truststore;
  VerifyOptions options;  // --host and --warn-days bound directly
  std::string role;
  std::string password_file;
  std::string metrics;
  std::vector<std::string> crls;
  std::string pki_dir;  // --dir: the CA's inventory, for revocations
  bool json = false;
};

Result<int> RunVerify(const VerifyArgs& a) {
  CM_ASSIGN_OR_RETURN(auto target, CheckTargetFor(a.dir, a.keystore, a.truststore));
  target.password_files = {a.password_file};  // its mode is checked too (empty: none)
  VerifyOptions options = a.options;
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrlFiles(a.crls));
  if (!a.pki_dir.empty()) {
    CM_ASSIGN_OR_RETURN(options.revoked, LoadInventoryRevocations(a.pki_dir, options.now));
    options.revoked_source = "the inventory of " + a.pki_dir;
  }
  if (!a.role.empty()) {
    CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(a.role), "--role"));
    options.role = role;
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(auto result, CheckIdentity(target, options, [&](const std::string& path) {
                        return PasswordOfStore(path, explicit_pw);
                      }));
  if (!a.metrics.empty()) {
    CM_RETURN_IF_ERROR(
        WithContext(WriteExpiryMetrics(a.metrics, result, options.now), "--metrics"));
  }
  PrintResult(a.json, RenderIdentityCheckJson(result), RenderIdentityCheckText(result));
  const CheckStatus worst = WorstStatus(result.checks);
  return worst == CheckStatus::kFail   ? kExitFailures
         : worst == CheckStatus::kWarn ? kExitWarnings
                                       : 0;
}

struct HandshakeArgs {
  std::string server;
  std::string client;
  std::string truststore;
  IdentityHandshakeOptions options;  // --host bound directly
  std::string password_file;
  std::string tls = "both";
  std::vector<std::string> crls;
  bool json = false;
};

Result<int> RunHandshake(const HandshakeArgs& a) {
  IdentityHandshakeOptions options = a.options;
  CM_ASSIGN_OR_RETURN(options.versions, WithContext(ParseTlsVersionChoice(a.tls), "--tls"));
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrlFiles(a.crls));
  CM_ASSIGN_OR_RETURN(auto s, LoadHandshakeStores(a.server, a.client, a.truststore, explicit_pw));
  std::vector<HandshakeAttempt> attempts;
  CM_ASSIGN_OR_RETURN(
      bool all_ok,
      RunIdentityHandshakes({s.server.label, &s.server.store, &s.server_trust.store},
                            {s.client ? s.client->label : "client",
                             s.client ? &s.client->store : nullptr, &s.client_trust.store},
                            options, [&](const HandshakeAttempt& attempt) {
                              if (a.json) {
                                attempts.push_back(attempt);
                              } else {
                                std::cout << RenderHandshakeAttemptText(attempt);
                              }
                            }));
  if (a.json) {
    PrintJson(RenderHandshakesJson(attempts, all_ok));
  }
  return all_ok ? 0 : kExitFailures;
}

}  // namespace

Runner RegisterVerifyCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = app->add_subcommand(
      "verify", "Check a keystore and truststore before deployment, one line per check");
  verify->add_option("IDENTITY_DIR", v->dir, "An identity directory (every format in it)");
  verify->add_option("--keystore", v->keystore, "A keystore file (JKS, PKCS#12, PEM)");
  verify->add_option("--truststore", v->truststore, "A truststore file (JKS, PKCS#12, PEM)");
  verify->add_option("--host", v->options.hosts,
                     "A host name or IP the certificate must cover "
                     "(repeatable)");
  verify->add_option("--role", v->role, "server, client, both or admin: EKU to require");
  AddStorePasswordFile(verify, &v->password_file, StorePasswordUse::kBesideStore);
  verify->add_option("--warn-days", v->options.warn_days, "Warn when a certificate expires sooner");
  verify->add_option("--metrics", v->metrics,
                     "Write Prometheus gauges (seconds to expiry) to this file, for "
                     "node_exporter's textfile collector");
  verify->add_option("--crl", v->crls,
                     "A CRL (PEM or DER) the certificate must not be on "
                     "(repeatable)");
  verify->add_option("--dir", v->pki_dir,
                     "The CA's directory: the certificate must not be revoked in its inventory "
                     "(read only)");
  AddJson(verify, &v->json, "the checks");

  auto h = std::make_shared<HandshakeArgs>();
  CLI::App* hs = app->add_subcommand(
      "handshake", "Run a real mTLS handshake between two identities over 127.0.0.1");
  hs->add_option("--server", h->server, "Server identity directory or keystore")->required();
  hs->add_option("--client", h->client,
                 "Client identity directory or keystore (omit: a client without certificate)");
  hs->add_option("--truststore", h->truststore,
                 "Truststore both sides use (default: each side's own directory's)");
  hs->add_option("--host", h->options.hosts,
                 "Name or IP the client dials and verifies (repeatable; default: the server's "
                 "first SAN)");
  AddStorePasswordFile(hs, &h->password_file, StorePasswordUse::kBesideStore);
  hs->add_option("--tls", h->tls, "1.2, 1.3 or both");
  hs->add_option("--crl", h->crls, "CRLs both sides check the peer against (repeatable)");
  AddJson(hs, &h->json, "the results");

  return Dispatch(
      {{verify, [v] { return RunVerify(*v); }}, {hs, [h] { return RunHandshake(*h); }}});
}

}  // namespace certmint::cli
