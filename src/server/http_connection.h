// The connections of `certmint serve`'s HTTP fronts, on Boost.Beast and Asio:
// the HTTPS front's (the CA service's API) and the plain one's (the status
// listener: OCSP and the CRL), the same code over a TLS or a TCP stream.
// Each one is a TLS handshake (HTTPS only) and then requests read under limits that hold
// however the client frames or paces its bytes (ServerOptions): the whole
// head within header_timeout and max_header_bytes / max_header_fields
// (else 431 and closed), the body within body_timeout and max_body_bytes
// whatever its framing (else 413 and closed; a POST with no framing gets
// 411), kept alive for idle_timeout between requests. A client that waits
// holds a socket and a few kilobytes, never a thread. Internal to server/.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/connection_limiter.h"
#include "server/http_routes.h"
#include "server/http_server.h"

namespace certmint {

// How a connection reads requests, apart from the socket (the HTTP fuzz
// target, fuzz/http_fuzz.cc, drives the same functions).
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A parser for the next request, with the head and body limits of `options`.
void LimitParser(RequestParser& parser, const ServerOptions& options);
// The refusal a failed read earns: 413 past the body limit, 431 past the head
// limit, 400 for what is malformed, 0 to close without an answer (the client
// left or was too slow, or the socket failed).
int RefusalForReadError(const boost::system::error_code& ec);
// The refusal a complete head earns: 431 for too many fields, 411 for a POST
// with neither Content-Length nor chunked coding; 0 to go on.
int RefusalForHead(const RequestParser& parser, const ServerOptions& options);
// The complete request `parser` holds (its body moved out), for the routes.
HttpRequest ToHttpRequest(RequestParser& parser, const std::string& remote,
                          std::function<PeerCertificate()> peer);

template <bool kTls>
class HttpConnection;

// A connection as the front sees it (http_connection.cc has the two kinds).
class FrontConnection {
 public:
  virtual ~FrontConnection() = default;
  // From any thread: see HttpFront::StopAll.
  virtual void Stop() = 0;
};

// What the connections share, and the set of those open (for Stop).
class HttpFront {
 public:
  // `options`, `handler` and `tls` must outlive the front and its
  // connections. A null `tls`: plain HTTP (the status listener).
  HttpFront(const ServerOptions& options, HttpHandler* handler, boost::asio::ssl::context* tls);

  // Serves one accepted connection on a strand of its own, or closes it at
  // once when the connection caps are reached or the front is stopping.
  void Serve(boost::asio::ip::tcp::socket socket);

  // Every open connection finishes: one waiting for (or reading) a request
  // is closed at once, one being answered gets stop_grace to finish.
  void StopAll();

  size_t open() const { return limiter_.open(); }

 private:
  template <bool kTls>
  friend class HttpConnection;
  void Forget(const FrontConnection* connection);
  // Registers an accepted connection (under mu_) and starts it.
  template <typename Connection>
  void Start(std::shared_ptr<Connection> connection);

  const ServerOptions& options_;
  HttpHandler* handler_;
  boost::asio::ssl::context* tls_;
  ConnectionLimiter limiter_;
  std::mutex mu_;
  bool stopping_ = false;
  std::unordered_map<const FrontConnection*, std::weak_ptr<FrontConnection>> connections_;
};

}  // namespace certmint
