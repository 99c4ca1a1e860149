#include "tls/probe_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/json_value.h"

namespace certmint {

std::string ProbeName(const ProbeOptions& options) {
  return options.servername.empty() ? options.host : options.servername;
}

std::string RenderProbeText(const std::string& target, const ProbeOptions& options,
                            const ProbeReport& r) {
  std::string text = fmt::format("{}: {} {}\n", target, r.protocol, r.cipher);
  for (size_t i = 0; i < r.chain.size(); ++i) {
    const auto& c = r.chain[i];
    text += fmt::format("  [{}] {}\n      issuer {}, until {} ({} days left)\n", i,
                        c.Subject().ToString(), c.Issuer().ToString(), FormatUtc(c.NotAfter()),
                        DaysLeft(c.NotAfter(), options.now));
  }
  if (r.chain_trusted) {
    text += fmt::format("{}  chain: {}\n", *r.chain_trusted ? "ok  " : "fail",
                        *r.chain_trusted ? "reaches a trusted CA" : r.chain_reason);
    text += fmt::format("{}  name {}: {}\n", *r.name_matches ? "ok  " : "fail", ProbeName(options),
                        *r.name_matches ? "covered by the certificate's SANs"
                                        : "not covered by the certificate's SANs");
  } else {
    text += "note  chain not verified: give --truststore\n";
  }
  if (!r.server_rejected.empty()) {
    text += fmt::format("fail  the server refused our client certificate: {}\n", r.server_rejected);
  }
  return text;
}

std::string RenderProbeJson(const std::string& target, const ProbeOptions& options,
                            const ProbeReport& r) {
  nlohmann::json chain = nlohmann::json::array();
  for (const auto& c : r.chain) {
    chain.push_back({{"subject", c.Subject().ToString()},
                     {"issuer", c.Issuer().ToString()},
                     {"not_after", FormatUtc(c.NotAfter())},
                     {"days_left", DaysLeft(c.NotAfter(), options.now)},
                     {"sha256_fingerprint", c.Sha256Fingerprint()}});
  }
  nlohmann::json j{{"target", target},
                   {"protocol", r.protocol},
                   {"cipher", r.cipher},
                   {"chain", chain},
                   {"ok", r.ok()},
                   {"name", ProbeName(options)},
                   {"client_certificate_rejected", !r.server_rejected.empty()},
                   {"client_certificate_reason", NullIfEmpty(r.server_rejected)},
                   // Without --truststore nothing was verified: null, not false.
                   {"chain_trusted", nullptr},
                   {"chain_reason", NullIfEmpty(r.chain_reason)},
                   {"name_matches", nullptr}};
  if (r.chain_trusted) {
    j["chain_trusted"] = *r.chain_trusted;
    j["name_matches"] = *r.name_matches;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace certmint
