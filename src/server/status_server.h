// `certmint serve --status-listen`: the plain-HTTP status listener and what
// keeps its answers current (docs/revocation.md). It owns:
//  - the OCSP responder (ocsp/responder.h) and its delegated responder
//    certificate, issued at start-up through the one issuing path and
//    renewed at two thirds of its life (a ServerCertificateKeeper, as the
//    service's TLS certificate), and at once when the CA changes (SIGHUP);
//  - the published CRL (ocsp/crl_publisher.h), polled every second so that
//    a revocation by another process (`certmint revoke`) is in it within
//    about a second, and signed again hourly;
//  - the listener: the HTTPS front's code over plain TCP, with its limits.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "inventory/inventory.h"
#include "server/http_server.h"
#include "server/service.h"

namespace certmint {

// How often the CRL publisher looks for new revocations.
inline constexpr std::chrono::milliseconds kCrlPollInterval{1000};

struct StatusServerOptions {
  // Address, limits and access log: those of the HTTPS listener but the
  // address, the threads (one per core: answers are work, not waiting) and
  // the body limit (an OCSP request is small).
  ServerOptions server;
  // Events (renewals of the responder certificate, CRLs signed, failures).
  std::function<void(std::string_view)> log;
  bool quiet = false;  // no crl_signed / renewed lines (failures still)
};

class StatusServer {
 public:
  // Issues the responder certificate for `service`'s CA, signs the first
  // CRL and binds the listener. `service` and `inventory` must outlive it.
  static Result<std::unique_ptr<StatusServer>> Start(const StatusServerOptions& options,
                                                     EnrollmentService* service,
                                                     Inventory* inventory);
  ~StatusServer();

  int port() const;
  // Serves on threads of its own until Stop().
  void Run();
  // From any thread; returns once every thread of it ended.
  void Stop();
  // After the service's CA was replaced (SIGHUP): a responder certificate
  // from the new CA at once; the CRL follows at the next poll.
  void CaChanged();

  struct Impl;

 private:
  explicit StatusServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certmint
