// certmint serve, token and enroll: the CA service and the nodes that enroll
// with it.
#include <iostream>
#include <memory>
#include <tuple>

#include "ca/records.h"
#include "cli/commands.h"
#include "cli/hook_flags.h"
#include "cli/options.h"
#include "cli/passwords.h"
#include "enroll/enroll.h"
#include "enroll/enroll_to_dir.h"
#include "enroll/token.h"
#include "enroll/token_report.h"
#include "server/serve.h"
#include "server/serve_text.h"
#include "tls/probe.h"
#include "x509/san_lists.h"

namespace certmint::cli {
namespace {

struct ServeArgs {
  ServeConfig config;  // the limits bound to their flags directly
  std::string listen = "127.0.0.1:8443";
  std::string status_listen;  // empty: no status listener
  std::string admin_listen;   // empty: no admin listener
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string ca_password_file;
};

Result<int> RunServe(const ServeArgs& a) {
  ServeConfig config = a.config;
  CM_ASSIGN_OR_RETURN(std::tie(config.server.host, config.server.port),
                      WithContext(ParseHostPort(a.listen, /*allow_port_zero=*/true), "--listen"));
  if (!a.status_listen.empty()) {
    CM_ASSIGN_OR_RETURN(
        config.status_listen,
        WithContext(ParseHostPort(a.status_listen, /*allow_port_zero=*/true), "--status-listen"));
  }
  if (!a.admin_listen.empty()) {
    CM_ASSIGN_OR_RETURN(
        config.admin_listen,
        WithContext(ParseHostPort(a.admin_listen, /*allow_port_zero=*/true), "--admin-listen"));
  }
  CM_ASSIGN_OR_RETURN(config.sans, ParseSanLists(a.dns, a.ips));
  ConnectServeConsole(config, PrintConsole);
  config.ca_password = CaPasswordFrom(a.ca_password_file);
  // A reload reads the file or variable again (`ca rotate
  // --new-ca-password-file` may have changed it), or the PIN for a CA whose
  // key is in a PKCS#11 token; never a prompt.
  config.reload_password = [dir = a.config.dir, file = a.ca_password_file] {
    return ReadCaReloadSecret(dir, file);
  };
  CM_RETURN_IF_ERROR(Serve(config));
  std::cout << "certmint serve: stopped\n" << std::flush;
  return 0;
}

struct TokenArgs {
  std::string name;
  std::string dir;
  RequestFlags request;  // --dns, --ip, --role, --days and --subject (a template)
  std::string ttl = "24h";
  std::string out_file;
  bool json = false;
};

Status RunTokenCreate(const TokenArgs& a) {
  CM_ASSIGN_OR_RETURN(auto ttl, WithContext(ParseDuration(a.ttl), "--ttl"));
  const auto now = std::chrono::system_clock::now();
  CM_ASSIGN_OR_RETURN(const auto made,
                      CreateTokenIn(a.dir, a.name, a.request, ttl, a.out_file, now));
  const auto& [grant, created] = made;
  if (a.json) {
    std::string text = RenderTokenCreatedJson(grant, created, a.out_file);
    PrintJson(text);
    Cleanse(text);
    return {};
  }
  // The token alone on stdout (TOKEN=$(certmint token create ...)); the
  // details on stderr.
  if (a.out_file.empty()) {
    std::cout << created.token.reveal() << '\n' << std::flush;
  }
  std::cerr << RenderTokenCreatedText(grant, created, a.out_file);
  return {};
}

struct TokenListArgs {
  std::string dir;
  bool json = false;
};

Status RunTokenList(const TokenListArgs& a) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventoryReadOnly(a.dir));
  CM_ASSIGN_OR_RETURN(auto tokens, inventory->ListTokens());
  const auto now = std::chrono::system_clock::now();
  PrintResult(a.json, RenderTokenListJson(tokens, now), RenderTokenListText(tokens, now));
  return {};
}

struct TokenRevokeArgs {
  std::string id;
  std::string dir;
};

Status RunTokenRevoke(const TokenRevokeArgs& a) {
  CM_ASSIGN_OR_RETURN(auto inventory, OpenCaInventory(a.dir));
  CM_ASSIGN_OR_RETURN(auto t, inventory->RevokeToken(a.id, std::chrono::system_clock::now()));
  std::cout << RenderTokenRevokedText(t);
  return {};
}

struct EnrollArgs {
  EnrollFlags flags;
  std::string token_file;
  std::string password_file;
  bool json = false;
};

Status RunEnroll(const EnrollArgs& a) {
  CM_ASSIGN_OR_RETURN(auto request, MakeEnrollToDirRequest(a.flags));
  const KeySpec key_spec = request.enroll.key_spec;
  request.token = [&] {
    return ReadRequiredSecret({a.token_file, "CERTMINT_TOKEN", "", false, "--token-file"},
                              "enrollment token");
  };
  request.store_password = [&] { return NewIdentityStorePassword(a.password_file); };
  CM_ASSIGN_OR_RETURN(auto done, EnrollIdentityToDir(std::move(request)));
  PrintResult(a.json, EnrolledToDirJson(done, a.flags.name, key_spec),
              EnrolledToDirText(done, key_spec));
  if (done.hook) {
    PrintHookOutcome(*done.hook, a.json);
  }
  return {};
}

Subcommand RegisterServe(CLI::App* app) {
  auto s = std::make_shared<ServeArgs>();
  CLI::App* serve = app->add_subcommand(
      "serve", "Run the CA service: nodes enroll with one-time tokens and renew over mTLS");
  AddCaDir(serve, &s->config.dir);
  serve->add_option("--listen", s->listen, "ADDRESS:PORT to listen on (port 0: any free port)");
  serve->add_option("--status-listen", s->status_listen,
                    "ADDRESS:PORT of a plain-HTTP status listener: OCSP at /ocsp, the CRL at "
                    "/crl.der (docs/revocation.md; none by default)");
  serve->add_option("--admin-listen", s->admin_listen,
                    "Loopback ADDRESS:PORT of a plain-HTTP admin listener: the live inventory at "
                    "/ui/ and /v1/inventory, metrics at /metrics (docs/dashboard.md; elsewhere "
                    "those need an admin client certificate)");
  serve->add_option("--status-threads", s->config.status_threads,
                    "Threads answering the status listener (default: one per core, at least 2)");
  serve->add_option("--dns", s->dns,
                    "DNS name for the service's certificate (repeatable; default localhost and "
                    "this host's name)");
  serve->add_option("--ip", s->ips,
                    "IP address for the service's certificate (repeatable; default 127.0.0.1, "
                    "::1 and the listen address)");
  AddCaPasswordFile(serve, &s->ca_password_file);
  serve->add_option("--threads", s->config.server.threads,
                    "Requests handled at once (a client that is slow to send holds none)");
  serve->add_option("--max-body", s->config.server.max_body_bytes,
                    "Largest request body in bytes (else 413)");
  serve->add_option("--rate-limit", s->config.server.rate_per_second,
                    "Requests per second per client address, on average (0: no limit; else 429)");
  serve->add_option("--burst", s->config.server.burst,
                    "Requests a client address may make at once");
  serve->add_option("--tls-days", s->config.tls_days,
                    "Validity of the service's own TLS certificate (1 to 397); the service "
                    "renews it at two thirds of that");
  serve->add_flag("--quiet", s->config.quiet,
                  "No access log (otherwise one JSON line per request on "
                  "stderr)");

  return {serve, [s] { return RunServe(*s); }};
}

Subcommand RegisterToken(CLI::App* app) {
  CLI::App* token = app->add_subcommand("token", "One-time enrollment tokens for certmint serve");
  token->require_subcommand(1);
  auto t = std::make_shared<TokenArgs>();
  CLI::App* create = token->add_subcommand(
      "create", "Make a one-time token that obtains one certificate for NAME");
  create->add_option("NAME", t->name, "The identity the token is for (its CN)")->required();
  AddCaDir(create, &t->dir);
  AddSanFlags(create, &t->request.dns, &t->request.ips, SanUse::kAllowed);
  AddRole(create, &t->request.role);
  create->add_option("--ttl", t->ttl, "How long the token stays usable (90s, 30m, 24h, 7d)");
  AddDays(create, &t->request.days);
  create->add_option("--subject", t->request.subject,
                     "Subject DN the certificate gets, whatever the node asks for: Kafka's "
                     "principal (default CN=NAME). A template as in a manifest: {name} is NAME, "
                     "{n} the number NAME ends with");
  create->add_option("--out", t->out_file,
                     "Write the token to this file (0600) instead of "
                     "stdout");
  AddJson(create, &t->json, "the token and its grant");
  auto tl = std::make_shared<TokenListArgs>();
  CLI::App* list = token->add_subcommand("list", "Tokens: their names, state and expiry");
  AddCaDir(list, &tl->dir);
  AddJson(list, &tl->json, "the tokens");
  auto tr = std::make_shared<TokenRevokeArgs>();
  CLI::App* revoke = token->add_subcommand(
      "revoke", "Withdraw an unused token (lost, or handed to the wrong place)");
  revoke->add_option("ID", tr->id, "The token's id, as token create and token list show it")
      ->required();
  AddCaDir(revoke, &tr->dir);

  return {token, Dispatch({{create, FromStatus([t] { return RunTokenCreate(*t); })},
                           {list, FromStatus([tl] { return RunTokenList(*tl); })},
                           {revoke, FromStatus([tr] { return RunTokenRevoke(*tr); })}})};
}

Subcommand RegisterEnroll(CLI::App* app) {
  auto e = std::make_shared<EnrollArgs>();
  CLI::App* enroll = app->add_subcommand(
      "enroll", "On a node: get a certificate from certmint serve with a one-time token");
  enroll
      ->add_option("URL", e->flags.url,
                   "The service: https://HOST[:PORT], or its replicas comma-separated "
                   "(https://ca1:8443,https://ca2:8443: the next is tried when one cannot answer)")
      ->required();
  enroll->add_option("--token-file", e->token_file,
                     "File holding the token (else $CERTMINT_TOKEN)");
  enroll->add_option("--name", e->flags.name, "The identity name the token was made for")
      ->required();
  enroll
      ->add_option("--ca-fingerprint", e->flags.ca_fingerprint,
                   "SHA-256 fingerprint of the CA certificate: pins the CA on first contact")
      ->required();
  AddIdentityOut(enroll, &e->flags.out);
  AddSanFlags(enroll, &e->flags.request.dns, &e->flags.request.ips, SanUse::kAsked);
  AddKeyType(enroll, &e->flags.request.key_type);
  AddStorePasswordFile(enroll, &e->password_file, StorePasswordUse::kNewIdentity);
  AddOutputFlags(enroll, &e->flags.output);
  enroll->add_option("--install-dir", e->flags.output.install_dir,
                     "Where the files will live on this node, if not OUT/NAME: the paths the "
                     "settings files name");
  enroll->add_flag("--replace", e->flags.replace,
                   "Replace an existing OUT/NAME (after its certificate was revoked): the old "
                   "directory stays whole until the new one is in place");
  AddJson(enroll, &e->json);
  AddReloadHookFlags(enroll, &e->flags.hook);

  return {enroll, FromStatus([e] { return RunEnroll(*e); })};
}

}  // namespace

Runner RegisterServiceCommands(CLI::App* app, const GlobalOptions& /*global*/) {
  return Dispatch({RegisterServe(app), RegisterToken(app), RegisterEnroll(app)});
}

}  // namespace certmint::cli
