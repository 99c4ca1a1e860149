#include "server/admin_routes.h"

#include <arpa/inet.h>
#include <openssl/x509.h>

#include <chrono>

#include "enroll/protocol.h"
#include "report/report_html.h"
#include "x509/role.h"

namespace certmint {
namespace {

// The inventory gauges are measured at most this often (a scrape inside it
// costs no query).
constexpr std::chrono::milliseconds kGaugeTtl{5000};

HttpResponse ErrorAnswer(int status, std::string_view code, std::string_view message) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorJson(code, message);
  r.refusal = std::string(code);
  return r;
}

}  // namespace

AdminRoutes::AdminRoutes(EnrollmentService* service, certmint::Inventory* inventory,
                         ServiceMetrics* metrics, Clock clock)
    : service_(service),
      inventory_(inventory),
      metrics_(metrics),
      clock_(std::move(clock)),
      gauges_(inventory, kGaugeTtl) {}

bool AdminRoutes::IsAdminPath(std::string_view path) {
  return path == "/ui" || path == "/ui/" || path == "/v1/inventory" || path == "/metrics";
}

bool AdminRoutes::IsAdministrator(const PeerCertificate& peer) {
  if (!peer.certificate || peer.verify_result != X509_V_OK ||
      RoleOf(*peer.certificate) != Role::kAdmin) {
    return false;
  }
  // Revoked or superseded admin certificates chain as well as valid ones.
  const auto record = inventory_->FindBySerial(peer.certificate->SerialHex());
  return record && record->status == CertStatus::kValid &&
         record->sha256 == peer.certificate->Sha256Fingerprint() &&
         peer.certificate->NotAfter() > clock_();
}

HttpResponse AdminRoutes::Forbidden() {
  return ErrorAnswer(403, "forbidden",
                     "administrators only: a client certificate with the role admin, or the admin "
                     "listener");
}

HttpResponse AdminRoutes::Answer(const HttpRequest& request) {
  const std::string_view path = TargetPath(request.target);
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = ErrorAnswer(405, "method_not_allowed", "read-only: GET or HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (path == "/ui") {
    HttpResponse r;
    r.status = 308;
    r.content_type = "text/plain";
    r.body = "/ui/\n";
    r.headers.emplace_back("Location", "/ui/");
    return r;
  }
  if (path == "/metrics") {
    return Metrics();
  }
  return Inventory(path == "/ui/");
}

HttpResponse AdminRoutes::Inventory(bool html) {
  const auto ca = service_->ca();
  auto report =
      GatherInventoryReport(ca->authority.dir(), *inventory_, clock_(), kDefaultReportWindowDays);
  if (!report) {
    return ErrorAnswer(503, "inventory_unavailable",
                       "the inventory cannot be read now; retry later");
  }
  HttpResponse r;
  nlohmann::json json = InventoryReportJson(*report);
  if (html) {
    r.content_type = "text/html; charset=utf-8";
    r.body = ReportPageHtml(std::move(json));
    r.headers.emplace_back("Content-Security-Policy", ReportContentSecurityPolicy());
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("X-Frame-Options", "DENY");
  } else {
    r.body = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return r;
}

HttpResponse AdminRoutes::Metrics() {
  const TimePoint now = clock_();
  const auto ca = service_->ca();
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_->Render() + RenderInventoryGauges(gauges_.Get(now), ca->authority.certificate(),
                                                      ca->cross.has_value(), now);
  return r;
}

AdminHandler::AdminHandler(AdminRoutes* routes, ServiceMetrics* metrics, Clock clock,
                           std::function<void(std::string_view)> log)
    : routes_(routes), metrics_(metrics), clock_(std::move(clock)), log_(std::move(log)) {}

HttpResponse AdminHandler::Answer(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  HttpResponse r;
  try {
    r = AdminRoutes::IsAdminPath(TargetPath(request.target))
            ? routes_->Answer(request)
            : ErrorAnswer(404, "not_found", "no such path (/ui/, /v1/inventory, /metrics)");
  } catch (...) {
    r = FrontRefusal(500);
  }
  metrics_->Observe(
      TargetPath(request.target), r.status, r.refusal,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return r;
}

void AdminHandler::Log(std::string_view remote, std::string_view method, std::string_view target,
                       const HttpResponse& response) const {
  WriteAccessLog(log_, clock_(), remote, method, target, response);
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") {
    return true;
  }
  in_addr v4{};
  return inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

}  // namespace certmint
