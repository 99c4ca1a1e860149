// certmint verify and certmint handshake: proof, before deployment, that the
// stores work and that a man in the middle is refused.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/passwords.h"
#include "cli/store_args.h"
#include "core/fs.h"
#include "identity/files.h"
#include "stores/store_io.h"
#include "tls/context.h"
#include "tls/handshake.h"
#include "verify/settings.h"
#include "verify/verify.h"

namespace certmint::cli {
namespace {

// verify's own exit codes: 1 warnings, 2 failed checks.
constexpr int kExitWarnings = 1;
constexpr int kExitFailures = 2;

struct VerifyArgs {
  std::string dir;
  std::string keystore;
  std::string truststore;
  std::vector<std::string> hosts;
  std::string role;
  std::string password_file;
  int warn_days = 30;
  std::string metrics;
  std::vector<std::string> crls;
  bool json = false;
};

Result<std::vector<Crl>> LoadCrls(const std::vector<std::string>& files) {
  std::vector<Crl> out;
  for (const auto& f : files) {
    CM_ASSIGN_OR_RETURN(auto data, WithContext(fs::ReadFile(f), "--crl"));
    CM_ASSIGN_OR_RETURN(auto crl, WithContext(Crl::Parse(data), "--crl " + f));
    out.push_back(std::move(crl));
  }
  return out;
}

Result<int> RunVerify(const VerifyArgs& a) {
  if (a.dir.empty() == (a.keystore.empty() || a.truststore.empty())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give an identity directory, or both --keystore and --truststore");
  }
  VerifyOptions options;
  options.hosts = a.hosts;
  options.warn_days = a.warn_days;
  CM_ASSIGN_OR_RETURN(options.crls, LoadCrls(a.crls));
  if (!a.role.empty()) {
    CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(a.role), "--role"));
    options.role = role;
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  std::vector<Check> checks;
  std::vector<std::pair<std::string, KeyStore>> keystores;  // for metrics
  std::vector<std::string> private_files;
  auto verify_pair = [&](const std::vector<std::string>& ks_files, const std::string& ts_file,
                         const std::string& pw_path) -> Status {
    CM_ASSIGN_OR_RETURN(auto pw, PasswordFor(pw_path, explicit_pw));
    const SecretString* p = pw ? &*pw : nullptr;
    CM_ASSIGN_OR_RETURN(auto ks, LoadStoreFiles(ks_files, p));
    CM_ASSIGN_OR_RETURN(auto ts, LoadStoreFile(ts_file, p));
    StorePair pair{fs::Basename(ks_files[0]), fs::Basename(ts_file), ks, ts};
    auto c = VerifyStorePair(pair, options);
    checks.insert(checks.end(), c.begin(), c.end());
    keystores.emplace_back(ks_files[0], std::move(ks));
    private_files.push_back(ks_files[0]);  // the keystore, or the PEM key (not chain.pem)
    return {};
  };
  std::string identity;
  if (!a.dir.empty()) {
    identity = fs::Basename(fs::Absolute(a.dir));
    auto found = FindIdentityStores(a.dir);
    if (found.empty()) {
      return MakeError(ErrorCode::kNotFound,
                       fmt::format("{}: no keystore and truststore pair found", a.dir));
    }
    for (const auto& f : found) {
      CM_RETURN_IF_ERROR(verify_pair(f.keystore_files, f.truststore_file, a.dir));
    }
    for (const char* extra : {"password", "kafka.properties", "librdkafka.properties"}) {
      if (fs::Exists(a.dir + "/" + extra)) {
        private_files.push_back(a.dir + "/" + extra);
      }
    }
    auto settings = VerifySettingsFiles(a.dir);
    checks.insert(checks.end(), settings.begin(), settings.end());
  } else {
    identity = fs::Basename(a.keystore);
    CM_RETURN_IF_ERROR(verify_pair({a.keystore}, a.truststore, a.keystore));
  }
  auto modes = CheckPrivateFileModes(private_files);
  checks.insert(checks.end(), modes.begin(), modes.end());

  if (!a.metrics.empty()) {
    std::string text;
    for (const auto& [label, ks] : keystores) {
      text += ExpiryMetrics(identity, ks, options.now);
      break;  // every format holds the same chain
    }
    CM_RETURN_IF_ERROR(
        WithContext(fs::WriteFileAtomic(a.metrics, text, fs::kPublicFile), "--metrics"));
  }
  const CheckStatus worst = WorstStatus(checks);
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : checks) {
      list.push_back({{"scope", c.scope},
                      {"check", c.name},
                      {"status", CheckStatusName(c.status)},
                      {"detail", c.detail}});
    }
    PrintJson(nlohmann::json{{"identity", identity},
                             {"result", CheckStatusName(worst)},
                             {"checks", list}}
                  .dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    for (const auto& c : checks) {
      std::cout << fmt::format("{:<4}  {}: {}: {}\n", CheckStatusName(c.status), c.scope, c.name,
                               c.detail);
    }
    int fails = 0;
    int warns = 0;
    for (const auto& c : checks) {
      fails += c.status == CheckStatus::kFail;
      warns += c.status == CheckStatus::kWarn;
    }
    std::cout << fmt::format("{}: {} checks, {} warnings, {} failures\n", identity, checks.size(),
                             warns, fails);
  }
  return worst == CheckStatus::kFail ? kExitFailures
         : worst == CheckStatus::kWarn ? kExitWarnings
                                       : 0;
}

struct HandshakeArgs {
  std::string server;
  std::string client;
  std::string truststore;
  std::vector<std::string> hosts;
  std::string password_file;
  std::string tls = "both";
  std::vector<std::string> crls;
  bool json = false;
};

Result<int> RunHandshake(const HandshakeArgs& a) {
  if (a.tls != "1.2" && a.tls != "1.3" && a.tls != "both") {
    return MakeError(ErrorCode::kInvalidArgument, "--tls: expected 1.2, 1.3 or both");
  }
  CM_ASSIGN_OR_RETURN(auto explicit_pw, ExplicitPassword(a.password_file));
  CM_ASSIGN_OR_RETURN(auto crls, LoadCrls(a.crls));
  CM_ASSIGN_OR_RETURN(auto server, WithContext(LoadKeystoreArg(a.server, explicit_pw), "--server"));
  std::optional<NamedStore> client;
  if (!a.client.empty()) {
    CM_ASSIGN_OR_RETURN(auto c, WithContext(LoadKeystoreArg(a.client, explicit_pw), "--client"));
    client.emplace(std::move(c));
  }
  // Without --truststore each side trusts what its own directory trusts.
  const std::string server_trust_arg = !a.truststore.empty() ? a.truststore : a.server;
  const std::string client_trust_arg =
      !a.truststore.empty() ? a.truststore : (!a.client.empty() ? a.client : a.server);
  CM_ASSIGN_OR_RETURN(auto server_trust,
                      WithContext(LoadTruststoreArg(server_trust_arg, explicit_pw), "truststore"));
  CM_ASSIGN_OR_RETURN(auto client_trust,
                      WithContext(LoadTruststoreArg(client_trust_arg, explicit_pw), "truststore"));
  std::vector<std::string> hosts = a.hosts;
  if (hosts.empty()) {
    if (server.store.keys.empty()) {
      return MakeError(ErrorCode::kInvalidData, fmt::format("{}: no key entry", server.label));
    }
    SubjectAltNames sans = server.store.keys[0].chain[0].Sans();
    hosts.push_back(!sans.dns.empty() ? sans.dns[0] : !sans.ips.empty() ? sans.ips[0] : "127.0.0.1");
  }
  std::vector<int> versions;
  if (a.tls != "1.2") {
    versions.push_back(TLS1_3_VERSION);
  }
  if (a.tls != "1.3") {
    versions.push_back(TLS1_2_VERSION);
  }
  bool all_ok = true;
  nlohmann::json results = nlohmann::json::array();
  for (int version : versions) {
    TlsContextOptions so;
    so.side = TlsSide::kServer;
    so.min_version = so.max_version = version;
    so.crls = crls;
    TlsContextOptions co;
    co.side = TlsSide::kClient;
    co.min_version = co.max_version = version;
    co.crls = crls;
    CM_ASSIGN_OR_RETURN(auto sctx, WithContext(MakeTlsContext(&server.store, server_trust.store, so),
                                               server.label));
    CM_ASSIGN_OR_RETURN(auto cctx,
                        WithContext(MakeTlsContext(client ? &client->store : nullptr,
                                                   client_trust.store, co),
                                    client ? client->label : "client"));
    for (const auto& host : hosts) {
      CM_ASSIGN_OR_RETURN(auto r, RunLocalHandshake(sctx.get(), cctx.get(), {host, 10000}));
      const std::string v = version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2";
      all_ok &= r.ok;
      if (a.json) {
        results.push_back({{"tls", v},
                           {"host", host},
                           {"ok", r.ok},
                           {"protocol", r.protocol},
                           {"cipher", r.cipher},
                           {"server_subject", r.server_subject},
                           {"client_subject", r.client_subject},
                           {"reason", r.reason}});
      } else if (r.ok) {
        std::cout << fmt::format("ok    {} {} to {}: server {}, client {}\n", r.protocol,
                                 r.cipher, host, r.server_subject,
                                 r.client_subject.empty() ? "(no certificate)" : r.client_subject);
      } else {
        std::cout << fmt::format("fail  {} to {}: {}\n", v, host, r.reason);
      }
    }
  }
  if (a.json) {
    PrintJson(nlohmann::json{{"ok", all_ok}, {"handshakes", results}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
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
  verify->add_option("--host", v->hosts, "A host name or IP the certificate must cover "
                                         "(repeatable)");
  verify->add_option("--role", v->role, "server, client or both: EKU to require");
  verify->add_option("--password-file", v->password_file,
                     "Store password (else $CERTMINT_PASSWORD, else the password file beside "
                     "the store)");
  verify->add_option("--warn-days", v->warn_days, "Warn when a certificate expires sooner")
      ->capture_default_str();
  verify->add_option("--metrics", v->metrics,
                     "Write Prometheus gauges (seconds to expiry) to this file, for "
                     "node_exporter's textfile collector");
  verify->add_option("--crl", v->crls, "A CRL (PEM or DER) the certificate must not be on "
                                       "(repeatable)");
  verify->add_flag("--json", v->json, "Print the checks as JSON");
  AddArgvPasswordTraps(verify);
  verify->footer(
      "Checks: key matches certificate; chain reaches a trusted CA of the truststore; validity\n"
      "and days left; keyUsage/extendedKeyUsage fit the role; SANs cover every --host; "
      "algorithms\nJava 17 accepts; PKCS#12 truststore entries carry Java's trust attribute; "
      "private file modes.\nIn an identity directory, kafka.properties and "
      "librdkafka.properties are read as Kafka\nand kcat read them: the stores, key and CA "
      "file they name open with the types and\npasswords they give (a location on another "
      "machine is checked by its file name here).\n\nExit codes: 0 all ok, 1 warnings, 2 failed checks (3-7 as for "
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
  hs->add_option("--host", h->hosts,
                 "Name or IP the client dials and verifies (repeatable; default: the server's "
                 "first SAN)");
  hs->add_option("--password-file", h->password_file,
                 "Store password (else $CERTMINT_PASSWORD, else each store's password file)");
  hs->add_option("--tls", h->tls, "1.2, 1.3 or both")->capture_default_str();
  hs->add_option("--crl", h->crls, "CRLs both sides check the peer against (repeatable)");
  hs->add_flag("--json", h->json, "Print the results as JSON");
  AddArgvPasswordTraps(hs);
  hs->footer(
      "Hostname verification as Kafka's ssl.endpoint.identification.algorithm=https: an IP "
      "matches\nonly iPAddress SANs. The server requires a client certificate with clientAuth. "
      "Exit 2 when\nany handshake is refused, with the reason.\n\n"
      "Example:\n  certmint handshake --server certs/broker-1 --client certs/client-1 "
      "--host broker-1.kafka.example.com");

  return [=]() -> Result<int> {
    CLI::App* which = verify->parsed() ? verify : hs;
    CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(which));
    return verify->parsed() ? RunVerify(*v) : RunHandshake(*h);
  };
}

}  // namespace certmint::cli
