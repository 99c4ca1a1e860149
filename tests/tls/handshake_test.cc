// MakeTlsContext and RunLocalHandshake with identities a real CA issued: an
// mTLS handshake over 127.0.0.1 succeeds, and fails for each reason a Kafka
// node would refuse its peer. OpenSSL checks validity against the wall
// clock here, so the CAs are made a month ago.
#include "tls/handshake.h"

#include <gtest/gtest.h>

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

class TlsHandshakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Kafka CA", kMonthAgo));
    other_ca_.emplace(testing::InitTestCa(tmp_ / "other", "Other CA", kMonthAgo));
    broker_ = IssueForTest(
        *ca_, NodeRequest("broker-1", Role::kServer, {"DNS:broker-1.kafka.test", "IP:127.0.0.1"}));
    app_ = IssueForTest(*ca_, NodeRequest("app", Role::kClient));
    ASSERT_TRUE(broker_ && app_);
  }

  static ossl::SslCtxPtr Context(const Identity& identity, TlsSide side,
                                 const std::vector<Certificate>& trust = {}) {
    const auto stores = StoresOf(identity, trust);
    TlsContextOptions options;
    options.side = side;
    auto ctx = MakeTlsContext(&stores.keystore, stores.truststore, options);
    EXPECT_TRUE(ctx) << ctx.error().ToString();
    return ctx ? std::move(*ctx) : nullptr;
  }

  // A handshake of `server` (broker) and `client` (app), dialling `host`.
  HandshakeReport Handshake(const Identity& server, const Identity& client,
                            const std::string& host = "127.0.0.1",
                            const std::vector<Certificate>& client_trust = {}) {
    auto server_ctx = Context(server, TlsSide::kServer);
    auto client_ctx = Context(client, TlsSide::kClient, client_trust);
    if (!server_ctx || !client_ctx) {
      return {};
    }
    HandshakeOptions options;
    options.host = host;
    auto report = RunLocalHandshake(server_ctx.get(), client_ctx.get(), options);
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : HandshakeReport{};
  }

  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
  std::optional<CertificateAuthority> other_ca_;
  std::optional<Identity> broker_;
  std::optional<Identity> app_;
};

TEST_F(TlsHandshakeTest, MutualTlsWithIdentitiesOfOneCa) {
  for (const char* host : {"127.0.0.1", "broker-1.kafka.test"}) {
    SCOPED_TRACE(host);
    HandshakeReport r = Handshake(*broker_, *app_, host);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.reason, "");
    EXPECT_EQ(r.protocol, "TLSv1.3");
    EXPECT_EQ(r.server_subject, "CN=broker-1");
    EXPECT_EQ(r.client_subject, "CN=app") << "the server saw the client's certificate";
  }
}

TEST_F(TlsHandshakeTest, ClientRefusesAServerOfAnotherCa) {
  auto stranger =
      IssueForTest(*other_ca_, NodeRequest("broker-1", Role::kServer, {"IP:127.0.0.1"}));
  ASSERT_TRUE(stranger);
  HandshakeReport r = Handshake(*stranger, *app_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.reason.starts_with("the client refused the server: ")) << r.reason;
  // The server sends its root along (OpenSSL completes the chain from the
  // server's trust store); the client trusts another.
  EXPECT_EQ(r.reason,
            "the client refused the server: self-signed certificate in certificate chain");
}

TEST_F(TlsHandshakeTest, ServerRefusesAClientOfAnotherCa) {
  // The stranger trusts our CA, so only the server can object.
  auto stranger = IssueForTest(*other_ca_, NodeRequest("app", Role::kClient));
  ASSERT_TRUE(stranger);
  HandshakeReport r = Handshake(*broker_, *stranger, "127.0.0.1", {ca_->certificate()});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.reason.starts_with("the server refused the client: ")) << r.reason;
  EXPECT_EQ(r.client_subject, "");
}

TEST_F(TlsHandshakeTest, ClientRefusesANameOutsideTheSans) {
  HandshakeReport by_name = Handshake(*broker_, *app_, "broker-2.kafka.test");
  EXPECT_FALSE(by_name.ok);
  EXPECT_EQ(by_name.reason, "the client refused the server: hostname mismatch");
  // The socket goes to 127.0.0.1 either way; the name verified is the one
  // given, and an IP address must be one of the iPAddress SANs.
  HandshakeReport by_ip = Handshake(*broker_, *app_, "10.0.0.1");
  EXPECT_FALSE(by_ip.ok);
  EXPECT_EQ(by_ip.reason, "the client refused the server: IP address mismatch");
}

TEST_F(TlsHandshakeTest, ExpiredCertificatesAreRefusedOnBothSides) {
  // Valid for one day, ten days ago.
  const TimePoint ten_days_ago = std::chrono::system_clock::now() - hours(24 * 10);
  auto old_broker =
      IssueForTest(*ca_, NodeRequest("broker-1", Role::kServer, {"IP:127.0.0.1"}, ten_days_ago, 1));
  auto old_app = IssueForTest(*ca_, NodeRequest("app", Role::kClient, {}, ten_days_ago, 1));
  ASSERT_TRUE(old_broker && old_app);
  HandshakeReport server_side = Handshake(*old_broker, *app_);
  EXPECT_FALSE(server_side.ok);
  EXPECT_EQ(server_side.reason, "the client refused the server: certificate has expired");
  HandshakeReport client_side = Handshake(*broker_, *old_app);
  EXPECT_FALSE(client_side.ok);
  EXPECT_EQ(client_side.reason, "the server refused the client: certificate has expired");
}

// Extended key usage: a client-only certificate cannot serve.
TEST_F(TlsHandshakeTest, ClientCertificateCannotServe) {
  auto client_only = IssueForTest(*ca_, NodeRequest("broker-1", Role::kClient, {"IP:127.0.0.1"}));
  ASSERT_TRUE(client_only);
  HandshakeReport r = Handshake(*client_only, *app_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "the client refused the server: unsuitable certificate purpose");
}

TEST_F(TlsHandshakeTest, ContextRefusesUnusableStores) {
  const auto stores = StoresOf(*broker_);
  TlsContextOptions options;
  options.side = TlsSide::kServer;

  auto no_anchor = MakeTlsContext(&stores.keystore, KeyStore{}, options);
  ASSERT_FALSE(no_anchor);
  EXPECT_EQ(no_anchor.error().code(), ErrorCode::kInvalidData);

  auto no_key = MakeTlsContext(&stores.truststore, stores.truststore, options);
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().ToString().find("no private key"), std::string::npos)
      << no_key.error().ToString();

  KeyStore mismatched = stores.keystore;
  mismatched.keys[0].key = app_->key;
  auto wrong_key = MakeTlsContext(&mismatched, stores.truststore, options);
  ASSERT_FALSE(wrong_key);
  EXPECT_NE(wrong_key.error().ToString().find("does not fit its certificate"), std::string::npos)
      << wrong_key.error().ToString();
}

}  // namespace
}  // namespace certmint
