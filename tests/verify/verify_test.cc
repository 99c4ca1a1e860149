// VerifyStorePair and its companions on stores built from identities a real
// CA issued: a root, an issuing (intermediate) CA under it, and a stranger.
#include "verify/verify.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "verify/identity_check.h"

namespace certmint {
namespace {

using std::chrono::hours;
using testing::IssueForTest;
using testing::NodeRequest;
using testing::StoresOf;
using testing::TempDir;

constexpr auto kDay = hours(24);
// 2026-01-01T00:00:00Z; verification takes the time from its options.
const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_.emplace(testing::InitTestCa(tmp_ / "root", "Root CA", kNow));
    CaInitOptions o = testing::FastCaOptions("Issuing CA");
    o.now = kNow;
    issuing_.emplace(CertificateAuthority::InitIntermediate(
                         tmp_ / "issuing", o, SecretString(testing::kTestCaPassword), *root_)
                         .value());
    other_.emplace(testing::InitTestCa(tmp_ / "other", "Other CA", kNow));
    broker_ = IssueForTest(
        *issuing_,
        NodeRequest("broker-1", Role::kBoth, {"DNS:broker-1.kafka.test", "IP:10.0.0.1"}, kNow, 90));
    ASSERT_TRUE(broker_);
    ASSERT_EQ(broker_->ca_chain.size(), 2u) << "issuing CA, root";
  }

  // The pair certmint writes for `identity`: keystore.p12 and truststore.p12
  // holding the root.
  static StorePair PairOf(const Identity& identity) {
    auto stores = StoresOf(identity);
    return {"keystore.p12", "truststore.p12", std::move(stores.keystore),
            std::move(stores.truststore)};
  }

  static VerifyOptions At(TimePoint now) {
    VerifyOptions o;
    o.now = now;
    return o;
  }

  TempDir tmp_;
  std::optional<CertificateAuthority> root_;
  std::optional<CertificateAuthority> issuing_;
  std::optional<CertificateAuthority> other_;
  std::optional<Identity> broker_;
};

// The check named `name` (exactly once); a failure if there is none.
Check Named(const std::vector<Check>& checks, const std::string& name) {
  const Check* found = nullptr;
  for (const auto& c : checks) {
    if (c.name == name) {
      EXPECT_EQ(found, nullptr) << "twice: " << name;
      found = &c;
    }
  }
  if (found == nullptr) {
    std::string names;
    for (const auto& c : checks) {
      names += "\n  " + c.name;
    }
    ADD_FAILURE() << "no check '" << name << "' among:" << names;
    return {};
  }
  return *found;
}

// Every check that did not pass, as "scope: name: detail" lines.
std::string NotOk(const std::vector<Check>& checks) {
  std::string out;
  for (const auto& c : checks) {
    if (c.status != CheckStatus::kOk) {
      out += c.scope + ": " + c.name + " [" + std::string(CheckStatusName(c.status)) +
             "]: " + c.detail + "\n";
    }
  }
  return out;
}

TEST_F(VerifyTest, GoodPairPassesEveryCheck) {
  VerifyOptions o = At(kNow + kDay);
  o.hosts = {"broker-1.kafka.test", "10.0.0.1"};
  o.role = Role::kBoth;
  const auto checks = VerifyStorePair(PairOf(*broker_), o);
  EXPECT_EQ(WorstStatus(checks), CheckStatus::kOk) << NotOk(checks);
  const Check chain = Named(checks, "chain reaches a trusted CA");
  EXPECT_EQ(chain.scope, "keystore.p12");
  EXPECT_EQ(chain.detail, "CN=broker-1 <- CN=Issuing CA <- CN=Root CA");
  EXPECT_EQ(Named(checks, "key matches certificate").status, CheckStatus::kOk);
  EXPECT_EQ(Named(checks, "SANs cover 10.0.0.1").status, CheckStatus::kOk);
  EXPECT_EQ(Named(checks, "key usage fits role both").status, CheckStatus::kOk);
  EXPECT_EQ(Named(checks, "trusted CA certificates").scope, "truststore.p12");
}

TEST_F(VerifyTest, TruststoreWithoutTheCa) {
  auto stranger = IssueForTest(*other_, NodeRequest("app", Role::kClient, {}, kNow));
  ASSERT_TRUE(stranger);
  StorePair pair = PairOf(*broker_);
  pair.truststore = StoresOf(*stranger).truststore;
  auto checks = VerifyStorePair(pair, At(kNow + kDay));
  EXPECT_EQ(WorstStatus(checks), CheckStatus::kFail);
  const Check chain = Named(checks, "chain reaches a trusted CA");
  EXPECT_EQ(chain.status, CheckStatus::kFail);
  // The keystore carries its root, which the truststore does not.
  EXPECT_EQ(chain.detail,
            "self-signed certificate in certificate chain (truststore truststore.p12)");
  EXPECT_EQ(Named(checks, "key matches certificate").status, CheckStatus::kOk)
      << "the keystore itself is fine";

  pair.truststore = KeyStore{};
  checks = VerifyStorePair(pair, At(kNow + kDay));
  const Check anchors = Named(checks, "trusted CA certificates");
  EXPECT_EQ(anchors.status, CheckStatus::kFail);
  EXPECT_NE(anchors.detail.find("trustAnchors parameter must be non-empty"), std::string::npos);
}

// The issuing CA missing from the keystore: the root alone cannot vouch for
// the node certificate.
TEST_F(VerifyTest, KeystoreWithABrokenChain) {
  StorePair pair = PairOf(*broker_);
  auto& chain = pair.keystore.keys[0].chain;
  ASSERT_EQ(chain.size(), 3u);
  chain.erase(chain.begin() + 1);
  const auto checks = VerifyStorePair(pair, At(kNow + kDay));
  const Check check = Named(checks, "chain reaches a trusted CA");
  EXPECT_EQ(check.status, CheckStatus::kFail);
  EXPECT_NE(check.detail.find("unable to get local issuer certificate"), std::string::npos)
      << check.detail;
}

TEST_F(VerifyTest, LeafValidityOverTime) {
  const std::string name = "validity of CN=broker-1";
  const StorePair pair = PairOf(*broker_);  // 90 days from kNow
  EXPECT_EQ(Named(VerifyStorePair(pair, At(kNow + kDay)), name).status, CheckStatus::kOk);
  const Check soon = Named(VerifyStorePair(pair, At(kNow + 70 * kDay)), name);
  EXPECT_EQ(soon.status, CheckStatus::kWarn);
  EXPECT_NE(soon.detail.find("20 days left"), std::string::npos) << soon.detail;
  const Check expired = Named(VerifyStorePair(pair, At(kNow + 91 * kDay)), name);
  EXPECT_EQ(expired.status, CheckStatus::kFail);
  EXPECT_NE(expired.detail.find("expired on"), std::string::npos) << expired.detail;
  const Check early = Named(VerifyStorePair(pair, At(kNow - kDay)), name);
  EXPECT_EQ(early.status, CheckStatus::kFail);
  EXPECT_NE(early.detail.find("not valid before"), std::string::npos) << early.detail;
}

TEST_F(VerifyTest, KeyOfAnotherCertificate) {
  auto other = IssueForTest(*issuing_, NodeRequest("broker-2", Role::kBoth, {}, kNow));
  ASSERT_TRUE(other);
  StorePair pair = PairOf(*broker_);
  pair.keystore.keys[0].key = other->key;
  const auto checks = VerifyStorePair(pair, At(kNow + kDay));
  EXPECT_EQ(Named(checks, "key matches certificate").status, CheckStatus::kFail);
  EXPECT_EQ(WorstStatus(checks), CheckStatus::kFail);
}

TEST_F(VerifyTest, RoleAndHostsTheCertificateDoesNotCover) {
  auto client = IssueForTest(*issuing_, NodeRequest("app", Role::kClient, {}, kNow));
  ASSERT_TRUE(client);
  VerifyOptions o = At(kNow + kDay);
  o.role = Role::kServer;
  o.hosts = {"app.kafka.test"};
  const auto checks = VerifyStorePair(PairOf(*client), o);
  const Check role = Named(checks, "key usage fits role server");
  EXPECT_EQ(role.status, CheckStatus::kFail);
  EXPECT_EQ(role.detail, "extendedKeyUsage lacks serverAuth");
  const Check host = Named(checks, "SANs cover app.kafka.test");
  EXPECT_EQ(host.status, CheckStatus::kFail);
  EXPECT_EQ(host.detail, "no dNSName SAN matches (the certificate has: DNS:app)");
}

TEST_F(VerifyTest, KafkaNeedsExactlyOneKeyEntry) {
  StorePair pair = PairOf(*broker_);
  KeyEntry second = pair.keystore.keys[0];
  second.alias = "second";
  pair.keystore.keys.push_back(second);
  const auto checks = VerifyStorePair(pair, At(kNow + kDay));
  EXPECT_EQ(Named(checks, "one key entry").status, CheckStatus::kFail);
}

TEST(VerifyFileModesTest, GroupOrOtherAccessFails) {
  TempDir tmp;
  const std::string tight = tmp / "broker-1.key";
  const std::string loose = tmp / "keystore.p12";
  const std::string group = tmp / "password";
  for (const auto& p : {tight, loose, group}) {
    testing::WriteTextFile(p, "secret\n");
  }
  ASSERT_EQ(::chmod(loose.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(group.c_str(), 0640), 0);
  const auto checks = CheckPrivateFileModes({tight, loose, group, tmp / "absent"});
  ASSERT_EQ(checks.size(), 3u) << "a missing file is no finding";
  EXPECT_EQ(checks[0].name, "mode of " + tight);
  EXPECT_EQ(checks[0].status, CheckStatus::kOk);
  EXPECT_EQ(checks[1].name, "mode of " + loose);
  EXPECT_EQ(checks[1].status, CheckStatus::kFail);
  EXPECT_NE(checks[1].detail.find("0644"), std::string::npos) << checks[1].detail;
  EXPECT_EQ(checks[2].status, CheckStatus::kFail);
  EXPECT_EQ(WorstStatus(checks), CheckStatus::kFail);
}

// A password file others can read is a warning (issue 20, item 13); its
// owner's group may share it.
TEST(VerifyFileModesTest, PasswordFileReadableByOthersWarns) {
  TempDir tmp;
  const std::string open_to_all = tmp / "store.pass";
  const std::string shared = tmp / "group.pass";
  const std::string tight = tmp / "tight.pass";
  for (const auto& p : {open_to_all, shared, tight}) {
    testing::WriteTextFile(p, "store-password\n");
  }
  ASSERT_EQ(::chmod(open_to_all.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(shared.c_str(), 0640), 0);
  ASSERT_EQ(::chmod(tight.c_str(), 0600), 0);
  IdentityCheckTarget target{"lone", "", {}, {open_to_all, shared, tight, tmp / "absent", ""}};
  auto result = CheckIdentity(target, VerifyOptions{}, [](const std::string&) {
    return Result<std::optional<SecretString>>(std::nullopt);
  });
  ASSERT_TRUE(result) << result.error().ToString();
  const auto& checks = result->checks;
  ASSERT_EQ(checks.size(), 3u) << "a missing or unnamed file is no finding";
  EXPECT_EQ(checks[0].name, "mode of password file " + open_to_all);
  EXPECT_EQ(checks[0].status, CheckStatus::kWarn);
  EXPECT_NE(checks[0].detail.find("0644: every user of this machine can read"), std::string::npos)
      << checks[0].detail;
  EXPECT_EQ(checks[1].status, CheckStatus::kOk) << checks[1].detail;
  EXPECT_EQ(checks[2].status, CheckStatus::kOk);
  EXPECT_EQ(WorstStatus(checks), CheckStatus::kWarn);
}

// Prometheus text format: label values escape \, " and line feeds; the value
// goes negative once a certificate has expired.
TEST_F(VerifyTest, ExpiryMetricsEscapeLabelsAndGoNegative) {
  KeyStore keystore = StoresOf(*broker_).keystore;
  keystore.keys[0].alias = "node\"1";
  const TimePoint now = kNow + 91 * kDay;  // one day after the leaf's end
  const std::string text = ExpiryMetrics("rack \"a\"\\b\nc", keystore, now);

  std::vector<std::string> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#")) {
      samples.push_back(line);
    }
  }
  ASSERT_EQ(samples.size(), 3u) << text;  // leaf, issuing CA, root
  const std::string labels = R"(identity="rack \"a\"\\b\nc",alias="node\"1",)";
  EXPECT_EQ(samples[0], "certmint_certificate_expiry_seconds{" + labels +
                            R"(position="leaf",subject="CN=broker-1",serial=")" +
                            broker_->certificate.SerialHex() + "\"} -86400");
  // The CAs, made at kNow for 3650 days, have 3650 - 91 days left.
  const std::string ca_seconds = std::to_string((3650 - 91) * 86400);
  EXPECT_TRUE(samples[1].starts_with("certmint_certificate_expiry_seconds{" + labels +
                                     R"(position="ca",subject="CN=Issuing CA")"))
      << samples[1];
  EXPECT_TRUE(samples[1].ends_with("} " + ca_seconds)) << samples[1];
  EXPECT_TRUE(samples[2].ends_with("} " + ca_seconds)) << samples[2];
}

TEST(VerifyWorstStatusTest, FailOverWarnOverOk) {
  const Check ok{"s", "a", "", "a", CheckStatus::kOk, ""};
  const Check warn{"s", "b", "", "b", CheckStatus::kWarn, ""};
  const Check fail{"s", "c", "", "c", CheckStatus::kFail, ""};
  EXPECT_EQ(WorstStatus({}), CheckStatus::kOk);
  EXPECT_EQ(WorstStatus({ok, ok}), CheckStatus::kOk);
  EXPECT_EQ(WorstStatus({ok, warn, ok}), CheckStatus::kWarn);
  EXPECT_EQ(WorstStatus({fail, warn, ok}), CheckStatus::kFail);
  EXPECT_EQ(WorstStatus({ok, warn, fail}), CheckStatus::kFail);
}

}  // namespace
}  // namespace certmint
