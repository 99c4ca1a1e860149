// Probe against real listeners on 127.0.0.1 that the test runs: an OpenSSL
// server with a CA-issued identity, a server that speaks no TLS, and a port
// nobody listens on.
#include "tls/probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "core/fd.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "tls/context.h"

namespace certmint {
namespace {

using std::chrono::hours;
using testing::IssueForTest;
using testing::NodeRequest;
using testing::StoresOf;
using testing::TempDir;

const TimePoint kMonthAgo = std::chrono::system_clock::now() - hours(24 * 30);

// A socket bound to 127.0.0.1 on a free port; listening when asked.
UniqueFd BindLoopback(bool listen, int* port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd.get() < 0 || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      (listen && ::listen(fd.get(), 8) != 0) ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "binding 127.0.0.1:0: " << strerror(errno);
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

// Serves every connection on 127.0.0.1:port() until destroyed: a TLS
// handshake with `ctx` (then it waits for the client to close), or, with no
// context, a line of HTTP.
class LoopbackServer {
 public:
  explicit LoopbackServer(SSL_CTX* ctx) : ctx_(ctx), listener_(BindLoopback(true, &port_)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackServer() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes accept()
    thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  // Handshakes completed so far, once `at_least` have been (or after 5 s):
  // the server may finish a moment after the client.
  int handshakes(int at_least) const {
    for (int i = 0; i < 100 && handshakes_ < at_least; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return handshakes_;
  }

 private:
  void Serve() {
    // A client may hang up before the server's last write: that must be
    // EPIPE here, not a SIGPIPE that ends the test binary.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    for (;;) {
      UniqueFd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (conn.get() < 0) {
        return;
      }
      timeval tv{5, 0};
      setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      if (ctx_ == nullptr) {
        const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
        (void)!::write(conn.get(), reply, sizeof(reply) - 1);
        continue;
      }
      ossl::SslPtr ssl(SSL_new(ctx_));
      SSL_set_fd(ssl.get(), conn.get());
      if (SSL_accept(ssl.get()) == 1) {
        ++handshakes_;
        char b;
        SSL_read(ssl.get(), &b, 1);  // until the client closes
        SSL_shutdown(ssl.get());
      }
      ERR_clear_error();
    }
  }

  SSL_CTX* ctx_;
  int port_ = 0;
  UniqueFd listener_;
  std::atomic<int> handshakes_ = 0;
  std::thread thread_;
};

class TlsProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Kafka CA", kMonthAgo));
    broker_ = IssueForTest(
        *ca_, NodeRequest("broker-1", Role::kServer, {"DNS:broker-1.kafka.test", "IP:127.0.0.1"}));
    auto app = IssueForTest(*ca_, NodeRequest("app", Role::kClient));
    ASSERT_TRUE(broker_ && app);
    app_stores_ = StoresOf(*app);
  }

  // A TLS server presenting broker-1; it demands a client certificate when
  // told to.
  std::unique_ptr<LoopbackServer> StartBroker(bool require_client_certificate) {
    const auto stores = StoresOf(*broker_);
    TlsContextOptions options;
    options.side = TlsSide::kServer;
    options.require_client_certificate = require_client_certificate;
    auto ctx = MakeTlsContext(&stores.keystore, stores.truststore, options);
    EXPECT_TRUE(ctx) << ctx.error().ToString();
    broker_ctx_ = std::move(*ctx);
    return std::make_unique<LoopbackServer>(broker_ctx_.get());
  }

  ProbeOptions Options(int port) const {
    ProbeOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.truststore = &app_stores_.truststore;
    return o;
  }

  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
  std::optional<Identity> broker_;
  testing::NodeStores app_stores_;
  ossl::SslCtxPtr broker_ctx_;
};

TEST_F(TlsProbeTest, ShowsAndVerifiesWhatTheServerPresents) {
  auto server = StartBroker(/*require_client_certificate=*/false);
  auto r = Probe(Options(server->port()));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->ok()) << r->chain_reason;
  EXPECT_EQ(r->protocol, "TLSv1.3");
  ASSERT_FALSE(r->chain.empty());
  EXPECT_EQ(r->chain[0].Sha256Fingerprint(), broker_->certificate.Sha256Fingerprint());
  EXPECT_EQ(r->chain_trusted, true);
  EXPECT_EQ(r->name_matches, true);
  EXPECT_EQ(r->server_rejected, "");
  EXPECT_EQ(server->handshakes(1), 1);

  // Without a truststore the chain is shown, not judged.
  ProbeOptions blind = Options(server->port());
  blind.truststore = nullptr;
  auto shown = Probe(blind);
  ASSERT_TRUE(shown) << shown.error().ToString();
  EXPECT_EQ(shown->chain.size(), r->chain.size());
  EXPECT_FALSE(shown->chain_trusted);
  EXPECT_FALSE(shown->name_matches);
}

TEST_F(TlsProbeTest, ReportsAnotherCaAWrongNameAndExpiry) {
  auto server = StartBroker(false);

  const auto other = testing::InitTestCa(tmp_ / "other", "Other CA", kMonthAgo);
  auto stranger = IssueForTest(other, NodeRequest("app", Role::kClient));
  ASSERT_TRUE(stranger);
  const auto stranger_stores = StoresOf(*stranger);
  ProbeOptions untrusted = Options(server->port());
  untrusted.truststore = &stranger_stores.truststore;
  auto r = Probe(untrusted);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->chain_trusted, false);
  // The server sends its root along; the probe trusts another.
  EXPECT_EQ(r->chain_reason, "self-signed certificate in certificate chain");
  ASSERT_FALSE(r->chain.empty()) << "a bad chain is still shown";
  EXPECT_EQ(r->chain[0].Sha256Fingerprint(), broker_->certificate.Sha256Fingerprint());

  ProbeOptions misnamed = Options(server->port());
  misnamed.servername = "broker-2.kafka.test";
  r = Probe(misnamed);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r->ok());
  EXPECT_EQ(r->chain_trusted, true);
  EXPECT_EQ(r->name_matches, false);

  // The clock is the caller's: a year and a day on, the certificate has
  // expired.
  ProbeOptions later = Options(server->port());
  later.now = broker_->certificate.NotAfter() + hours(24);
  r = Probe(later);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->chain_trusted, false);
  EXPECT_EQ(r->chain_reason, "certificate has expired");
}

// With TLS 1.3 the server judges the client's certificate after the
// client's handshake is done: Probe waits for that verdict.
TEST_F(TlsProbeTest, ServerThatDemandsAClientCertificate) {
  auto server = StartBroker(/*require_client_certificate=*/true);
  auto anonymous = Probe(Options(server->port()));
  ASSERT_TRUE(anonymous) << anonymous.error().ToString();
  EXPECT_FALSE(anonymous->ok());
  EXPECT_NE(anonymous->server_rejected, "");

  ProbeOptions with_key = Options(server->port());
  with_key.keystore = &app_stores_.keystore;
  auto r = Probe(with_key);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r->ok()) << r->server_rejected;
  EXPECT_EQ(r->server_rejected, "");
  EXPECT_EQ(server->handshakes(1), 1) << "only the probe with a certificate got through";
}

TEST_F(TlsProbeTest, ClosedPortIsAClearError) {
  int port = 0;
  // Bound but not listening: nobody else can take the port meanwhile.
  UniqueFd held = BindLoopback(false, &port);
  ProbeOptions o = Options(port);
  o.timeout_ms = 2000;
  auto r = Probe(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kIo);
  EXPECT_NE(r.error().ToString().find("connecting to 127.0.0.1:" + std::to_string(port) +
                                      ": connection refused"),
            std::string::npos)
      << r.error().ToString();
}

TEST_F(TlsProbeTest, PeerThatSpeaksNoTls) {
  LoopbackServer http(nullptr);
  auto r = Probe(Options(http.port()));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("the peer does not speak TLS"), std::string::npos)
      << r.error().ToString();
}

}  // namespace
}  // namespace certmint
