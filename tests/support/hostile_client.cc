#include "support/hostile_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fstream>

namespace certmint::testing {
namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

void SetTimeout(int fd, int option, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  if (ms <= 0) {
    tv = {0, 1000};  // zero would mean "forever"
  }
  setsockopt(fd, SOL_SOCKET, option, &tv, sizeof(tv));
}

// A TCP socket bound to `source` and connecting to 127.0.0.1:port; -1 on
// failure. With `blocking` false the connection may still be under way.
int Dial(int port, const std::string& source, bool blocking) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
      (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0 && errno != EINPROGRESS)) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

ossl::SslCtxPtr ClientContext() {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  return ctx;
}

// `n` filler bytes sent in pieces of 16 KiB at most, stopping when the
// server answers or stops reading; how many went.
size_t SendFiller(TlsClient& c, size_t n, const std::string& before_each = "",
                  const std::string& after_each = "") {
  static const std::string kPiece(16 * 1024, 'a');
  size_t sent = 0;
  while (sent < n) {
    if (c.Readable(0)) {
      break;
    }
    const size_t len = std::min(kPiece.size(), n - sent);
    if (!c.Send(before_each + kPiece.substr(0, len) + after_each)) {
      break;
    }
    sent += len;
  }
  return sent;
}

std::string Hex(size_t n) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%zx", n);
  return buf;
}

// Header fields of `field_bytes` each ("X-Pad-N: aaa...\r\n"), produced a
// block at a time so that a field of any size costs no memory.
class FieldStream {
 public:
  explicit FieldStream(size_t field_bytes) : field_bytes_(field_bytes) {}

  std::string Next(size_t n) {
    std::string out;
    while (out.size() < n) {
      if (pos_ == 0) {
        name_ = "X-Pad-" + std::to_string(index_++) + ": ";
      }
      const size_t value_end = field_bytes_ - 2;
      size_t take = 0;
      if (pos_ < name_.size()) {
        take = std::min(n - out.size(), name_.size() - pos_);
        out.append(name_, pos_, take);
      } else if (pos_ < value_end) {
        take = std::min(n - out.size(), value_end - pos_);
        out.append(take, 'a');
      } else {
        take = std::min(n - out.size(), field_bytes_ - pos_);
        out.append(std::string_view("\r\n").substr(pos_ - value_end, take));
      }
      pos_ = (pos_ + take) % field_bytes_;
    }
    return out;
  }

 private:
  size_t field_bytes_;
  size_t pos_ = 0;
  size_t index_ = 0;
  std::string name_;
};

}  // namespace

std::unique_ptr<TlsClient> TlsClient::Connect(int port, const std::string& source, bool handshake,
                                              int timeout_ms) {
  signal(SIGPIPE, SIG_IGN);  // a write to a closed connection fails instead
  std::unique_ptr<TlsClient> c(new TlsClient());
  c->fd_ = Dial(port, source, /*blocking=*/true);
  if (c->fd_ < 0) {
    return nullptr;
  }
  SetTimeout(c->fd_, SO_RCVTIMEO, timeout_ms);
  SetTimeout(c->fd_, SO_SNDTIMEO, timeout_ms);
  if (!handshake) {
    return c;
  }
  c->ctx_ = ClientContext();
  c->ssl_.reset(SSL_new(c->ctx_.get()));
  if (!c->ssl_ || SSL_set_fd(c->ssl_.get(), c->fd_) != 1 || SSL_connect(c->ssl_.get()) != 1) {
    return nullptr;
  }
  return c;
}

TlsClient::~TlsClient() {
  ssl_.reset();
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool TlsClient::Send(std::string_view bytes, int timeout_ms) {
  SetTimeout(fd_, SO_SNDTIMEO, timeout_ms);
  while (!bytes.empty()) {
    const int n = ssl_ ? SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()))
                       : static_cast<int>(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL));
    if (n <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool TlsClient::ReadSome(int timeout_ms) {
  if (closed_) {
    return false;
  }
  pollfd p{fd_, POLLIN, 0};
  if ((!ssl_ || SSL_pending(ssl_.get()) == 0) && poll(&p, 1, timeout_ms) <= 0) {
    return false;
  }
  SetTimeout(fd_, SO_RCVTIMEO, std::max(1, timeout_ms));
  char buf[16384];
  errno = 0;
  const int n = ssl_ ? SSL_read(ssl_.get(), buf, sizeof(buf))
                     : static_cast<int>(recv(fd_, buf, sizeof(buf), 0));
  if (n > 0) {
    received_.append(buf, static_cast<size_t>(n));
    return true;
  }
  const bool nothing_yet = ssl_ ? SSL_get_error(ssl_.get(), n) == SSL_ERROR_WANT_READ
                                : (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  if (nothing_yet) {
    return false;
  }
  closed_ = true;
  return true;
}

bool TlsClient::Readable(int timeout_ms) {
  return !received_.empty() || closed_ || ReadSome(timeout_ms) || closed_;
}

int TlsClient::ReadStatus(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (received_.find("\r\n") == std::string::npos && !closed_) {
    if (MsLeft(deadline) == 0) {
      return 0;
    }
    ReadSome(MsLeft(deadline));
  }
  if (received_.rfind("HTTP/1.", 0) != 0 || received_.size() < 12) {
    return 0;
  }
  const int status = std::atoi(received_.substr(9, 3).c_str());
  received_.clear();
  return status;
}

bool TlsClient::WaitClosed(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!closed_ && MsLeft(deadline) > 0) {
    ReadSome(MsLeft(deadline));
    received_.clear();
  }
  return closed_;
}

FloodResult FloodBody(int port, Framing framing, size_t bytes, int wait_ms) {
  return FloodBody(port, framing, bytes, wait_ms, Target{});
}

FloodResult FloodBody(int port, Framing framing, size_t bytes, int wait_ms, const Target& target) {
  FloodResult r;
  auto c = TlsClient::Connect(port, "127.0.0.1", target.tls);
  if (!c) {
    return r;
  }
  const auto start = Clock::now();
  std::string head = "POST " + target.path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + target.content_type +
                     "\r\n";
  if (framing == Framing::kContentLength) {
    head += "Content-Length: " + std::to_string(bytes) + "\r\n";
  } else if (framing == Framing::kChunked) {
    head += "Transfer-Encoding: chunked\r\n";
  }
  head += "\r\n";
  if (c->Send(head)) {
    if (framing == Framing::kChunked) {
      r.sent = SendFiller(*c, bytes, Hex(16 * 1024) + "\r\n", "\r\n");
      if (r.sent >= bytes) {
        c->Send("0\r\n\r\n");
      }
    } else {
      r.sent = SendFiller(*c, bytes);
    }
  }
  r.status = c->ReadStatus(wait_ms);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.closed = r.status != 0 && c->WaitClosed(wait_ms);
  return r;
}

FloodResult FloodHeaders(int port, size_t bytes, size_t field_bytes, int wait_ms) {
  FloodResult r;
  auto c = TlsClient::Connect(port);
  if (!c) {
    return r;
  }
  const auto start = Clock::now();
  FieldStream fields(std::clamp<size_t>(field_bytes, 32, std::max<size_t>(bytes, 32)));
  if (c->Send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")) {
    while (r.sent < bytes && !c->Readable(0)) {
      const std::string block = fields.Next(std::min<size_t>(16 * 1024, bytes - r.sent));
      if (!c->Send(block)) {
        break;
      }
      r.sent += block.size();
    }
    if (r.sent >= bytes) {
      c->Send("\r\n");
    }
  }
  r.status = c->ReadStatus(wait_ms);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.closed = r.status != 0 && c->WaitClosed(wait_ms);
  return r;
}

int HealthStatus(int port, int timeout_ms, const std::string& source) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto c = TlsClient::Connect(port, source, true, timeout_ms);
  if (!c || MsLeft(deadline) == 0 ||
      !c->Send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
               MsLeft(deadline))) {
    return 0;
  }
  return c->ReadStatus(MsLeft(deadline));
}

struct Crowd::Member {
  int fd = -1;
  ossl::SslPtr ssl;
  bool connected = false;
  bool ready = false;
  bool closed = false;
  std::string payload;  // what is left to send
  Clock::time_point last_sent{};
};

Crowd::Crowd(int port, Kind kind, int count, const std::string& source,
             std::chrono::milliseconds interval, const Target& target)
    : kind_(kind), interval_(interval), target_(target), ctx_(ClientContext()) {
  signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < count; ++i) {
    auto m = std::make_unique<Member>();
    m->fd = Dial(port, source, /*blocking=*/false);
    m->closed = m->fd < 0;
    if (kind == Kind::kSlowHeaders) {
      m->payload =
          "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(1 << 20, 'a');
    } else if (kind == Kind::kSlowBody) {
      m->payload = std::string(target.slow_body_bytes, 'a');
    }
    if (!m->closed) {
      ++open_;
    }
    members_.push_back(std::move(m));
  }
  thread_ = std::thread([this] { Loop(); });
}

Crowd::~Crowd() {
  stop_ = true;
  thread_.join();
  for (auto& m : members_) {
    m->ssl.reset();
    if (m->fd >= 0) {
      close(m->fd);
    }
  }
}

bool Crowd::WaitReady(int n, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ready_ < n && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ready_ >= n;
}

std::string Crowd::SlowBodyHead() const {
  return "POST " + target_.path +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + target_.content_type +
         "\r\nContent-Length: " + std::to_string(target_.slow_body_bytes) + "\r\n\r\n";
}

void Crowd::Loop() {
  while (!stop_) {
    for (auto& m : members_) {
      Step(*m);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Crowd::Step(Member& m) {
  if (m.closed) {
    return;
  }
  pollfd p{m.fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  poll(&p, 1, 0);
  const auto lost = [&] {
    m.closed = true;
    --open_;
  };
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
    lost();
    return;
  }
  if (!m.connected) {
    if ((p.revents & POLLOUT) == 0) {
      return;
    }
    m.connected = true;
    if (kind_ == Kind::kIdleTcp || !target_.tls) {
      m.ready = true;
      ++ready_;
      if (kind_ == Kind::kSlowBody) {
        const std::string head = SlowBodyHead();
        send(m.fd, head.data(), head.size(), MSG_NOSIGNAL);
      }
      return;
    }
    m.ssl.reset(SSL_new(ctx_.get()));
    SSL_set_fd(m.ssl.get(), m.fd);
  }
  if (!m.ready) {
    const int r = SSL_connect(m.ssl.get());
    if (r == 1) {
      m.ready = true;
      ++ready_;
      if (kind_ == Kind::kSlowBody) {
        const std::string head = SlowBodyHead();
        SSL_write(m.ssl.get(), head.data(), static_cast<int>(head.size()));
      }
    } else {
      const int e = SSL_get_error(m.ssl.get(), r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        lost();
      }
    }
    return;
  }
  if (m.payload.empty() || Clock::now() - m.last_sent < interval_) {
    return;
  }
  m.last_sent = Clock::now();
  const bool sent = m.ssl ? SSL_write(m.ssl.get(), m.payload.data(), 1) == 1
                          : send(m.fd, m.payload.data(), 1, MSG_NOSIGNAL) == 1;
  if (sent) {
    m.payload.erase(0, 1);
  }
}

long RssKib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kib = -1;
      in >> kib;
      return kib;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return -1;
}

RssSampler::RssSampler(int pid)
    : thread_([this, pid] {
        while (!stop_) {
          peak_ = std::max(peak_.load(), RssKib(pid));
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }) {}

RssSampler::~RssSampler() {
  stop_ = true;
  thread_.join();
}

}  // namespace certmint::testing
