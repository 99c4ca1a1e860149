// certmint serve, token and enroll: the CA service and the nodes that enroll
// with it.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ca/authority.h"
#include "cli/commands.h"
#include "cli/identity_report.h"
#include "cli/passwords.h"
#include "cli/store_args.h"
#include "core/fs.h"
#include "enroll/enroll.h"
#include "enroll/token.h"
#include "identity/files.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "server/certificate_keeper.h"
#include "server/serve.h"
#include "tls/probe.h"
#include "x509/issue.h"

namespace certmint::cli {
namespace {


struct ServeArgs {
  std::string dir;
  std::string listen = "127.0.0.1:8443";
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string ca_password_file;
  int threads = 16;
  size_t max_body = 64 * 1024;
  double rate = 50;
  double burst = 100;
  int tls_days = 90;
  bool quiet = false;
};

// The CA password for a reload: from the file or the environment variable
// the service started with, read again (`ca rotate --new-ca-password-file`
// may have changed it); never a prompt, the service having no terminal.
Result<SecretString> ReloadCaPassword(const std::string& file) {
  if (file.empty()) {
    const char* env = std::getenv(kCaPasswordEnv);
    if (env == nullptr || *env == '\0') {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("the CA changed and its password was typed at start-up; "
                                   "restart the service, or start it with --ca-password-file "
                                   "or {} to reload without a restart",
                                   kCaPasswordEnv));
    }
  }
  return ReadCaPassword(file, /*is_new=*/false);
}

Result<ServeConfig> ParseServeArgs(const ServeArgs& a) {
  ServeConfig config;
  config.dir = a.dir;
  CM_ASSIGN_OR_RETURN(auto hp,
                      WithContext(ParseHostPort(a.listen, /*allow_port_zero=*/true), "--listen"));
  CM_ASSIGN_OR_RETURN(config.sans, ParseSanFlags(a.dns, a.ips));
  config.server.host = hp.first;
  config.server.port = hp.second;
  config.server.threads = a.threads;
  config.server.max_body_bytes = a.max_body;
  config.server.rate_per_second = a.rate;
  config.server.burst = a.burst;
  config.tls_days = a.tls_days;
  config.quiet = a.quiet;
  CM_RETURN_IF_ERROR(ValidateServeConfig(config));
  return config;
}

Result<int> RunServe(const ServeArgs& a) {
  CM_ASSIGN_OR_RETURN(auto config, ParseServeArgs(a));
  auto log_mu = std::make_shared<std::mutex>();
  config.log = [log_mu](std::string_view line) {
    std::lock_guard<std::mutex> lock(*log_mu);
    std::cerr << line << '\n';
  };
  if (!a.quiet) {
    config.server.log = config.log;
  }
  config.ca_password = [&] { return ReadCaPassword(a.ca_password_file, /*is_new=*/false); };
  config.reload_password = [&] { return ReloadCaPassword(a.ca_password_file); };
  const std::string& host = config.server.host;
  config.listening = [&](int port, const std::string& fingerprint,
                         const ServerIdentity& identity) {
    const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    std::cout << fmt::format("certmint serve: listening on https://{}:{}\n", shown_host, port)
              << fmt::format("  CA fingerprint (for enroll --ca-fingerprint): {}\n", fingerprint)
              << fmt::format(
                     "  server certificate: {} (in memory), valid until {}, renewed at {}\n",
                     identity.certificate.Sans().ToString(),
                     FormatUtc(identity.certificate.NotAfter()),
                     FormatUtc(ServerCertificateKeeper::Due(identity.certificate)))
              << std::flush;
  };
  CM_RETURN_IF_ERROR(Serve(config));
  std::cout << "certmint serve: stopped\n" << std::flush;
  return 0;
}

struct TokenArgs {
  std::string name;
  std::string dir;
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string role = "both";
  std::string ttl = "24h";
  int days = 365;
  std::string out_file;
  bool json = false;
};

Status RunTokenCreate(const TokenArgs& a) {
  CM_RETURN_IF_ERROR(ValidateNodeName(a.name));
  CM_ASSIGN_OR_RETURN(auto sans, ParseSanFlags(a.dns, a.ips));
  CM_ASSIGN_OR_RETURN(auto role, WithContext(ParseRole(a.role), "--role"));
  CM_ASSIGN_OR_RETURN(auto ttl, WithContext(ParseDuration(a.ttl), "--ttl"));
  if (!a.out_file.empty() && fs::Exists(a.out_file)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite", a.out_file));
  }
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(a.dir));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(a.dir));
  const auto now = std::chrono::system_clock::now();
  TokenGrant grant;
  grant.name = a.name;
  grant.sans = EffectiveSans(a.name, sans);
  grant.role = role;
  grant.days = a.days;
  grant.expires_at = now + ttl;
  CM_ASSIGN_OR_RETURN(
      auto created,
      CreateEnrollmentToken(*inventory, grant, now, [&](const SecretString& token) -> Status {
        if (a.out_file.empty()) {
          return {};
        }
        std::string line = std::string(token.reveal()) + "\n";
        auto st = fs::WriteFileAtomic(a.out_file, line, fs::kPrivateFile);
        Cleanse(line);
        return st;
      }));
  const SecretString& token = created.token;
  const std::string hash = created.id;
  const std::string names = grant.sans.ToString();
  if (a.json) {
    nlohmann::json j{{"id", hash.substr(0, 12)},
                     {"name", a.name},
                     {"dns_names", grant.sans.dns},
                     {"ip_addresses", grant.sans.ips},
                     {"role", RoleName(role)},
                     {"days", a.days},
                     {"expires_at", FormatUtc(grant.expires_at)}};
    if (a.out_file.empty()) {
      j["token"] = std::string(token.reveal());
    } else {
      j["token_file"] = a.out_file;
    }
    std::string text = j.dump(2);
    if (a.out_file.empty()) {
      Cleanse(j["token"].get_ref<std::string&>());
    }
    PrintJson(text);
    Cleanse(text);
    return {};
  }
  // The token alone on stdout (TOKEN=$(certmint token create ...)); the
  // details on stderr.
  if (a.out_file.empty()) {
    std::cout << token.reveal() << '\n' << std::flush;
  }
  std::cerr << fmt::format("Token {} for {} ({}, role {}), one use, expires {}{}\n",
                           hash.substr(0, 12), a.name, names.empty() ? "no SANs" : names,
                           RoleName(role), FormatUtc(grant.expires_at),
                           a.out_file.empty() ? "" : "; written to " + a.out_file);
  return {};
}

struct TokenListArgs {
  std::string dir;
  bool json = false;
};

Status RunTokenList(const TokenListArgs& a) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(a.dir));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(a.dir));
  CM_ASSIGN_OR_RETURN(auto tokens, inventory->ListTokens());
  const auto now = std::chrono::system_clock::now();
  if (a.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : tokens) {
      list.push_back(TokenJson(t, now));
    }
    PrintJson(list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    return {};
  }
  std::cout << fmt::format("{:<13} {:<24} {:<8} {:<21} {}\n", "ID", "NAME", "STATE", "EXPIRES",
                           "NAMES");
  for (const auto& t : tokens) {
    std::cout << fmt::format("{:<13} {:<24} {:<8} {:<21} {}\n", t.id, t.grant.name,
                             TokenStateName(t, now), FormatUtc(t.grant.expires_at),
                             t.grant.sans.ToString());
  }
  return {};
}

struct TokenRevokeArgs {
  std::string id;
  std::string dir;
};

Status RunTokenRevoke(const TokenRevokeArgs& a) {
  CM_RETURN_IF_ERROR(CertificateAuthority::LoadCertificate(a.dir));
  CM_ASSIGN_OR_RETURN(auto inventory, OpenInventory(a.dir));
  CM_ASSIGN_OR_RETURN(auto t, inventory->RevokeToken(a.id, std::chrono::system_clock::now()));
  std::cout << fmt::format("Revoked token {} for {}: it can no longer enroll\n", t.id,
                           t.grant.name);
  return {};
}

struct EnrollArgs {
  std::string url;
  std::string token_file;
  std::string name;
  std::string ca_fingerprint;
  std::string out = ".";
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string key_type = "ec:p256";
  std::string password_file;
  StoreOutputArgs output;
  bool json = false;
};

Status RunEnroll(const EnrollArgs& a) {
  EnrollRequestOptions o;
  CM_RETURN_IF_ERROR(ValidateIdentityName(a.name));
  o.name = a.name;
  CM_ASSIGN_OR_RETURN(o.url, ParseServerUrl(a.url));
  CM_ASSIGN_OR_RETURN(o.ca_fingerprint, NormalizeFingerprint(a.ca_fingerprint));
  CM_ASSIGN_OR_RETURN(o.sans, ParseSanFlags(a.dns, a.ips));
  CM_ASSIGN_OR_RETURN(o.key_spec, WithContext(ParseKeySpec(a.key_type), "--key-type"));
  CM_ASSIGN_OR_RETURN(IdentityOutput output, ParseStoreOutputArgs(a.output, a.name));
  const IdentityFiles paths = IdentityPaths(a.out, a.name, output);
  if (fs::Exists(paths.dir)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     fmt::format("{} already exists; refusing to overwrite (renew it with "
                                 "certmint renew {} --server URL --out {})",
                                 paths.dir, a.name, a.out));
  }
  CM_ASSIGN_OR_RETURN(auto token, ReadSecret({a.token_file, "CERTMINT_TOKEN", "", false,
                                              "--token-file"}));
  if (!token) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "give the enrollment token with --token-file FILE or $CERTMINT_TOKEN");
  }
  if (!LooksLikeEnrollmentToken(token->reveal())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the token is malformed: expected what `certmint token create` printed "
                     "(cmt_ and 64 hex digits)");
  }
  CM_ASSIGN_OR_RETURN(auto store, NewStorePassword(a.password_file));
  CM_ASSIGN_OR_RETURN(auto enrolled,
                      WithContext(EnrollIdentity(o, *token), "enrolling " + a.name));
  token->clear();
  output.write_password_file = store.generated;
  output.trust = enrolled.trust;
  CM_ASSIGN_OR_RETURN(auto files, WithContext(WriteIdentity(a.out, enrolled.identity,
                                                            store.password, output),
                                              "writing " + a.name));
  ReportIdentity(files, a.name, enrolled.identity.certificate, o.key_spec,
                 RoleOf(enrolled.identity.certificate), a.json, "Enrolled");
  return {};
}

Subcommand RegisterServe(CLI::App* app) {
  auto s = std::make_shared<ServeArgs>();
  CLI::App* serve = app->add_subcommand(
      "serve", "Run the CA service: nodes enroll with one-time tokens and renew over mTLS");
  serve->add_option("--dir", s->dir, "The CA's directory")->required();
  serve->add_option("--listen", s->listen, "ADDRESS:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--dns", s->dns,
                    "DNS name for the service's certificate (repeatable; default localhost and "
                    "this host's name)");
  serve->add_option("--ip", s->ips,
                    "IP address for the service's certificate (repeatable; default 127.0.0.1, "
                    "::1 and the listen address)");
  serve->add_option("--ca-password-file", s->ca_password_file,
                    "CA key password file (else $CERTMINT_CA_PASSWORD, else a prompt)");
  serve->add_option("--threads", s->threads, "Worker threads (connections served at once)")
      ->capture_default_str();
  serve->add_option("--max-body", s->max_body, "Largest request body in bytes (else 413)")
      ->capture_default_str();
  serve->add_option("--rate-limit", s->rate,
                    "Requests per second per client address, on average (0: no limit; else 429)")
      ->capture_default_str();
  serve->add_option("--burst", s->burst, "Requests a client address may make at once")
      ->capture_default_str();
  serve->add_option("--tls-days", s->tls_days,
                    "Validity of the service's own TLS certificate (1 to 397); the service "
                    "renews it at two thirds of that")
      ->capture_default_str();
  serve->add_flag("--quiet", s->quiet, "No access log (otherwise one JSON line per request on "
                                       "stderr)");
  AddArgvPasswordTraps(serve);
  serve->footer(
      "API (JSON, version 1):\n"
      "  POST /v1/enroll  {token, name, csr}   one-time token + CSR -> certificate chain\n"
      "  POST /v1/renew   {csr}                mTLS with the current certificate -> new chain\n"
      "  GET  /v1/ca      trust anchors and the issuing chain\n"
      "  GET  /v1/crl     the CRL (DER; /v1/crl.pem in PEM)\n"
      "  GET  /v1/health  status and the CA's expiry\n"
      "The service's TLS key is made at start-up and never written; its certificate is\n"
      "recorded in the inventory as certmint-serve, and the service replaces both with new\n"
      "ones at two thirds of --tls-days (a JSON line on stderr says so). SIGTERM or SIGINT\n"
      "stop it after the requests in flight.\n"
      "SIGHUP reloads the CA directory, after `certmint ca rotate` and `certmint ca retire`:\n"
      "later requests are signed by its CA and get its anchors, and the service's certificate\n"
      "is replaced (during a rotation it sends the new CA certified by the previous one above\n"
      "it, so nodes trusting only the previous CA can renew). A new CA's key is decrypted with\n"
      "--ca-password-file or $CERTMINT_CA_PASSWORD, read again. A JSON line on stderr\n"
      "(ca_reloaded or ca_reload_failed) says what happened; a failed reload changes nothing.\n\n"
      "Example:\n  certmint serve --dir pki --listen 0.0.0.0:8443 --dns ca.kafka.example.com "
      "--ca-password-file ca.pass");

  return {serve, [serve, s]() -> Result<int> {
            CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(serve));
            return RunServe(*s);
          }};
}

Subcommand RegisterToken(CLI::App* app) {
  CLI::App* token = app->add_subcommand("token", "One-time enrollment tokens for certmint serve");
  token->require_subcommand(1);
  auto t = std::make_shared<TokenArgs>();
  CLI::App* create = token->add_subcommand(
      "create", "Make a one-time token that obtains one certificate for NAME");
  create->add_option("NAME", t->name, "The identity the token is for (its CN)")->required();
  create->add_option("--dir", t->dir, "The CA's directory")->required();
  create->add_option("--dns", t->dns, "DNS name the certificate may carry (repeatable)");
  create->add_option("--ip", t->ips, "IP address the certificate may carry (repeatable)");
  create->add_option("--role", t->role, "server, client or both")->capture_default_str();
  create->add_option("--ttl", t->ttl, "How long the token stays usable (90s, 30m, 24h, 7d)")
      ->capture_default_str();
  create->add_option("--days", t->days, "Validity of the certificate it obtains")
      ->capture_default_str();
  create->add_option("--out", t->out_file, "Write the token to this file (0600) instead of "
                                           "stdout");
  create->add_flag("--json", t->json, "Print the token and its grant as JSON");
  create->footer(
      "The token (cmt_ + 256 random bits in hex) is printed once, alone on stdout, and stored\n"
      "only as its SHA-256 in the inventory. It works once, until --ttl has passed, and only for\n"
      "NAME with at most these names (NAME itself is added as a DNS name when it is a host\n"
      "name).\n\n"
      "Example:\n  certmint token create broker-4 --dir pki --dns broker-4.kafka.example.com "
      "--ip 10.0.0.14 --out broker-4.token");
  auto tl = std::make_shared<TokenListArgs>();
  CLI::App* list = token->add_subcommand("list", "Tokens: their names, state and expiry");
  list->add_option("--dir", tl->dir, "The CA's directory")->required();
  list->add_flag("--json", tl->json, "Print JSON");
  auto tr = std::make_shared<TokenRevokeArgs>();
  CLI::App* revoke = token->add_subcommand(
      "revoke", "Withdraw an unused token (lost, or handed to the wrong place)");
  revoke->add_option("ID", tr->id, "The token's id, as token create and token list show it")
      ->required();
  revoke->add_option("--dir", tr->dir, "The CA's directory")->required();

  return {token, Dispatch({{create, FromStatus([t] { return RunTokenCreate(*t); })},
                          {list, FromStatus([tl] { return RunTokenList(*tl); })},
                          {revoke, FromStatus([tr] { return RunTokenRevoke(*tr); })}})};
}

Subcommand RegisterEnroll(CLI::App* app) {
  auto e = std::make_shared<EnrollArgs>();
  CLI::App* enroll = app->add_subcommand(
      "enroll", "On a node: get a certificate from certmint serve with a one-time token");
  enroll->add_option("URL", e->url, "The service: https://HOST[:PORT]")->required();
  enroll->add_option("--token-file", e->token_file,
                     "File holding the token (else $CERTMINT_TOKEN)");
  enroll->add_option("--name", e->name, "The identity name the token was made for")->required();
  enroll->add_option("--ca-fingerprint", e->ca_fingerprint,
                     "SHA-256 fingerprint of the CA certificate: pins the CA on first contact")
      ->required();
  enroll->add_option("--out", e->out, "Directory under which OUT/NAME/ is created")
      ->capture_default_str();
  enroll->add_option("--dns", e->dns, "Ask for only these DNS names (default: all the token "
                                      "grants)");
  enroll->add_option("--ip", e->ips, "Ask for only these IP addresses");
  enroll->add_option("--key-type", e->key_type, "rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384|ed25519")
      ->capture_default_str();
  enroll->add_option("--password-file", e->password_file,
                     "Store password, 6+ printable ASCII characters (else $CERTMINT_PASSWORD, "
                     "else a random one in OUT/NAME/password)");
  AddStoreOutputOptions(enroll, &e->output);
  enroll->add_flag("--json", e->json, "Print the result as JSON");
  AddArgvPasswordTraps(enroll);
  enroll->footer(
      "The key is made here and never sent: the service gets a CSR. The service's CA must have\n"
      "the pinned fingerprint before anything is sent, and its answer must carry our key and\n"
      "name. Writes the same files as `certmint issue` (stores, kafka.properties,\n"
      "librdkafka.properties). Renew later with `certmint renew NAME --server URL --out OUT`.\n\n"
      "Example:\n  certmint enroll https://ca.kafka.example.com:8443 --name broker-4 "
      "--token-file broker-4.token \\\n"
      "      --ca-fingerprint 3F:9A:...:C1 --out /etc/kafka/ssl");

  return {enroll, [enroll, e]() -> Result<int> {
            CM_RETURN_IF_ERROR(CheckArgvPasswordTraps(enroll));
            CM_RETURN_IF_ERROR(RunEnroll(*e));
            return 0;
          }};
}

}  // namespace

Runner RegisterServiceCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  return Dispatch({RegisterServe(app), RegisterToken(app), RegisterEnroll(app)});
}

}  // namespace certmint::cli
