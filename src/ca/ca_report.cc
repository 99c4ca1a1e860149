#include "ca/ca_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace certmint {

std::string RenderCaCreatedText(const CertificateAuthority& ca, const KeySpec& spec,
                                bool intermediate) {
  const Certificate& cert = ca.certificate();
  return fmt::format(
      "Created {}CA '{}' ({}), valid until {}\n"
      "  certificate: {}\n"
      "  key:         {} ({})\n"
      "  SHA-256:     {}\n",
      intermediate ? "intermediate " : "", cert.Subject().ToString(), spec.ToString(),
      FormatUtc(cert.NotAfter()), CaCertPath(ca.dir()), ca.key_location(),
      ca.key_in_token() ? "in the PKCS#11 token" : "encrypted", cert.Sha256Fingerprint());
}

std::string RenderCaCreatedJson(const CertificateAuthority& ca, const KeySpec& spec,
                                bool intermediate) {
  const Certificate& cert = ca.certificate();
  return nlohmann::json{{"dir", ca.dir()},
                        {"intermediate", intermediate},
                        {"certificate", CaCertPath(ca.dir())},
                        {"key", ca.key_location()},
                        {"subject", cert.Subject().ToString()},
                        {"key_type", spec.ToString()},
                        {"not_after", FormatUtc(cert.NotAfter())},
                        {"sha256_fingerprint", cert.Sha256Fingerprint()}}
      .dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace certmint
