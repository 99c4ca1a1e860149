// The answers of `certmint serve`'s status listener (plain HTTP; the
// answers are signed): OCSP at kOcspPath (RFC 6960 Appendix A: POST with
// Content-Type application/ocsp-request, or GET with the request in base64
// after the path and a "/") and the current CRL in DER at kCrlPath. No rate
// limit: every TLS handshake a relying party checks asks once, and an
// answer costs one signature; the front's limits (sizes, deadlines,
// connection caps) hold as on the HTTPS listener.
#pragma once

#include <functional>
#include <string_view>

#include "core/clock.h"
#include "ocsp/crl_publisher.h"
#include "ocsp/responder.h"
#include "server/http_routes.h"

namespace certmint {

class StatusRoutes final : public HttpHandler {
 public:
  // `responder` and `crl` must outlive the routes; `log` gets access-log
  // lines (null: none).
  StatusRoutes(const OcspResponder* responder, const CrlPublisher* crl, Clock clock,
               std::function<void(std::string_view)> log);

  HttpResponse Answer(const HttpRequest& request) override;
  void Log(std::string_view remote, std::string_view method, std::string_view target,
           const HttpResponse& response) const override;

 private:
  HttpResponse Route(const HttpRequest& request);
  HttpResponse Ocsp(std::string_view der);

  const OcspResponder* responder_;
  const CrlPublisher* crl_;
  Clock clock_;
  std::function<void(std::string_view)> log_;
};

}  // namespace certmint
