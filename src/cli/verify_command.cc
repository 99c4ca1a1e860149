// certmint verify and certmint handshake: proof, before deployment, that the
// stores work and that a man in the middle is refused.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "core/fs.h"
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
  bool json = false;
};

Result<int> RunVerify(const VerifyArgs& a) {
  CM_ASSIGN_OR_RETURN(auto target, CheckTargetFor(a.dir, a.keystore, a.truststore));
  VerifyOptions options = a.options;
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrlFiles(a.crls));
  if (!a.role.empty()) {
    CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(a.role), "--role"));
    options.role = role;
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(auto result, CheckIdentity(target, options, [&](const std::string& path) {
                        return PasswordOfStore(path, explicit_pw);
                      }));
  if (!a.metrics.empty()) {
    const std::string text =
        result.keystore ? ExpiryMetrics(result.identity, *result.keystore, options.now) : "";
    CM_RETURN_IF_ERROR(
        WithContext(fs::WriteFileAtomic(a.metrics, text, fs::kPublicFile), "--metrics"));
  }
  if (a.json) {
    PrintJson(RenderIdentityCheckJson(result));
  } else {
    std::cout << RenderIdentityCheckText(result);
  }
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
  CM_ASSIGN_OR_RETURN(auto server, WithContext(LoadKeystoreAt(a.server, explicit_pw), "--server"));
  std::optional<NamedStore> client;
  if (!a.client.empty()) {
    CM_ASSIGN_OR_RETURN(auto c, WithContext(LoadKeystoreAt(a.client, explicit_pw), "--client"));
    client.emplace(std::move(c));
  }
  // Without --truststore each side trusts what its own directory trusts.
  const std::string server_trust_arg = !a.truststore.empty() ? a.truststore : a.server;
  const std::string client_trust_arg =
      !a.truststore.empty() ? a.truststore : (!a.client.empty() ? a.client : a.server);
  CM_ASSIGN_OR_RETURN(auto server_trust,
                      WithContext(LoadTruststoreAt(server_trust_arg, explicit_pw), "truststore"));
  CM_ASSIGN_OR_RETURN(auto client_trust,
                      WithContext(LoadTruststoreAt(client_trust_arg, explicit_pw), "truststore"));
  std::vector<HandshakeAttempt> attempts;
  CM_ASSIGN_OR_RETURN(
      bool all_ok, RunIdentityHandshakes({server.label, &server.store, &server_trust.store},
                                         {client ? client->label : "client",
                                          client ? &client->store : nullptr, &client_trust.store},
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
  verify->add_option("--role", v->role, "server, client or both: EKU to require");
  AddStorePasswordFile(verify, &v->password_file, StorePasswordUse::kBesideStore);
  verify->add_option("--warn-days", v->options.warn_days, "Warn when a certificate expires sooner")
      ->capture_default_str();
  verify->add_option("--metrics", v->metrics,
                     "Write Prometheus gauges (seconds to expiry) to this file, for "
                     "node_exporter's textfile collector");
  verify->add_option("--crl", v->crls,
                     "A CRL (PEM or DER) the certificate must not be on "
                     "(repeatable)");
  AddJson(verify, &v->json, "the checks");
  verify->footer(
      "Checks: key matches certificate; chain reaches a trusted CA of the truststore; validity\n"
      "and days left; keyUsage/extendedKeyUsage fit the role; SANs cover every --host; "
      "algorithms\nJava 17 accepts; PKCS#12 truststore entries carry Java's trust attribute; "
      "private file modes.\nIn an identity directory, kafka.properties and "
      "librdkafka.properties are read as Kafka\nand kcat read them: the stores, key and CA "
      "file they name open with the types and\npasswords they give (a location on another "
      "machine is checked by its file name here).\n\nExit codes: 0 all ok, 1 warnings, 2 failed "
      "checks (3-7 as for "
      "every command).\n\n"
      "Example:\n  certmint verify certs/broker-1 --host broker-1.kafka.example.com --host "
      "10.0.0.11 --role both");

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
  hs->add_option("--tls", h->tls, "1.2, 1.3 or both")->capture_default_str();
  hs->add_option("--crl", h->crls, "CRLs both sides check the peer against (repeatable)");
  AddJson(hs, &h->json, "the results");
  hs->footer(
      "Hostname verification as Kafka's ssl.endpoint.identification.algorithm=https: an IP "
      "matches\nonly iPAddress SANs. The server requires a client certificate with clientAuth. "
      "Exit 2 when\nany handshake is refused, with the reason.\n\n"
      "Example:\n  certmint handshake --server certs/broker-1 --client certs/client-1 "
      "--host broker-1.kafka.example.com");

  return Dispatch({{verify, WithPasswordTraps(verify, [v] { return RunVerify(*v); })},
                   {hs, WithPasswordTraps(hs, [h] { return RunHandshake(*h); })}});
}

}  // namespace certmint::cli
