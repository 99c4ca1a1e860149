// `certmint serve`'s HTTPS front: Boost.Beast on Asio (Debian's Boost) with
// a TLS context of our own, routes onto EnrollmentService, per-address rate
// limits, limits on what any unauthenticated client may hold (body and
// header sizes, read deadlines, connections per address and in total; see
// docs/security.md) and one access-log line per request (method, path,
// status, address, identity name; never bodies, tokens or keys).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "keys/private_key.h"
#include "server/service.h"
#include "x509/certificate.h"

namespace certmint {

class ServiceMetrics;  // server/metrics.h
class AdminRoutes;     // server/admin_routes.h

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port (see HttpServer::port)
  // Requests handled at once (a waiting client holds none of them).
  int threads = 16;
  // A request body past this is answered 413 whatever its framing; a POST
  // with neither Content-Length nor chunked coding is answered 411.
  size_t max_body_bytes = 64 * 1024;
  // The request line and header fields: more bytes or more fields are
  // answered 431 and the connection closed.
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_fields = 64;
  // Connections open at once; a connection past either cap is closed as
  // soon as it is accepted.
  size_t max_connections = 512;
  size_t max_connections_per_address = 32;
  // Deadlines, each for a whole step however slowly the bytes trickle in:
  // the TLS handshake, a request's head (from when the server waits for it),
  // its body, the answer's writing, and the wait for the next request on a
  // kept-alive connection.
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds idle_timeout{5'000};
  // After Stop(): how long an answer still being written may take.
  std::chrono::milliseconds stop_grace{2'000};
  double rate_per_second = 50;  // per client address; <= 0: no limit
  double burst = 100;
  // Receives access-log lines (JSON); null: no log.
  std::function<void(std::string_view)> log;
  // The time requests are answered at (tests move it).
  Clock clock = SystemNow;
  // Counts every answer of the HTTPS listener (null: none).
  ServiceMetrics* metrics = nullptr;
  // Answers administrators' requests on the HTTPS listener (null: those
  // paths are 404).
  AdminRoutes* admin = nullptr;
};

// The server's own TLS identity.
struct ServerIdentity {
  Certificate certificate;
  PrivateKey key;
  // What the server sends above its certificate: the issuing CA's chain,
  // or during a CA rotation the new CA certified by the previous one.
  std::vector<Certificate> chain;
};

class HttpServer {
 public:
  // Binds the listening socket (without SO_REUSEPORT: a second server on
  // the same address is refused); kIo when the address is taken or invalid.
  static Result<std::unique_ptr<HttpServer>> Bind(EnrollmentService* service,
                                                  const ServerIdentity& identity,
                                                  const ServerOptions& options);
  ~HttpServer();

  int port() const;
  // Serves until Stop(); requests in flight are finished first (their
  // answers get ServerOptions::stop_grace), connections waiting for a
  // request are closed at once.
  Status Run();
  // From any thread (a signal-watching one).
  void Stop();
  // Replaces the certificate that new handshakes present; connections
  // already open keep theirs. From any thread. kInvalidArgument when the
  // certificate is not for the key.
  Status SetIdentity(const ServerIdentity& identity);
  // Replaces what new handshakes verify client certificates against (the
  // anchors handed to nodes, and the issuing CA's chain) and the CA names
  // they ask for, after the service reloaded its CA. From any thread.
  Status SetClientTrust(const std::vector<Certificate>& trust,
                        const std::vector<Certificate>& ca_chain);

  // The server's parts (http_server.cc alone knows them).
  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certmint
