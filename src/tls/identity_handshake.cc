#include "tls/identity_handshake.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/json_value.h"
#include "tls/context.h"

namespace certmint {
namespace {

Result<std::vector<std::string>> HostsToDial(const HandshakeParty& server,
                                             const std::vector<std::string>& hosts) {
  if (!hosts.empty()) {
    return hosts;
  }
  if (server.keystore->keys.empty()) {
    return MakeError(ErrorCode::kInvalidData, fmt::format("{}: no key entry", server.label));
  }
  const SubjectAltNames sans = server.keystore->keys[0].chain[0].Sans();
  return std::vector<std::string>{!sans.dns.empty()   ? sans.dns[0]
                                  : !sans.ips.empty() ? sans.ips[0]
                                                      : "127.0.0.1"};
}

Result<ossl::SslCtxPtr> PartyContext(const HandshakeParty& party, TlsSide side, int version,
                                     const std::vector<Crl>& crls) {
  TlsContextOptions o;
  o.side = side;
  o.min_version = o.max_version = version;
  o.crls = crls;
  return WithContext(MakeTlsContext(party.keystore, *party.truststore, o), party.label);
}

}  // namespace

Result<std::vector<int>> ParseTlsVersionChoice(std::string_view text) {
  if (text != "1.2" && text != "1.3" && text != "both") {
    return MakeError(ErrorCode::kInvalidArgument, "expected 1.2, 1.3 or both");
  }
  std::vector<int> versions;
  if (text != "1.2") {
    versions.push_back(TLS1_3_VERSION);
  }
  if (text != "1.3") {
    versions.push_back(TLS1_2_VERSION);
  }
  return versions;
}

Result<bool> RunIdentityHandshakes(const HandshakeParty& server, const HandshakeParty& client,
                                   const IdentityHandshakeOptions& options,
                                   const std::function<void(const HandshakeAttempt&)>& on_attempt) {
  CM_ASSIGN_OR_RETURN(auto hosts, HostsToDial(server, options.hosts));
  bool all_ok = true;
  for (int version : options.versions) {
    CM_ASSIGN_OR_RETURN(auto sctx, PartyContext(server, TlsSide::kServer, version, options.crls));
    CM_ASSIGN_OR_RETURN(auto cctx, PartyContext(client, TlsSide::kClient, version, options.crls));
    for (const auto& host : hosts) {
      CM_ASSIGN_OR_RETURN(auto r, RunLocalHandshake(sctx.get(), cctx.get(), {host, 10000}));
      all_ok &= r.ok;
      on_attempt({version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2", host, std::move(r)});
    }
  }
  return all_ok;
}

std::string RenderHandshakeAttemptText(const HandshakeAttempt& attempt) {
  const HandshakeReport& r = attempt.report;
  if (!r.ok) {
    return fmt::format("fail  {} to {}: {}\n", attempt.version, attempt.host, r.reason);
  }
  return fmt::format("ok    {} {} to {}: server {}, client {}\n", r.protocol, r.cipher,
                     attempt.host, r.server_subject,
                     r.client_subject.empty() ? "(no certificate)" : r.client_subject);
}

std::string RenderHandshakesJson(const std::vector<HandshakeAttempt>& attempts, bool all_ok) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& a : attempts) {
    const HandshakeReport& r = a.report;
    results.push_back({{"tls", a.version},
                       {"host", a.host},
                       {"ok", r.ok},
                       {"protocol", NullIfEmpty(r.protocol)},
                       {"cipher", NullIfEmpty(r.cipher)},
                       {"server_subject", NullIfEmpty(r.server_subject)},
                       {"client_subject", NullIfEmpty(r.client_subject)},
                       {"reason", NullIfEmpty(r.reason)}});
  }
  return nlohmann::json{{"ok", all_ok}, {"handshakes", results}}.dump(
      2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace certmint
