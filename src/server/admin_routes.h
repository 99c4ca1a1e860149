// What administrators read from `certmint serve` (issue 24): the inventory
// report as a live page at /ui/ and as JSON at /v1/inventory, and the
// metrics at /metrics (server/metrics.h). Read-only: nothing here changes
// anything. Who is an administrator (docs/dashboard.md):
//  - on the HTTPS listener, a client whose certificate chains to the
//    service's CA, has the role admin (extendedKeyUsage clientAuth and
//    certmint's admin purpose, x509/role.h) and is the valid certificate of
//    its name in the inventory (not revoked, not superseded);
//  - anyone reaching the admin listener (`serve --admin-listen`), which
//    binds loopback addresses only.
// Everyone else gets 403 and a body that says nothing about the inventory.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "server/http_routes.h"
#include "server/metrics.h"

namespace certmint {

class AdminRoutes {
 public:
  // `service`, `inventory` and `metrics` must outlive the routes.
  AdminRoutes(EnrollmentService* service, Inventory* inventory, ServiceMetrics* metrics,
              Clock clock);

  // /ui, /ui/, /v1/inventory and /metrics.
  static bool IsAdminPath(std::string_view path);

  // Whether `peer` is an administrator's certificate (see above).
  bool IsAdministrator(const PeerCertificate& peer);

  // The answer to an administrator's request for an admin path.
  HttpResponse Answer(const HttpRequest& request);

  // The refusal everyone else gets.
  static HttpResponse Forbidden();

  // Measures the inventory for /metrics now (at start-up), so that no
  // scrape waits for it.
  void WarmMetrics() { (void)gauges_.Get(clock_()); }

 private:
  HttpResponse Inventory(bool html);
  HttpResponse Metrics();

  EnrollmentService* service_;
  certmint::Inventory* inventory_;
  ServiceMetrics* metrics_;
  Clock clock_;
  InventoryGaugeCache gauges_;
};

// The admin listener's handler: AdminRoutes for everyone (the listener is
// loopback-only), 404 for any other path, an access-log line per answer.
class AdminHandler final : public HttpHandler {
 public:
  AdminHandler(AdminRoutes* routes, ServiceMetrics* metrics, Clock clock,
               std::function<void(std::string_view)> log);
  HttpResponse Answer(const HttpRequest& request) override;
  void Log(std::string_view remote, std::string_view method, std::string_view target,
           const HttpResponse& response) const override;

 private:
  AdminRoutes* routes_;
  ServiceMetrics* metrics_;
  Clock clock_;
  std::function<void(std::string_view)> log_;
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1) or "localhost":
// what --admin-listen takes.
bool IsLoopbackHost(std::string_view host);

}  // namespace certmint
