#include "tls/handshake.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "core/fd.h"
#include "tls/context.h"
#include "x509/name.h"

namespace certmint {
namespace {

void SetTimeouts(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// The first OpenSSL error's reason, or the verify result's text.
std::string Reason(SSL* ssl, int ret) {
  const long verify = SSL_get_verify_result(ssl);  // NOLINT(runtime/int)
  if (verify != X509_V_OK) {
    return VerifyErrorText(verify);
  }
  unsigned long e = ERR_peek_error();  // NOLINT(runtime/int)
  std::string out;
  if (e != 0) {
    const char* r = ERR_reason_error_string(e);
    out = r != nullptr ? r : fmt::format("error {:x}", e);
  } else if (SSL_get_error(ssl, ret) == SSL_ERROR_SYSCALL || ret == 0) {
    out = "the connection was closed";
  } else {
    out = "handshake failed";
  }
  ERR_clear_error();
  return out;
}

std::string PeerSubject(SSL* ssl) {
  X509* peer = SSL_get0_peer_certificate(ssl);
  return peer != nullptr ? NameToString(X509_get_subject_name(peer)) : std::string();
}

struct ServerSide {
  bool ok = false;
  std::string reason;
  std::string client_subject;
};

// Accepts one connection on `listener`, completes the handshake and echoes
// one byte.
void ServeOnce(int listener, SSL_CTX* server, int timeout_ms, ServerSide& out) {
  UniqueFd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (conn.get() < 0) {
    out.reason = "no connection";
    return;
  }
  SetTimeouts(conn.get(), timeout_ms);
  ossl::SslPtr ssl(SSL_new(server));
  SSL_set_fd(ssl.get(), conn.get());
  int ret = SSL_accept(ssl.get());
  if (ret != 1) {
    out.reason = Reason(ssl.get(), ret);
    return;
  }
  char b = 0;
  ret = SSL_read(ssl.get(), &b, 1);
  if (ret != 1) {
    out.reason = Reason(ssl.get(), ret);
    return;
  }
  SSL_write(ssl.get(), &b, 1);
  out.ok = true;
  out.client_subject = PeerSubject(ssl.get());
  SSL_shutdown(ssl.get());
}

// Connects to `addr`, completes the handshake and exchanges one byte; fills
// the report's protocol, cipher and server subject. Returns why it failed,
// or "" on success.
std::string RunClient(const sockaddr_in& addr, SSL_CTX* client, const HandshakeOptions& options,
                      HandshakeReport& report) {
  UniqueFd conn(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  SetTimeouts(conn.get(), options.timeout_ms);
  if (::connect(conn.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return fmt::format("connect: {}", strerror(errno));
  }
  ossl::SslPtr ssl(SSL_new(client));
  SSL_set_fd(ssl.get(), conn.get());
  auto host = ExpectHost(ssl.get(), options.host);
  int ret = host ? SSL_connect(ssl.get()) : -1;
  if (!host) {
    return host.error().ToString();
  }
  if (ret != 1) {
    return Reason(ssl.get(), ret);
  }
  report.protocol = SSL_get_version(ssl.get());
  report.cipher = SSL_get_cipher_name(ssl.get());
  report.server_subject = PeerSubject(ssl.get());
  // TLS 1.3: the server judges the client certificate after the
  // client's handshake is done; the byte exchange shows its verdict.
  char b = 42;
  ret = SSL_write(ssl.get(), &b, 1);
  if (ret == 1) {
    ret = SSL_read(ssl.get(), &b, 1);
  }
  if (ret != 1) {
    return Reason(ssl.get(), ret);
  }
  SSL_shutdown(ssl.get());
  return "";
}

// The side that decided names the cause; the other only saw an alert or
// a closed connection.
std::string FailureReason(const std::string& client_reason, const std::string& server_reason) {
  auto decided = [](const std::string& r) {
    return !r.empty() && r.find("alert") == std::string::npos && r != "the connection was closed";
  };
  if (decided(client_reason)) {
    return "the client refused the server: " + client_reason;
  }
  if (decided(server_reason)) {
    return "the server refused the client: " + server_reason;
  }
  return fmt::format("handshake failed (client: {}; server: {})",
                     client_reason.empty() ? "ok" : client_reason,
                     server_reason.empty() ? "ok" : server_reason);
}

}  // namespace

std::string VerifyErrorText(long code) {  // NOLINT(runtime/int)
  return X509_verify_cert_error_string(code);
}

Result<HandshakeReport> RunLocalHandshake(SSL_CTX* server, SSL_CTX* client,
                                          const HandshakeOptions& options) {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // any free port
  socklen_t len = sizeof(addr);
  if (listener.get() < 0 ||
      ::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener.get(), 1) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("listening on 127.0.0.1: {}", strerror(errno)));
  }
  SetTimeouts(listener.get(), options.timeout_ms);

  ServerSide server_side;
  std::thread server_thread(
      [&] { ServeOnce(listener.get(), server, options.timeout_ms, server_side); });
  HandshakeReport report;
  const std::string client_reason = RunClient(addr, client, options, report);
  server_thread.join();
  report.client_subject = server_side.client_subject;
  report.ok = server_side.ok && client_reason.empty();
  if (!report.ok) {
    report.reason = FailureReason(client_reason, server_side.reason);
  }
  return report;
}

}  // namespace certmint
