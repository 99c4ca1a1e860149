#include "server/http_routes.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "enroll/protocol.h"
#include "server/admin_routes.h"
#include "server/metrics.h"
#include "version.h"

namespace certmint {
namespace {

HttpResponse Json(int status, std::string body, std::string log_name = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.log_name = std::move(log_name);
  return r;
}

HttpResponse ErrorAnswer(int status, std::string_view code, std::string_view message) {
  HttpResponse r = Json(status, ErrorJson(code, message));
  r.refusal = std::string(code);
  return r;
}

// The HTTP status of each refusal (RFC 9110 §15): 400 for what is malformed,
// 401 for a missing or unusable credential, 403 for what the credential does
// not allow, 409 for a lost race, 503 for what may work later.
int HttpStatus(ProtocolError error) {
  switch (error) {
    case ProtocolError::kBadRequest:
    case ProtocolError::kBadCsr:
    case ProtocolError::kBadCsrSignature:
    case ProtocolError::kWeakKey:
      return 400;
    case ProtocolError::kInvalidToken:
    case ProtocolError::kTokenUsed:
    case ProtocolError::kTokenExpired:
    case ProtocolError::kTokenRevoked:
    case ProtocolError::kClientCertificateRequired:
      return 401;
    case ProtocolError::kNameNotAllowed:
    case ProtocolError::kNamesNotAllowed:
    case ProtocolError::kCaNotAllowed:
    case ProtocolError::kCertificateRejected:
    case ProtocolError::kUnknownCertificate:
    case ProtocolError::kCertificateRevoked:
    case ProtocolError::kCertificateSuperseded:
      return 403;
    case ProtocolError::kSupersededMeanwhile:
      return 409;
    case ProtocolError::kInventoryUnavailable:
    case ProtocolError::kCaUnavailable:
      return 503;
  }
  return 500;
}

HttpResponse Refusal(const ServiceError& e) {
  HttpResponse r =
      Json(HttpStatus(e.error), ErrorJson(ProtocolErrorCode(e.error), e.message), e.name);
  r.refusal = std::string(ProtocolErrorCode(e.error));
  return r;
}

HttpResponse Issued(const ServiceResult<IssuedChain>& r) {
  if (!r) {
    return Refusal(r.error());
  }
  return Json(200, IssuedChainJson(*r), r->name);
}

bool Healthy(const HealthReport& h) { return h.ca_valid && h.inventory_reachable; }

std::string HealthJson(const HealthReport& h) {
  const Certificate& c = h.ca;
  nlohmann::json j{{"status", !h.ca_valid              ? "ca_expired"
                              : !h.inventory_reachable ? "inventory_unreachable"
                                                       : "ok"},
                   {"inventory", {{"reachable", h.inventory_reachable}}},
                   {"version", kVersion},
                   {"ca",
                    {{"subject", c.Subject().ToString()},
                     {"not_after", FormatUtc(c.NotAfter())},
                     {"sha256_fingerprint", c.Sha256Fingerprint()}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool IsPostRoute(std::string_view path) { return path == "/v1/enroll" || path == "/v1/renew"; }

bool IsGetRoute(std::string_view path) {
  return path == "/v1/ca" || path == "/v1/crl" || path == "/v1/crl.pem" || path == "/v1/health";
}

}  // namespace

HttpResponse FrontRefusal(int status) {
  switch (status) {
    case 411:
      return ErrorAnswer(411, "length_required",
                         "send the body with a Content-Length (or in chunked transfer coding)");
    case 413:
      return ErrorAnswer(413, "body_too_large", "the request body is too large");
    case 431:
      return ErrorAnswer(431, "headers_too_large",
                         "the request's header fields are too large or too many");
    case 500:
      return ErrorAnswer(500, "internal", "the request could not be handled");
    default:
      return ErrorAnswer(400, "bad_request", "the request is malformed");
  }
}

std::string_view TargetPath(std::string_view target) { return target.substr(0, target.find('?')); }

HttpRoutes::HttpRoutes(EnrollmentService* service, const ServerOptions& options)
    : service_(service),
      metrics_(options.metrics),
      admin_(options.admin),
      clock_(options.clock),
      log_(options.log),
      limiter_(options.rate_per_second, options.burst) {}

HttpResponse HttpRoutes::Answer(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  HttpResponse r;
  if (!limiter_.Allow(request.remote, RateLimiter::Clock::now())) {
    r = ErrorAnswer(429, "rate_limited", "too many requests from this address; retry later");
    r.headers.emplace_back("Retry-After", std::to_string(limiter_.RetryAfterSeconds()));
  } else {
    try {
      r = Route(request);
    } catch (...) {
      r = FrontRefusal(500);
    }
  }
  if (metrics_ != nullptr) {
    metrics_->Observe(
        TargetPath(request.target), r.status, r.refusal,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  return r;
}

HttpResponse HttpRoutes::Admin(const HttpRequest& request) {
  if (!request.peer || !admin_->IsAdministrator(request.peer())) {
    return AdminRoutes::Forbidden();
  }
  return admin_->Answer(request);
}

HttpResponse HttpRoutes::Route(const HttpRequest& request) {
  const std::string_view path = TargetPath(request.target);
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (admin_ != nullptr && AdminRoutes::IsAdminPath(path)) {
    return Admin(request);
  }
  if (IsPostRoute(path) && request.method == "POST") {
    // The POST endpoints take JSON (or an unlabelled body); anything else is
    // refused before it reaches the service.
    if (!request.content_type.empty() && !IsJsonMediaType(request.content_type)) {
      return ErrorAnswer(415, "unsupported_media_type", "send application/json");
    }
    if (path == "/v1/enroll") {
      return Issued(service_->Enroll(request.body, clock_()));
    }
    return Issued(service_->Renew(request.body, request.peer(), clock_()));
  }
  if (IsGetRoute(path) && get) {
    if (path == "/v1/ca") {
      const auto current = service_->ca();
      return Json(200, CaBundleJson(current->trust, current->authority.Chain()));
    }
    if (path == "/v1/health") {
      const HealthReport h = service_->Health(clock_());
      return Json(Healthy(h) ? 200 : 503, HealthJson(h));
    }
    auto crl = service_->Crl(clock_());
    if (!crl) {
      return Refusal(crl.error());
    }
    HttpResponse r = Json(200, path == "/v1/crl.pem" ? crl->pem : crl->der);
    r.content_type = path == "/v1/crl.pem" ? "application/x-pem-file" : "application/pkix-crl";
    return r;
  }
  if (IsPostRoute(path) || IsGetRoute(path)) {
    HttpResponse r =
        ErrorAnswer(405, "method_not_allowed", "this endpoint does not take this method");
    r.headers.emplace_back("Allow", IsPostRoute(path) ? "POST" : "GET, HEAD");
    return r;
  }
  return ErrorAnswer(404, "not_found", "no such endpoint (the API is under /v1/)");
}

void HttpRoutes::Log(std::string_view remote, std::string_view method, std::string_view target,
                     const HttpResponse& response) const {
  if (log_) {
    WriteAccessLog(log_, clock_(), remote, method, target, response);
  }
}

void WriteAccessLog(const std::function<void(std::string_view)>& log, TimePoint now,
                    std::string_view remote, std::string_view method, std::string_view target,
                    const HttpResponse& response) {
  if (!log) {
    return;
  }
  nlohmann::json line{{"time", FormatUtc(now)},
                      {"remote", remote},
                      {"method", PrintableField(method, 16)},
                      {"path", PrintableField(TargetPath(target), 80)},
                      {"status", response.status}};
  if (!response.log_name.empty()) {
    line["name"] = response.log_name;
  }
  log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace certmint
