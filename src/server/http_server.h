// `certmint serve`'s HTTPS front: cpp-httplib (Debian's libcpp-httplib) with
// a TLS context of our own, routes onto EnrollmentService, per-address rate
// limits, a body-size limit and one access-log line per request (method,
// path, status, address, identity name; never bodies, tokens or keys).
#pragma once

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

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;  // 0: any free port (see HttpServer::port)
  int threads = 16;
  size_t max_body_bytes = 64 * 1024;
  double rate_per_second = 50;  // per client address; <= 0: no limit
  double burst = 100;
  // Receives access-log lines (JSON); null: no log.
  std::function<void(std::string_view)> log;
  // The time requests are answered at (tests move it).
  Clock clock = SystemNow;
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
  // Binds the listening socket; kIo when the address is taken or invalid.
  static Result<std::unique_ptr<HttpServer>> Bind(EnrollmentService* service,
                                                  const ServerIdentity& identity,
                                                  const ServerOptions& options);
  ~HttpServer();

  int port() const;
  // Serves until Stop(); requests in flight are finished first.
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
