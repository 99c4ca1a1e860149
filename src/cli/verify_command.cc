// certmint verify and certmint handshake: proof, before deployment, that the
// stores work and that a man in the middle is refused.
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "verify/verify_actions.h"

namespace certmint::cli {
namespace {

struct VerifyArgs {
  VerifyFlags flags;
  bool json = false;
};

struct HandshakeArgs {
  HandshakeFlags flags;
  bool json = false;
};

// Prints `report` (JSON with `json`); its exit code.
Result<int> Print(Result<CheckReport> report, bool json) {
  if (!report) {
    return tl::unexpected(report.error());
  }
  PrintResult(json, report->json, report->text);
  return report->exit_code;
}

}  // namespace

Runner RegisterVerifyCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = app->add_subcommand(
      "verify", "Check a keystore and truststore before deployment, one line per check");
  verify->add_option("IDENTITY_DIR", v->flags.dir, "An identity directory (every format in it)");
  verify->add_option("--keystore", v->flags.keystore, "A keystore file (JKS, PKCS#12, PEM)");
  verify->add_option("--truststore", v->flags.truststore, "A truststore file (JKS, PKCS#12, PEM)");
  verify->add_option("--host", v->flags.options.hosts,
                     "A host name or IP the certificate must cover "
                     "(repeatable)");
  verify->add_option("--role", v->flags.role, "server, client, both or admin: EKU to require");
  AddStorePasswordFile(verify, &v->flags.password_file, StorePasswordUse::kBesideStore);
  verify->add_option("--warn-days", v->flags.options.warn_days,
                     "Warn when a certificate expires sooner");
  verify->add_option("--metrics", v->flags.metrics,
                     "Write Prometheus gauges (seconds to expiry) to this file, for "
                     "node_exporter's textfile collector");
  verify->add_option("--crl", v->flags.crls,
                     "A CRL (PEM or DER) the certificate must not be on "
                     "(repeatable)");
  verify->add_option("--dir", v->flags.pki_dir,
                     "The CA's directory: the certificate must not be revoked in its inventory "
                     "(read only)");
  AddJson(verify, &v->json, "the checks");

  auto h = std::make_shared<HandshakeArgs>();
  CLI::App* hs = app->add_subcommand(
      "handshake", "Run a real mTLS handshake between two identities over 127.0.0.1");
  hs->add_option("--server", h->flags.server, "Server identity directory or keystore")->required();
  hs->add_option("--client", h->flags.client,
                 "Client identity directory or keystore (omit: a client without certificate)");
  hs->add_option("--truststore", h->flags.truststore,
                 "Truststore both sides use (default: each side's own directory's)");
  hs->add_option("--host", h->flags.options.hosts,
                 "Name or IP the client dials and verifies (repeatable; default: the server's "
                 "first SAN)");
  AddStorePasswordFile(hs, &h->flags.password_file, StorePasswordUse::kBesideStore);
  hs->add_option("--tls", h->flags.tls, "1.2, 1.3 or both");
  hs->add_option("--crl", h->flags.crls, "CRLs both sides check the peer against (repeatable)");
  AddJson(hs, &h->json, "the results");

  return Dispatch({{verify, [v] { return Print(VerifyFromFlags(v->flags), v->json); }},
                   {hs, [h] {
                      return Print(
                          HandshakeFromFlags(h->flags, h->json,
                                             [](const std::string& line) { std::cout << line; }),
                          h->json);
                    }}});
}

}  // namespace certmint::cli
