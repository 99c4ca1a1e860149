#include "server/http_listener.h"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "server/http_connection.h"

namespace certmint {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpListener::Impl {
  Impl(const ServerOptions& o, HttpHandler* handler, net::ssl::context* tls)
      : options(o), front(options, handler, tls) {}

  const ServerOptions& options;
  HttpFront front;
  // After the front: destroyed first, with the connections it still holds.
  net::io_context io{std::max(1, options.threads)};
  tcp::acceptor acceptor{net::make_strand(io)};
  net::steady_timer retry{acceptor.get_executor()};
  bool stopped = false;  // on the acceptor's strand
  int port = 0;
};

HttpListener::HttpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpListener::~HttpListener() = default;

namespace {

// Accepts connections until the acceptor closes; when accepting fails (no
// file descriptor left), tries again a moment later instead of spinning.
void Accept(HttpListener::Impl* p) {
  p->acceptor.async_accept(net::make_strand(p->io),
                           [p](boost::system::error_code ec, tcp::socket socket) {
                             if (p->stopped || ec == net::error::operation_aborted) {
                               return;
                             }
                             if (ec) {
                               p->retry.expires_after(std::chrono::milliseconds(100));
                               p->retry.async_wait([p](boost::system::error_code e) {
                                 if (!e && !p->stopped) {
                                   Accept(p);
                                 }
                               });
                               return;
                             }
                             p->front.Serve(std::move(socket));
                             Accept(p);
                           });
}

std::string HostPort(const std::string& host, int port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

// SO_REUSEADDR and never SO_REUSEPORT: on Linux the former lets the service
// bind again while connections of its previous run linger in TIME_WAIT, but
// refuses a second socket on an address where one listens; the latter would
// let a second service listen there and the kernel split the clients
// between two CAs.
Status Listen(HttpListener::Impl* p, const ServerOptions& options) {
  const std::string where = HostPort(options.host, options.port);
  boost::system::error_code ec;
  tcp::resolver resolver(p->io);
  const auto found = resolver.resolve(options.host, std::to_string(options.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot listen on {}: not an address of this "
                                                 "machine ({})",
                                                 where, ec.message()));
  }
  const tcp::endpoint endpoint = *found.begin();
  p->acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    p->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    p->acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    p->acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec == net::error::address_in_use) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("cannot listen on {}: address in use (another service listens "
                                 "there)",
                                 where));
  }
  if (ec) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot listen on {}: {}", where, ec.message()));
  }
  p->port = p->acceptor.local_endpoint(ec).port();
  return {};
}

// One thread of the pool; a handler that throws (none should) does not
// end the service.
void RunLoop(net::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
    }
  }
}

}  // namespace

Result<std::unique_ptr<HttpListener>> HttpListener::Bind(const ServerOptions& options,
                                                         HttpHandler* handler,
                                                         net::ssl::context* tls) {
  auto impl = std::make_unique<Impl>(options, handler, tls);
  CM_RETURN_IF_ERROR(Listen(impl.get(), options));
  return std::unique_ptr<HttpListener>(new HttpListener(std::move(impl)));
}

int HttpListener::port() const { return impl_->port; }

size_t HttpListener::open() const { return impl_->front.open(); }

Status HttpListener::Run() {
  Impl* p = impl_.get();
  net::post(p->acceptor.get_executor(), [p] {
    if (!p->stopped) {
      Accept(p);
    }
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < std::max(1, p->options.threads); ++i) {
    pool.emplace_back([p] { RunLoop(p->io); });
  }
  RunLoop(p->io);
  for (auto& t : pool) {
    t.join();
  }
  return {};
}

void HttpListener::Stop() {
  Impl* p = impl_.get();
  net::post(p->acceptor.get_executor(), [p] {
    p->stopped = true;
    boost::system::error_code ignored;
    p->acceptor.close(ignored);
    p->retry.cancel();
    p->front.StopAll();
  });
}

}  // namespace certmint
