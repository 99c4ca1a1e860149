#include "server/serve_text.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "server/certificate_keeper.h"

namespace certmint {

std::string RenderServeListening(const std::string& host, int port, const std::string& fingerprint,
                                 const ServerIdentity& identity) {
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format("certmint serve: listening on https://{}:{}\n", shown_host, port) +
         fmt::format("  CA fingerprint (for enroll --ca-fingerprint): {}\n", fingerprint) +
         fmt::format("  server certificate: {} (in memory), valid until {}, renewed at {}\n",
                     identity.certificate.Sans().ToString(),
                     FormatUtc(identity.certificate.NotAfter()),
                     FormatUtc(ServerCertificateKeeper::Due(identity.certificate)));
}

std::string RenderStatusListening(const std::string& host, int port) {
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return fmt::format(
      "certmint serve: status listener on http://{}:{} (OCSP at /ocsp, CRL at /crl.der)\n",
      shown_host, port);
}

}  // namespace certmint
