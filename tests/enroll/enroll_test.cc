// Tokens, the JSON protocol, URLs and pins, and the renewal schedule.
#include "enroll/enroll.h"

#include <gtest/gtest.h>

#include <set>

#include "enroll/client.h"
#include "enroll/protocol.h"
#include "enroll/token.h"
#include "stores/store_fixture.h"

namespace certmint {
namespace {

TEST(TokenTest, ShapeRandomnessAndHash) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto t = MakeEnrollmentToken().value();
    EXPECT_TRUE(LooksLikeEnrollmentToken(t.reveal())) << t.reveal();
    EXPECT_EQ(t.size(), kTokenLength);
    seen.insert(std::string(t.reveal()));
  }
  EXPECT_EQ(seen.size(), 50u);
  const std::string token = *seen.begin();
  const std::string hash = HashEnrollmentToken(token);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find(token.substr(4, 16)), std::string::npos);
  EXPECT_EQ(HashEnrollmentToken(token), hash);
  EXPECT_NE(HashEnrollmentToken(token + "0"), hash);
  EXPECT_FALSE(LooksLikeEnrollmentToken("cmt_" + std::string(63, 'a')));
  EXPECT_FALSE(LooksLikeEnrollmentToken("cmt_" + std::string(64, 'A')));
  EXPECT_FALSE(LooksLikeEnrollmentToken("xyz_" + std::string(64, 'a')));
}

TEST(TokenTest, Durations) {
  EXPECT_EQ(ParseDuration("90s").value(), std::chrono::seconds(90));
  EXPECT_EQ(ParseDuration("30m").value(), std::chrono::minutes(30));
  EXPECT_EQ(ParseDuration("24h").value(), std::chrono::hours(24));
  EXPECT_EQ(ParseDuration("7d").value(), std::chrono::hours(24 * 7));
  EXPECT_EQ(ParseDuration("15").value(), std::chrono::seconds(15));
  for (const char* bad : {"", "0s", "-1h", "h", "1w", "1.5h", "99999999999d", "1hh"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(ProtocolTest, EnrollRequestFields) {
  auto ok = ParseEnrollRequest(R"({"token":"t","name":"n","csr":"c"})").value();
  EXPECT_EQ(ok.token.reveal(), "t");
  EXPECT_EQ(ok.name, "n");
  EXPECT_EQ(ok.csr_pem, "c");
  for (const char* bad :
       {"", "{", "[]", "null", R"({"token":"t","name":"n"})", R"({"token":1,"name":"n","csr":"c"})",
        R"({"token":"t","name":"n","csr":"c","extra":1})"}) {
    auto r = ParseEnrollRequest(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidData);
  }
  EXPECT_NE(ParseEnrollRequest(R"({"csr":"c","name":"n","token":"t","x\u0001y":0})")
                .error()
                .message()
                .find("x?y"),
            std::string::npos);
  EXPECT_TRUE(ParseRenewRequest(R"({"csr":"c"})"));
  EXPECT_FALSE(ParseRenewRequest(R"({"csr":"c","name":"n"})"));
}

// Content-Type is a media type (RFC 9110 §8.3.1): case-insensitive, with
// parameters; a prefix is not a match (application/jsonp was once taken).
TEST(ProtocolTest, JsonMediaType) {
  for (const char* json : {"application/json", "APPLICATION/JSON", "Application/Json",
                           "application/json; charset=utf-8", " application/json ",
                           "application/json;charset=UTF-8"}) {
    EXPECT_TRUE(IsJsonMediaType(json)) << json;
  }
  for (const char* other :
       {"application/jsonp", "application/json-patch+json", "text/json",
        "application/x-www-form-urlencoded", "json", "application/", "application/json\n"}) {
    EXPECT_FALSE(IsJsonMediaType(other)) << other;
  }
}

TEST(ProtocolTest, IssuedChainRoundTrip) {
  testing::StoreFixture f;
  IssuedChain in{"node-1", f.node, {f.ca}, {f.ca}};
  auto out = ParseIssuedChain(IssuedChainJson(in)).value();
  EXPECT_EQ(out.name, "node-1");
  EXPECT_EQ(out.certificate.Sha256Fingerprint(), f.node.Sha256Fingerprint());
  ASSERT_EQ(out.chain.size(), 1u);
  ASSERT_EQ(out.trust.size(), 1u);
  EXPECT_FALSE(ParseIssuedChain(R"({"name":"x","certificate":"junk","chain":[],"trust":[]})"));
  EXPECT_EQ(DescribeErrorBody(ErrorJson("token_used", "used")), "token_used: used");
  EXPECT_EQ(DescribeErrorBody("<html>\x01"), "<html>?");
  EXPECT_EQ(DescribeErrorBody(R"({"error":{"code":5}})"), "?: ?");
}

TEST(ClientTest, ServerUrls) {
  auto u = ParseServerUrl("https://ca.example.com:8443/").value();
  EXPECT_EQ(u.host, "ca.example.com");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(ParseServerUrl("https://ca.example.com").value().port, 443);
  auto v6 = ParseServerUrl("https://[::1]:9000").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.ToString(), "https://[::1]:9000");
  for (const char* bad :
       {"http://ca:80", "ca:8443", "https://", "https://ca:0", "https://ca:x", "https://ca:8443/v1",
        "https://[::1", "https://c a", "https://ca:70000", "https://::1"}) {
    auto r = ParseServerUrl(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

// Replicas of one service: comma-separated, tried in order.
TEST(ClientTest, SeveralServerUrls) {
  auto u = ParseServerUrl("https://ca1:8443, https://ca2:8443,https://[::1]:9000").value();
  EXPECT_EQ(u.host, "ca1");
  ASSERT_EQ(u.replicas.size(), 2u);
  EXPECT_EQ(u.ToString(), "https://ca1:8443,https://ca2:8443,https://[::1]:9000");
  auto endpoints = ServerEndpoints(u);
  ASSERT_EQ(endpoints.size(), 3u);
  EXPECT_EQ(endpoints[1].ToString(), "https://ca2:8443");
  EXPECT_TRUE(endpoints[2].replicas.empty());
  for (const char* bad :
       {"https://ca1:8443,", "https://ca1,,https://ca2", "https://ca1,http://ca2"}) {
    EXPECT_FALSE(ParseServerUrl(bad)) << bad;
  }
}

// The first replica refuses connections (nothing listens): the next is
// tried, and its refusal (here: no service there either) is what comes back.
TEST(ClientTest, FailoverTriesTheNextReplica) {
  auto url = ParseServerUrl("https://127.0.0.1:1,https://127.0.0.1:2").value();
  auto r = FetchPinnedCa(url, std::string(95, 'A'));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("none of the 2 replicas answered"), std::string::npos)
      << r.error().ToString();
  EXPECT_NE(r.error().ToString().find("https://127.0.0.1:2"), std::string::npos)
      << r.error().ToString();
}

TEST(ClientTest, Fingerprints) {
  const std::string colons =
      "5D:2B:2D:D9:EB:06:01:9E:D4:33:B0:2D:66:3F:3C:05:94:27:D5:15:36:CF:2C:E8:46:0D:40:C1:0A:07:"
      "B4:97";
  std::string bare;
  for (char c : colons) {
    if (c != ':') {
      bare.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  EXPECT_EQ(NormalizeFingerprint(colons).value(), colons);
  EXPECT_EQ(NormalizeFingerprint(bare).value(), colons);
  EXPECT_FALSE(NormalizeFingerprint(bare.substr(2)));
  EXPECT_FALSE(NormalizeFingerprint(bare.substr(1) + "g"));
}

TEST(RenewalTest, DueAtTwoThirds) {
  testing::StoreFixture f;
  const auto due = RenewalDue(f.node);
  const auto life = f.node.NotAfter() - f.node.NotBefore();
  EXPECT_EQ(due - f.node.NotBefore(), life * 2 / 3);
  EXPECT_LT(due, f.node.NotAfter());
  EXPECT_GT(due, f.node.NotBefore());
}

// A node renewing through a CA that ends in 30 days, never rotated: every
// renewal ends with the CA. Two thirds of the remaining time, again and
// again, came ever closer together, and in the CA's last minutes (the
// certificates are backdated) fell due at once, in a loop.
TEST(RenewalTest, RenewalsOfACertificateTheCaCutShortStayAnHourApart) {
  using std::chrono::hours;
  const TimePoint t0 = std::chrono::system_clock::now();
  const auto ca_key = PrivateKey::Generate(DefaultKeySpec()).value();
  const auto ca =
      SelfSignCa(*MakeKeySigner(ca_key),
                 CaProfile{DistinguishedName::CommonName("Ending CA").value(), 30, t0, {}})
          .value();
  const auto key = PrivateKey::Generate(DefaultKeySpec()).value();
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("node").value();
  p.days = 90;
  p.now = t0;
  auto cert = SignLeaf(ca, *MakeKeySigner(ca_key), key.native(), p).value();
  ASSERT_EQ(cert.NotAfter(), ca.NotAfter());
  int renewals = 0;
  TimePoint last = t0;
  for (; renewals < 100; ++renewals) {
    const TimePoint due = RenewalDue(cert);
    // (notBefore keeps whole seconds: up to one less than an hour.)
    EXPECT_GE(due - last, hours(1) - std::chrono::seconds(1)) << "renewal " << renewals;
    if (due >= cert.NotAfter()) {
      break;  // it ends with the CA before another renewal
    }
    p.now = due;
    cert = SignLeaf(ca, *MakeKeySigner(ca_key), key.native(), p).value();
    last = due;
  }
  // 20 days, 6.7 days, 2.2 days, 18 h, 6 h, 2 h, then hourly to the end.
  EXPECT_LE(renewals, 10);
  EXPECT_GE(renewals, 5);
}

}  // namespace
}  // namespace certmint
