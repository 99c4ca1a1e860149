// The CA service's HTTP API apart from the transport: a request as the HTTPS
// front read it becomes a response (status, body, headers), EnrollmentService's
// refusals become HTTP statuses, and every answer one access-log line. The
// front (http_connection.cc) owns sockets, TLS, framing and limits; this file
// owns what the answers say.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_server.h"
#include "server/rate_limiter.h"
#include "server/service.h"

namespace certmint {

struct HttpRequest {
  std::string method;        // as received ("GET", "POST", ...)
  std::string target;        // the request-target, query included
  std::string content_type;  // empty: none sent
  std::string body;
  std::string remote;  // the client's address
  // The client's certificate and its verification, asked only by /v1/renew.
  std::function<PeerCertificate()> peer;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Besides Content-Type, Content-Length and Cache-Control (always no-store).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string log_name;  // the identity concerned, for the access log
  // The error code of a refusal, for the metrics' refusals by reason;
  // empty when the request was answered.
  std::string refusal;
};

// The refusals the front makes before a request reaches a route: 400
// (malformed), 411 (a POST without a length), 413 (body too large), 431
// (header fields too large or too many), 500. A JSON body like every error.
HttpResponse FrontRefusal(int status);

// The path of a request-target (the query left off), as routes and the
// access log see it.
std::string_view TargetPath(std::string_view target);

// Writes the access-log line of one answer to `log` (when set): time,
// address, method, path, status and the identity concerned, each escaped.
// `method` and `target` may be empty when the request was refused before
// they were read.
void WriteAccessLog(const std::function<void(std::string_view)>& log, TimePoint now,
                    std::string_view remote, std::string_view method, std::string_view target,
                    const HttpResponse& response);

// What answers the requests an HTTP front (http_connection.h) read: the CA
// service's API (HttpRoutes) on the HTTPS listener, the status routes
// (status_routes.h) on the plain one. Called from any of the front's
// threads.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // The answer to `request`; never throws.
  virtual HttpResponse Answer(const HttpRequest& request) = 0;
  // The access-log line of one answer (the front's refusals included).
  virtual void Log(std::string_view remote, std::string_view method, std::string_view target,
                   const HttpResponse& response) const = 0;
};

class HttpRoutes final : public HttpHandler {
 public:
  // `service` must outlive the routes.
  HttpRoutes(EnrollmentService* service, const ServerOptions& options);

  // The answer to `request`, rate limit first; never throws.
  HttpResponse Answer(const HttpRequest& request) override;

  void Log(std::string_view remote, std::string_view method, std::string_view target,
           const HttpResponse& response) const override;

 private:
  HttpResponse Route(const HttpRequest& request);
  // /ui/, /v1/inventory and /metrics: for administrators (admin_routes.h).
  HttpResponse Admin(const HttpRequest& request);

  EnrollmentService* service_;
  ServiceMetrics* metrics_;
  AdminRoutes* admin_;
  Clock clock_;
  std::function<void(std::string_view)> log_;
  RateLimiter limiter_;
};

}  // namespace certmint
