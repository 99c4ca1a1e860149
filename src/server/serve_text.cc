#include "server/serve_text.h"

#include <fmt/format.h>

#include <memory>
#include <mutex>

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

std::string RenderAdminListening(const std::string& host, int port) {
  return fmt::format("Admin listener on http://{}:{}/ui/ (loopback only; /metrics too)\n",
                     PrintableBytes(host), port);
}

void ConnectServeConsole(ServeConfig& config, const ConsoleSink& print) {
  config.log = [print, mu = std::make_shared<std::mutex>()](std::string_view line) {
    std::lock_guard<std::mutex> lock(*mu);
    print({"", std::string(line) + "\n"});
  };
  if (!config.quiet) {
    config.server.log = config.log;
  }
  config.listening = [print, host = config.server.host](int port, const std::string& fingerprint,
                                                        const ServerIdentity& id) {
    print({RenderServeListening(host, port, fingerprint, id), ""});
  };
  const std::string status_host = config.status_listen ? config.status_listen->first : "";
  config.status_listening = [print, status_host](int port) {
    print({RenderStatusListening(status_host, port), ""});
  };
  const std::string admin_host = config.admin_listen ? config.admin_listen->first : "";
  config.admin_listening = [print, admin_host](int port) {
    print({RenderAdminListening(admin_host, port), ""});
  };
}

}  // namespace certmint
