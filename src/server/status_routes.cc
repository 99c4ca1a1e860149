#include "server/status_routes.h"

#include <openssl/ocsp.h>

#include "ca/ca_settings.h"
#include "enroll/protocol.h"

namespace certmint {
namespace {

constexpr std::string_view kOcspRequestType = "application/ocsp-request";

HttpResponse ErrorAnswer(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorJson(code, message);
  return r;
}

// Whether a Content-Type is application/ocsp-request (type and subtype
// case-insensitive, parameters ignored), or absent.
bool IsOcspRequestType(std::string_view content_type) {
  if (content_type.empty()) {
    return true;
  }
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  const size_t end = type.find_last_not_of(" \t");
  const std::string_view trimmed = type.substr(0, end == std::string_view::npos ? 0 : end + 1);
  if (trimmed.size() != kOcspRequestType.size()) {
    return false;
  }
  for (size_t i = 0; i < trimmed.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(trimmed[i])) != kOcspRequestType[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

StatusRoutes::StatusRoutes(const OcspResponder* responder, const CrlPublisher* crl, Clock clock,
                           std::function<void(std::string_view)> log)
    : responder_(responder), crl_(crl), clock_(std::move(clock)), log_(std::move(log)) {}

HttpResponse StatusRoutes::Answer(const HttpRequest& request) {
  try {
    return Route(request);
  } catch (...) {
    return FrontRefusal(500);
  }
}

HttpResponse StatusRoutes::Ocsp(std::string_view der) {
  OcspAnswer answer = responder_->Answer(der, clock_());
  HttpResponse r;
  r.content_type = "application/ocsp-response";
  r.body = std::move(answer.der);
  r.log_name = "ocsp:" + answer.summary;  // the access log's "name": the outcome
  return r;
}

HttpResponse StatusRoutes::Route(const HttpRequest& request) {
  const std::string_view path = TargetPath(request.target);
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path == kCrlPath) {
    if (!get) {
      HttpResponse r = ErrorAnswer(405, "method_not_allowed", "the CRL is fetched with GET");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    const auto crl = crl_->Current();
    if (!crl) {
      return ErrorAnswer(503, "crl_unavailable", "no CRL has been signed yet; retry later");
    }
    HttpResponse r;
    r.content_type = "application/pkix-crl";
    r.body = crl->der;
    return r;
  }
  const std::string ocsp_dir = std::string(kOcspPath) + "/";
  if (path == kOcspPath || path == ocsp_dir) {
    if (request.method != "POST") {
      HttpResponse r =
          ErrorAnswer(405, "method_not_allowed",
                      "POST an OCSP request here, or GET it base64-encoded below /ocsp/");
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    if (!IsOcspRequestType(request.content_type)) {
      return ErrorAnswer(415, "unsupported_media_type", "send application/ocsp-request");
    }
    return Ocsp(request.body);
  }
  if (std::string_view(request.target).substr(0, ocsp_dir.size()) == ocsp_dir) {
    if (!get) {
      HttpResponse r = ErrorAnswer(405, "method_not_allowed", "a request in the path is a GET");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    auto der = DecodeOcspGetRequest(std::string_view(request.target).substr(ocsp_dir.size()));
    if (!der) {
      HttpResponse r;
      r.content_type = "application/ocsp-response";
      r.body = OcspResponder::StatusOnly(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
      r.log_name = "ocsp:malformedRequest";
      return r;
    }
    return Ocsp(*der);
  }
  return ErrorAnswer(404, "not_found", "no such path (OCSP at /ocsp, the CRL at /crl.der)");
}

void StatusRoutes::Log(std::string_view remote, std::string_view method, std::string_view target,
                       const HttpResponse& response) const {
  if (!log_) {
    return;
  }
  // The path only: a GET's path is the request itself, which says nothing
  // a log reader needs.
  const std::string_view path = TargetPath(target);
  const std::string_view shown =
      path.substr(0, path.size() > kOcspPath.size() + 1 &&
                             path.substr(0, kOcspPath.size() + 1) == std::string(kOcspPath) + "/"
                         ? kOcspPath.size() + 1
                         : path.size());
  WriteAccessLog(log_, clock_(), remote, method, shown, response);
}

}  // namespace certmint
