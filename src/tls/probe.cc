#include "tls/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/fd.h"
#include "tls/context.h"

namespace certmint {
namespace {

Result<int> Connect(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &res); rc != 0) {
    return MakeError(ErrorCode::kIo, fmt::format("cannot resolve {}: {}", host, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, ossl::Deleter<freeaddrinfo>> owner(res);
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo, fmt::format("socket: {}", strerror(errno)));
  }
  auto fail = [&](std::string msg) {
    ::close(fd);
    return MakeError(ErrorCode::kIo, std::move(msg));
  };
  if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS) {
    return fail(fmt::format("connecting to {}:{}: {}", host, port, strerror(errno)));
  }
  pollfd p{fd, POLLOUT, 0};
  int n = ::poll(&p, 1, timeout_ms);
  if (n == 0) {
    return fail(fmt::format("connecting to {}:{}: timed out after {} ms", host, port, timeout_ms));
  }
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (n < 0 || err != 0) {
    return fail(
        fmt::format("connecting to {}:{}: {}", host, port,
                    err == ECONNREFUSED ? "connection refused" : strerror(err ? err : errno)));
  }
  // Back to blocking, with timeouts, for OpenSSL.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return fd;
}

// A TLS 1.2+ client context, with the keystore's key and chain when given.
// It verifies nothing itself: Probe checks the chain by hand, so that a bad
// chain is still shown.
Result<ossl::SslCtxPtr> MakeClientContext(const KeyStore* keystore) {
  ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) {
    return OpenSslError(ErrorCode::kInternal, "creating the TLS context failed");
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (keystore != nullptr) {
    if (keystore->keys.size() != 1) {
      return MakeError(ErrorCode::kInvalidArgument, "the client keystore must hold one key entry");
    }
    const KeyEntry& e = keystore->keys[0];
    if (SSL_CTX_use_certificate(ctx.get(), e.chain[0].native()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), e.key.native()) != 1) {
      return OpenSslError(ErrorCode::kInvalidData, "the client key does not fit its certificate");
    }
    for (size_t i = 1; i < e.chain.size(); ++i) {
      SSL_CTX_add1_chain_cert(ctx.get(), e.chain[i].native());
    }
  }
  return ctx;
}

// Why SSL_connect returned `ret`, in the words a user can act on.
tl::unexpected<Error> HandshakeError(SSL* ssl, int ret, const ProbeOptions& options) {
  const int err = SSL_get_error(ssl, ret);
  const unsigned long e = ERR_peek_error();  // NOLINT(runtime/int)
  const int reason = ERR_GET_REASON(e);
  ERR_clear_error();
  const std::string where = fmt::format("{}:{}", options.host, options.port);
  // With SO_RCVTIMEO, a silent peer shows as "want read" (EAGAIN).
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE ||
      (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))) {
    return MakeError(ErrorCode::kIo, fmt::format("{}: timed out after {} ms waiting for the TLS "
                                                 "handshake",
                                                 where, options.timeout_ms));
  }
  if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
      reason == SSL_R_UNKNOWN_PROTOCOL) {
    return MakeError(ErrorCode::kIo, fmt::format("{}: the peer does not speak TLS", where));
  }
  if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN ||
      reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    return MakeError(ErrorCode::kIo,
                     fmt::format("{}: the peer closed the connection during the handshake "
                                 "(not a TLS server, or it refused us)",
                                 where));
  }
  const char* text = ERR_reason_error_string(e);
  return MakeError(ErrorCode::kIo, fmt::format("{}: TLS handshake failed: {}", where,
                                               text != nullptr ? text : "unknown reason"));
}

// Verifies the presented chain against the truststore's anchors and the
// leaf against `name`, into the report.
void VerifyChain(const KeyStore& truststore, STACK_OF(X509) * chain, const std::string& name,
                 bool is_ip, TimePoint now, ProbeReport& report) {
  ossl::X509StorePtr store(X509_STORE_new());
  for (const auto& t : truststore.trusted) {
    X509_STORE_add_cert(store.get(), t.certificate.native());
  }
  ossl::X509StoreCtxPtr vctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(vctx.get(), store.get(), report.chain[0].native(), chain);
  X509_STORE_CTX_set_purpose(vctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(vctx.get()),
                             std::chrono::system_clock::to_time_t(now));
  report.chain_trusted = X509_verify_cert(vctx.get()) == 1;
  if (!*report.chain_trusted) {
    report.chain_reason = X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx.get()));
  }
  const int r =
      is_ip ? X509_check_ip_asc(report.chain[0].native(), name.c_str(), 0)
            : X509_check_host(report.chain[0].native(), name.c_str(), name.size(), 0, nullptr);
  report.name_matches = r == 1;
}

// Gives a TLS 1.3 server a moment to refuse our certificate: its alert, or
// "" when none came.
std::string ServerVerdict(SSL* ssl, int fd) {
  timeval tv{0, 300 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char b;
  std::string verdict;
  const int peek = SSL_peek(ssl, &b, 1);
  if (peek <= 0 && SSL_get_error(ssl, peek) == SSL_ERROR_SSL) {
    const unsigned long e = ERR_peek_error();  // NOLINT(runtime/int)
    const char* text = ERR_reason_error_string(e);
    verdict = text != nullptr ? text : "the server closed the connection";
  }
  ERR_clear_error();
  return verdict;
}

}  // namespace

Result<std::pair<std::string, int>> ParseHostPort(std::string_view text, bool allow_port_zero) {
  std::string host;
  std::string_view port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not HOST:PORT ([v6]:PORT for IPv6)", text));
    }
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || text.find(':') != colon) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not HOST:PORT ([v6]:PORT for IPv6)", text));
    }
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) {
      p = -1;
      break;
    }
    p = p * 10 + (c - '0');
  }
  if (port.empty() || p < (allow_port_zero ? 0 : 1) || p > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a port number", port));
  }
  return std::pair<std::string, int>(host, p);
}

Result<ProbeReport> Probe(const ProbeOptions& options) {
  CM_ASSIGN_OR_RETURN(auto ctx, MakeClientContext(options.keystore));
  CM_ASSIGN_OR_RETURN(int raw, Connect(options.host, options.port, options.timeout_ms));
  UniqueFd fd(raw);
  ossl::SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd.get());
  const std::string name = options.servername.empty() ? options.host : options.servername;
  unsigned char buf[16];
  const bool is_ip =
      inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
  if (!is_ip) {
    SSL_set_tlsext_host_name(ssl.get(), name.c_str());
  }
  const int ret = SSL_connect(ssl.get());
  if (ret != 1) {
    return HandshakeError(ssl.get(), ret, options);
  }
  ProbeReport report;
  report.protocol = SSL_get_version(ssl.get());
  report.cipher = SSL_get_cipher_name(ssl.get());
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* x = sk_X509_value(chain, i);
    X509_up_ref(x);
    report.chain.push_back(Certificate::Adopt(ossl::X509Ptr(x)));
  }
  if (options.truststore != nullptr && !report.chain.empty()) {
    VerifyChain(*options.truststore, chain, name, is_ip, options.now, report);
  }
  report.server_rejected = ServerVerdict(ssl.get(), fd.get());
  SSL_shutdown(ssl.get());
  return report;
}

}  // namespace certmint
