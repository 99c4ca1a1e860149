#include "server/http_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <vector>

#include "core/ossl.h"

namespace certmint {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using ErrorCode_ = beast::error_code;

// Requests on one kept-alive connection before it is closed.
constexpr int kMaxRequestsPerConnection = 100;
// After a final answer: how long, and how many bytes, the rest of what the
// client sends is read and dropped before the socket closes, so that closing
// on unread bytes (a TCP reset) cannot destroy the answer before the client
// has read it (RFC 9112 §9.6).
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr size_t kLingerBytes = 1 << 20;
// What the read buffer holds beyond the head: the start of a body, or of
// the next request.
constexpr size_t kReadSlack = 16 * 1024;

PeerCertificate PeerOf(SSL* ssl) {
  PeerCertificate peer;
  if (ssl == nullptr) {
    return peer;
  }
  if (X509* x = SSL_get1_peer_certificate(ssl)) {
    peer.certificate = Certificate::Adopt(ossl::X509Ptr(x));
  }
  peer.verify_result = SSL_get_verify_result(ssl);
  return peer;
}

bool IsHttpError(const ErrorCode_& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

}  // namespace

void LimitParser(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
  parser.body_limit(options.max_body_bytes);
}

int RefusalForReadError(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    return 413;
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return 431;
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || !IsHttpError(ec)) {
    return 0;
  }
  return 400;
}

int RefusalForHead(const RequestParser& parser, const ServerOptions& options) {
  const auto& req = parser.get();
  if (static_cast<size_t>(std::distance(req.begin(), req.end())) > options.max_header_fields) {
    return 431;
  }
  // RFC 9112 §6.3: a request with neither Content-Length nor chunked coding
  // has no body, and what follows its head would be read as the next
  // request. A POST like that is refused (RFC 9110 §15.5.12) before a byte
  // of what was meant as its body is read.
  if (req.method() == http::verb::post && !parser.chunked() && !parser.content_length()) {
    return 411;
  }
  return 0;
}

HttpRequest ToHttpRequest(RequestParser& parser, const std::string& remote,
                          std::function<PeerCertificate()> peer) {
  auto& req = parser.get();
  return HttpRequest{std::string(req.method_string()),
                     std::string(req.target()),
                     std::string(req[http::field::content_type]),
                     std::move(req.body()),
                     remote,
                     std::move(peer)};
}

namespace {

// The stream a connection reads: TLS over TCP, or TCP alone.
template <bool kTls>
using StreamOf = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

beast::ssl_stream<beast::tcp_stream> MakeStream(tcp::socket socket, net::ssl::context* tls) {
  return beast::ssl_stream<beast::tcp_stream>(std::move(socket), *tls);
}
beast::tcp_stream MakeStream(tcp::socket socket, std::nullptr_t) {
  return beast::tcp_stream(std::move(socket));
}

}  // namespace

// One connection of a front: HTTPS (kTls) or plain HTTP. Everything but the
// handshake and the peer's certificate is the same code.
template <bool kTls>
class HttpConnection final : public FrontConnection,
                             public std::enable_shared_from_this<HttpConnection<kTls>> {
 public:
  HttpConnection(tcp::socket socket, HttpFront* front, std::string remote,
                 ConnectionLimiter::Slot slot)
      : front_(front),
        options_(front->options_),
        stream_(MakeStreamFor(std::move(socket), front)),
        buffer_(options_.max_header_bytes + kReadSlack),
        stop_timer_(stream_.get_executor()),
        remote_(std::move(remote)),
        slot_(std::move(slot)) {}
  ~HttpConnection() override { front_->Forget(this); }

  void Start() {
    net::post(stream_.get_executor(), [self = Self()] {
      if constexpr (kTls) {
        self->Handshake();
      } else {
        self->ReadHead(self->options_.header_timeout);
      }
    });
  }
  // From any thread.
  void Stop() override {
    net::post(stream_.get_executor(), [self = Self()] { self->OnStop(); });
  }

 private:
  // kReading: waiting for the client (handshake, head, body); kWriting: an
  // answer is going out; kLingering: closing after a final answer.
  enum class State { kReading, kWriting, kLingering, kClosed };

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<HttpConnection> Self() { return this->shared_from_this(); }

  static StreamOf<kTls> MakeStreamFor(tcp::socket socket, HttpFront* front) {
    if constexpr (kTls) {
      return MakeStream(std::move(socket), front->tls_);
    } else {
      return MakeStream(std::move(socket), nullptr);
    }
  }

  PeerCertificate Peer() {
    if constexpr (kTls) {
      return PeerOf(stream_.native_handle());
    } else {
      return PeerCertificate{};
    }
  }

  void Handshake() {
    Tcp().expires_after(options_.handshake_timeout);
    stream_.async_handshake(net::ssl::stream_base::server, [self = Self()](ErrorCode_ ec) {
      if (ec) {
        self->Close();
        return;
      }
      self->ReadHead(self->options_.header_timeout);
    });
  }

  // The next request's head, complete within `deadline`.
  void ReadHead(std::chrono::milliseconds deadline) {
    if (stopping_) {
      Close();
      return;
    }
    state_ = State::kReading;
    parser_.emplace();
    LimitParser(*parser_, options_);
    Tcp().expires_after(deadline);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](ErrorCode_ ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(const ErrorCode_& ec) {
    if (ec) {
      Refuse(RefusalForReadError(ec));
      return;
    }
    if (const int refusal = RefusalForHead(*parser_, options_); refusal != 0) {
      Refuse(refusal);
      return;
    }
    if (parser_->is_done()) {
      Answer();
      return;
    }
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      Continue();
      return;
    }
    ReadBody();
  }

  // A client that asked (Expect: 100-continue) is told to send its body.
  void Continue() {
    continue_ = {http::status::continue_, parser_->get().version()};
    Tcp().expires_after(options_.write_timeout);
    http::async_write(stream_, continue_, [self = Self()](ErrorCode_ ec, size_t) {
      if (ec) {
        self->Close();
        return;
      }
      self->ReadBody();
    });
  }

  void ReadBody() {
    Tcp().expires_after(options_.body_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = Self()](ErrorCode_ ec, size_t) {
      if (ec) {
        self->Refuse(RefusalForReadError(ec));
        return;
      }
      self->Answer();
    });
  }

  void Answer() {
    const HttpRequest request = ToHttpRequest(*parser_, remote_, [this] { return Peer(); });
    HttpResponse response = front_->handler_->Answer(request);
    ++requests_;
    const bool keep_alive = parser_->keep_alive() && requests_ < kMaxRequestsPerConnection;
    Send(std::move(response), keep_alive, parser_->get().method() == http::verb::head);
  }

  // A refusal of what was read (0: none) and the connection closed.
  void Refuse(int status) {
    if (status == 0 || stopping_) {
      Close();
      return;
    }
    Send(FrontRefusal(status), /*keep_alive=*/false, /*head=*/false);
  }

  void Send(HttpResponse answer, bool keep_alive, bool head) {
    const bool known = parser_ && parser_->is_header_done();
    front_->handler_->Log(remote_, known ? parser_->get().method_string() : "",
                          known ? parser_->get().target() : "", answer);
    response_ = {};
    response_.version(known ? parser_->get().version() : 11);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::content_type, answer.content_type);
    response_.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : answer.headers) {
      response_.set(name, value);
    }
    response_.body() = std::move(answer.body);
    response_.keep_alive(keep_alive && !stopping_);
    response_.prepare_payload();
    if (head) {
      const size_t length = response_.body().size();
      response_.body().clear();
      response_.content_length(length);
    }
    state_ = State::kWriting;
    Tcp().expires_after(options_.write_timeout);
    http::async_write(stream_, response_, [self = Self()](ErrorCode_ ec, size_t) {
      if (ec) {
        self->Close();
      } else if (!self->response_.keep_alive()) {
        self->Linger();
      } else {
        self->ReadHead(self->options_.idle_timeout);
      }
    });
  }

  // After a final answer: the sending side shut, what the client still
  // sends read and dropped for a moment, then closed.
  void Linger() {
    state_ = State::kLingering;
    ErrorCode_ ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Tcp().expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    Tcp().async_read_some(net::buffer(drain_), [self = Self()](ErrorCode_ ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kLingerBytes) {
        self->Close();
        return;
      }
      self->Drain();
    });
  }

  void Close() {
    if (state_ == State::kClosed) {
      return;
    }
    state_ = State::kClosed;
    stop_timer_.cancel();
    ErrorCode_ ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  // A connection waiting for its client is closed at once; an answer being
  // written gets stop_grace.
  void OnStop() {
    stopping_ = true;
    if (state_ == State::kReading) {
      Close();
      return;
    }
    if (state_ == State::kClosed) {
      return;
    }
    stop_timer_.expires_after(options_.stop_grace);
    stop_timer_.async_wait([self = Self()](ErrorCode_ ec) {
      if (!ec) {
        self->Close();
      }
    });
  }

  HttpFront* front_;
  const ServerOptions& options_;
  StreamOf<kTls> stream_;
  beast::flat_buffer buffer_;
  net::steady_timer stop_timer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_;
  http::response<http::string_body> response_;
  std::array<char, 4096> drain_{};
  size_t drained_ = 0;
  State state_ = State::kReading;
  bool stopping_ = false;
  int requests_ = 0;
  std::string remote_;
  ConnectionLimiter::Slot slot_;
};

HttpFront::HttpFront(const ServerOptions& options, HttpHandler* handler,
                     boost::asio::ssl::context* tls)
    : options_(options),
      handler_(handler),
      tls_(tls),
      limiter_(options.max_connections, options.max_connections_per_address) {}

void HttpFront::Serve(tcp::socket socket) {
  ErrorCode_ ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) {
    return;  // gone already
  }
  std::string remote = peer.address().to_string();
  // Answers go out at once, not after a delayed ACK.
  socket.set_option(tcp::no_delay(true), ec);
  std::optional<ConnectionLimiter::Slot> slot = limiter_.TryAcquire(remote);
  // Declared before the lock, so released after it: another thread may run
  // the whole connection (a quick answer on plain HTTP, a client that hung
  // up) before Start returns, and then this is the last reference, whose
  // destructor calls Forget, which takes mu_.
  std::shared_ptr<FrontConnection> started;
  std::lock_guard<std::mutex> lock(mu_);
  if (!slot || stopping_) {
    socket.close(ec);
    return;
  }
  if (tls_ != nullptr) {
    auto c = std::make_shared<HttpConnection<true>>(std::move(socket), this, std::move(remote),
                                                    std::move(*slot));
    started = c;
    Start(std::move(c));
  } else {
    auto c = std::make_shared<HttpConnection<false>>(std::move(socket), this, std::move(remote),
                                                     std::move(*slot));
    started = c;
    Start(std::move(c));
  }
}

template <typename Connection>
void HttpFront::Start(std::shared_ptr<Connection> connection) {
  connections_[connection.get()] = connection;
  connection->Start();
}

void HttpFront::StopAll() {
  std::vector<std::shared_ptr<FrontConnection>> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (const auto& [key, weak] : connections_) {
      if (auto c = weak.lock()) {
        open.push_back(std::move(c));
      }
    }
  }
  for (const auto& c : open) {
    c->Stop();
  }
}

void HttpFront::Forget(const FrontConnection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(connection);
}

}  // namespace certmint
