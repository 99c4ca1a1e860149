// The HTTPS front's deadlines and connection caps, in process with short
// limits (ServerOptions) so that each shows in well under a second: a client
// that trickles its head or body, never starts TLS, or idles on a kept-alive
// connection is closed at its deadline; connections past the total cap are
// closed at once; Stop() ends Run() at once whatever the clients do.
// tests/e2e/hostile_clients_test.cc attacks the real `certmint serve`.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "ca/authority.h"
#include "identity/identity.h"
#include "inventory/inventory.h"
#include "server/http_server.h"
#include "server/serve.h"
#include "server/service.h"
#include "support/hostile_client.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using std::chrono::milliseconds;
using testing::Crowd;
using Clock = std::chrono::steady_clock;

class HttpLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(CertificateAuthority::Init(tmp_ / "pki", testing::FastCaOptions("Limits CA"),
                                           SecretString("ca-password"))
                    .value());
    inventory_ = OpenInventory(tmp_ / "pki").value();
    service_.emplace(ServiceCa{*ca_, {}, std::nullopt}, inventory_.get());
  }

  void TearDown() override { StopServer(); }

  // Short deadlines unless the test changes them.
  static ServerOptions ShortLimits() {
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.handshake_timeout = milliseconds(400);
    o.header_timeout = milliseconds(400);
    o.body_timeout = milliseconds(400);
    o.idle_timeout = milliseconds(400);
    return o;
  }

  void StartServer(const ServerOptions& options) {
    IdentityRequest r;
    r.name = "certmint-serve";
    r.service_identity = true;
    r.sans.AddIp("127.0.0.1");
    r.role = Role::kServer;
    r.days = 3;
    r.now = std::chrono::system_clock::now();
    auto id = IssueIdentity(*ca_, r).value();
    server_ =
        HttpServer::Bind(&*service_, ServerIdentity{id.certificate, id.key, id.ca_chain}, options)
            .value();
    runner_ = std::thread([this] { EXPECT_TRUE(server_->Run().has_value()); });
  }

  void StopServer() {
    if (server_) {
      server_->Stop();
      runner_.join();
      server_.reset();
    }
  }

  // How long until every connection of `crowd` is closed (-1: not within
  // `timeout_ms`).
  static double SecondsUntilClosed(const Crowd& crowd, int timeout_ms) {
    const auto start = Clock::now();
    while (crowd.open() > 0) {
      if (Clock::now() - start > milliseconds(timeout_ms)) {
        return -1;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  testing::TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
  std::unique_ptr<Inventory> inventory_;
  std::optional<EnrollmentService> service_;
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
};

TEST_F(HttpLimitsTest, TricklingAndSilentClientsAreClosedAtTheirDeadlines) {
  StartServer(ShortLimits());
  const int port = server_->port();
  Crowd headers(port, Crowd::Kind::kSlowHeaders, 3, "127.0.0.1", milliseconds(50));
  Crowd body(port, Crowd::Kind::kSlowBody, 3, "127.0.0.1", milliseconds(50));
  Crowd silent(port, Crowd::Kind::kIdleTcp, 3, "127.0.0.1");
  Crowd quiet_tls(port, Crowd::Kind::kIdleTls, 3, "127.0.0.1");
  ASSERT_TRUE(headers.WaitReady(3, 2000));
  ASSERT_TRUE(body.WaitReady(3, 2000));
  // Each was sending a byte every 50 ms, well within any per-read timeout.
  EXPECT_GE(SecondsUntilClosed(headers, 2000), 0) << "head deadline";
  EXPECT_GE(SecondsUntilClosed(body, 2000), 0) << "body deadline";
  EXPECT_GE(SecondsUntilClosed(silent, 2000), 0) << "handshake deadline";
  EXPECT_GE(SecondsUntilClosed(quiet_tls, 2000), 0) << "head deadline, nothing sent";
  EXPECT_EQ(testing::HealthStatus(port, 2000), 200);
}

TEST_F(HttpLimitsTest, KeptAliveConnectionIsClosedAfterTheIdleTimeout) {
  StartServer(ShortLimits());
  auto c = testing::TlsClient::Connect(server_->port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_EQ(c->ReadStatus(2000), 200);
  const auto answered = Clock::now();
  EXPECT_TRUE(c->WaitClosed(2000));
  const double idle = std::chrono::duration<double>(Clock::now() - answered).count();
  EXPECT_GT(idle, 0.3) << "kept alive for the idle timeout first";
  EXPECT_LT(idle, 1.5);
}

TEST_F(HttpLimitsTest, ConnectionsPastTheTotalCapAreClosedAtOnce) {
  ServerOptions o = ShortLimits();
  o.handshake_timeout = milliseconds(10'000);
  o.max_connections = 6;
  StartServer(o);
  Crowd crowd(server_->port(), Crowd::Kind::kIdleTcp, 10, "127.0.0.2");
  std::this_thread::sleep_for(milliseconds(300));  // connected, or closed at once
  const auto deadline = Clock::now() + milliseconds(2000);
  while (crowd.open() > 6 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(crowd.open(), 6);
}

TEST_F(HttpLimitsTest, StopEndsRunAtOnceWhateverTheClientsDo) {
  ServerOptions o = ShortLimits();
  o.handshake_timeout = o.header_timeout = o.body_timeout = milliseconds(30'000);
  StartServer(o);
  const int port = server_->port();
  Crowd headers(port, Crowd::Kind::kSlowHeaders, 3, "127.0.0.1", milliseconds(50));
  Crowd body(port, Crowd::Kind::kSlowBody, 3, "127.0.0.1", milliseconds(50));
  Crowd silent(port, Crowd::Kind::kIdleTcp, 3, "127.0.0.1");
  ASSERT_TRUE(body.WaitReady(3, 2000));
  std::this_thread::sleep_for(milliseconds(200));
  const auto start = Clock::now();
  StopServer();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.0);
}

TEST(ServeConfigTest, RefusesLimitsThatWouldSwitchTheFrontsDefencesOff) {
  ServeConfig config;
  ASSERT_TRUE(ValidateServeConfig(config).has_value());
  const auto refused = [](ServeConfig c) {
    auto st = ValidateServeConfig(c);
    return !st.has_value() && st.error().code() == ErrorCode::kInvalidArgument;
  };
  ServeConfig c = config;
  c.server.header_timeout = milliseconds(0);
  EXPECT_TRUE(refused(c));
  c = config;
  c.server.max_header_bytes = 100;
  EXPECT_TRUE(refused(c));
  c = config;
  c.server.max_connections_per_address = 0;
  EXPECT_TRUE(refused(c));
}

}  // namespace
}  // namespace certmint
