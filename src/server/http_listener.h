// A listening socket, the front (http_connection.h) serving what it
// accepts, and the pool of threads that runs them: what the HTTPS listener
// of the CA service (http_server.h) and the plain status listener
// (status_server.h) share.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "core/error.h"
#include "server/http_routes.h"
#include "server/http_server.h"

namespace certmint {

class HttpListener {
 public:
  // Binds options.host:options.port (without SO_REUSEPORT: a second
  // listener on the same address is refused); kIo when the address is taken
  // or invalid. `options`, `handler` and `tls` (null: plain HTTP) must
  // outlive the listener.
  static Result<std::unique_ptr<HttpListener>> Bind(const ServerOptions& options,
                                                    HttpHandler* handler,
                                                    boost::asio::ssl::context* tls);
  ~HttpListener();

  int port() const;
  // Serves on options.threads threads until Stop(); requests in flight are
  // finished first (their answers get ServerOptions::stop_grace),
  // connections waiting for a request are closed at once.
  Status Run();
  // From any thread.
  void Stop();
  // Connections open now.
  size_t open() const;

  struct Impl;

 private:
  explicit HttpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certmint
