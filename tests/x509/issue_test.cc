#include "x509/issue.h"

#include <gtest/gtest.h>

#include "keys/key_spec.h"
#include "support/openssl_fixtures.h"

namespace certmint {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

// 2026-01-01T00:00:00Z, fixed so that validity arithmetic is deterministic.
const TimePoint kNow = system_clock::from_time_t(1767225600);

struct TestCa {
  PrivateKey key;
  Certificate cert;
};

TestCa MakeCa(const char* key_type, int days = 3650) {
  auto key = PrivateKey::Generate(ParseKeySpec(key_type).value()).value();
  CaProfile profile{DistinguishedName::Parse("CN=Test CA,O=certmint").value(), days, kNow, {}};
  auto cert = SelfSignCa(*MakeKeySigner(key), profile).value();
  return {key, cert};
}

TEST(CaProfileTest, ExtensionsAsJsseAndRfc5280Want) {
  TestCa ca = MakeCa("ec:p256");
  CertificateInfo info = DescribeCertificate(ca.cert, kNow);
  EXPECT_EQ(info.version, 3);
  EXPECT_TRUE(info.self_signed);
  ASSERT_TRUE(info.basic_constraints_critical);
  EXPECT_TRUE(*info.basic_constraints_critical);
  EXPECT_TRUE(info.is_ca);
  EXPECT_FALSE(info.path_length);
  ASSERT_TRUE(info.key_usage_critical);
  EXPECT_TRUE(*info.key_usage_critical);
  EXPECT_EQ(info.key_usage, (std::vector<std::string>{"keyCertSign", "cRLSign"}));
  EXPECT_FALSE(info.subject_key_id.empty());
  EXPECT_EQ(info.authority_key_id, info.subject_key_id);
  EXPECT_EQ(info.signature_algorithm, "ecdsa-with-SHA256");
  EXPECT_EQ(ca.cert.NotBefore(), kNow - kBackdate);
  EXPECT_EQ(ca.cert.NotAfter(), kNow + hours(24 * 3650));
}

TEST(CaProfileTest, SignatureDigestFollowsTheKey) {
  EXPECT_EQ(DescribeCertificate(MakeCa("ec:p384").cert, kNow).signature_algorithm,
            "ecdsa-with-SHA384");
  EXPECT_EQ(DescribeCertificate(MakeCa("ed25519").cert, kNow).signature_algorithm, "ED25519");
  EXPECT_EQ(DescribeCertificate(MakeCa("rsa:2048").cert, kNow).signature_algorithm,
            "sha256WithRSAEncryption");
}

class LeafProfileTest : public ::testing::TestWithParam<std::pair<const char*, Role>> {};

TEST_P(LeafProfileTest, ProfileByKeyTypeAndRole) {
  const auto [key_type, role] = GetParam();
  TestCa ca = MakeCa("ec:p256");
  auto key = PrivateKey::Generate(ParseKeySpec(key_type).value()).value();
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("broker-1").value();
  p.sans.AddDns("broker-1.kafka.example.com");
  p.sans.AddIp("10.0.0.1");
  p.sans.AddIp("2001:db8::1");
  p.role = role;
  p.days = 90;
  p.now = kNow;
  auto cert = SignLeaf(ca.cert, *MakeKeySigner(ca.key), key.native(), p);
  ASSERT_TRUE(cert) << cert.error().ToString();
  CertificateInfo info = DescribeCertificate(*cert, kNow);
  EXPECT_EQ(info.subject, "CN=broker-1");
  EXPECT_EQ(info.issuer, "CN=Test CA,O=certmint");
  EXPECT_FALSE(info.is_ca);
  ASSERT_TRUE(info.basic_constraints_critical);
  EXPECT_TRUE(*info.key_usage_critical);
  const bool rsa = std::string(key_type).rfind("rsa", 0) == 0;
  const std::vector<std::string> ku =
      rsa ? std::vector<std::string>{"digitalSignature", "keyEncipherment"}
          : std::vector<std::string>{"digitalSignature"};
  EXPECT_EQ(info.key_usage, ku);
  std::vector<std::string> eku = role == Role::kServer ? std::vector<std::string>{"serverAuth"}
                                 : role == Role::kClient
                                     ? std::vector<std::string>{"clientAuth"}
                                     : std::vector<std::string>{"serverAuth", "clientAuth"};
  EXPECT_EQ(info.extended_key_usage, eku);
  EXPECT_EQ(info.dns_names, std::vector<std::string>{"broker-1.kafka.example.com"});
  EXPECT_EQ(info.ip_addresses, (std::vector<std::string>{"10.0.0.1", "2001:db8::1"}));
  EXPECT_EQ(info.authority_key_id, DescribeCertificate(ca.cert, kNow).subject_key_id);
  EXPECT_FALSE(info.subject_key_id.empty());
  EXPECT_EQ(cert->NotBefore(), kNow - kBackdate);
  EXPECT_EQ(cert->NotAfter(), kNow + hours(24 * 90));
  EXPECT_TRUE(cert->MatchesKey(key));
  EXPECT_EQ(X509_verify(cert->native(), X509_get0_pubkey(ca.cert.native())), 1);

  // RFC 5280 §4.1.2.2: positive, at most 20 octets; ours: 16 random bytes.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert->native());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER) << "positive";
  EXPECT_EQ(ASN1_STRING_length(serial), static_cast<int>(kSerialBytes));
}

INSTANTIATE_TEST_SUITE_P(KeysAndRoles, LeafProfileTest,
                         ::testing::Values(std::pair{"ec:p256", Role::kBoth},
                                           std::pair{"rsa:2048", Role::kServer},
                                           std::pair{"ed25519", Role::kClient},
                                           std::pair{"ec:p384", Role::kBoth}));

TEST(LeafTest, SerialsDiffer) {
  TestCa ca = MakeCa("ec:p256");
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("x").value();
  p.now = kNow;
  auto a = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  auto b = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  EXPECT_NE(a.SerialHex(), b.SerialHex());
  p.serial = {0x01, 0x02};
  EXPECT_EQ(SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value().SerialHex(),
            "01:02");
}

TEST(LeafTest, NeverOutlivesTheCa) {
  TestCa ca = MakeCa("ec:p256", /*days=*/30);
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("x").value();
  p.now = kNow;
  p.days = 365;
  auto cert = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  EXPECT_EQ(cert.NotAfter(), ca.cert.NotAfter());
}

// Whatever path brings a key to be certified, explicit curve parameters
// (an openssl -param_enc explicit key) are never signed (RFC 5480 §2.1.1).
TEST(LeafTest, NeverCertifiesExplicitCurveParameters) {
  TestCa ca = MakeCa("ec:p256");
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("x").value();
  p.now = kNow;
  auto spelled_out =
      PrivateKey::FromPem(testing::MakeOpensslEcRequest(true).key_pem, nullptr).value();
  EXPECT_EQ(spelled_out.Describe().ToString(), "EC P-256");  // the type alone would pass
  auto refused = SignLeaf(ca.cert, *MakeKeySigner(ca.key), spelled_out.native(), p);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidData);
  EXPECT_NE(refused.error().ToString().find("explicit curve parameters"), std::string::npos);
  auto named = PrivateKey::FromPem(testing::MakeOpensslEcRequest(false).key_pem, nullptr).value();
  EXPECT_TRUE(SignLeaf(ca.cert, *MakeKeySigner(ca.key), named.native(), p));
}

// --days 100000 once gave a notAfter in 1716: validity is bounded, for CAs
// and nodes, and the bound itself is signed as asked.
TEST(ValidityTest, DaysAreBounded) {
  EXPECT_TRUE(CheckValidity(1));
  EXPECT_TRUE(CheckValidity(kMaxValidity));
  EXPECT_TRUE(CheckValidity(kMinValidity));
  EXPECT_FALSE(CheckValidity(0));
  EXPECT_FALSE(CheckValidity(Validity::Hours(1)));
  EXPECT_FALSE(CheckValidity(Validity::Hours(kMaxValidity.hours().count() + 1)));
  EXPECT_FALSE(CheckValidity(100000));

  auto key = PrivateKey::Generate(ParseKeySpec("ec:p256").value()).value();
  CaProfile ca_profile{DistinguishedName::CommonName("Long CA").value(), 100000, kNow, {}};
  auto refused = SelfSignCa(*MakeKeySigner(key), ca_profile);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("100000"), std::string::npos);

  ca_profile.days = kMaxValidity;
  auto ca = SelfSignCa(*MakeKeySigner(key), ca_profile).value();
  EXPECT_EQ(ca.NotAfter(), kNow + kMaxValidity.hours());
  LeafProfile leaf;
  leaf.subject = DistinguishedName::CommonName("node").value();
  leaf.now = kNow;
  leaf.days = 100000;
  EXPECT_FALSE(SignLeaf(ca, *MakeKeySigner(key), key.native(), leaf));
}

// Short-lived certificates: the validity counts from "now"; the 5-minute
// backdate of notBefore comes on top of it, never out of it.
TEST(ValidityTest, HoursAreSignedAsAskedWithTheBackdateOnTop) {
  TestCa ca = MakeCa("ec:p256");
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("short").value();
  p.now = kNow;
  p.days = Validity::Hours(24);
  auto leaf = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  EXPECT_EQ(leaf.NotAfter(), kNow + hours(24));
  EXPECT_EQ(leaf.NotBefore(), kNow - kBackdate);
  EXPECT_EQ(leaf.NotAfter() - leaf.NotBefore(), hours(24) + std::chrono::minutes(5));
  // A renewal that keeps the lifetime asks for 24h again, not "1 day" or 25h.
  EXPECT_EQ(CertificateValidity(leaf), Validity::Hours(24));
  p.days = Validity::Hours(36);
  leaf = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  EXPECT_EQ(CertificateValidity(leaf), Validity::Hours(36));
  EXPECT_EQ(ValidityDays(leaf), 1);

  p.days = Validity::Hours(1);  // under kMinValidity
  auto refused = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("--days: 1 hour is shorter"), std::string::npos)
      << refused.error().message();
}

TEST(ValidityTest, TimeLeftNeverSaysZeroDaysForAShortLivedCertificate) {
  EXPECT_EQ(TimeLeftText(kNow + hours(16), kNow), "16 hours left");
  EXPECT_EQ(TimeLeftText(kNow + std::chrono::minutes(25), kNow), "25 minutes left");
  EXPECT_EQ(TimeLeftText(kNow + hours(24) * 12 + hours(3), kNow), "12 days left");
  EXPECT_EQ(TimeLeftText(kNow - hours(3), kNow), "expired 3 hours ago");
}

TEST(LeafTest, RefusesExpiredCaAndBadInput) {
  TestCa ca = MakeCa("ec:p256", 1);
  LeafProfile p;
  p.subject = DistinguishedName::CommonName("x").value();
  p.now = kNow + hours(48);
  auto r = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("CA certificate expired"), std::string::npos);

  p.now = kNow;
  p.days = 0;
  EXPECT_FALSE(SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p));

  // A leaf cannot sign.
  p.days = 1;
  auto leaf = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  auto by_leaf = SignLeaf(leaf, *MakeKeySigner(ca.key), ca.key.native(), p);
  ASSERT_FALSE(by_leaf);
  EXPECT_NE(by_leaf.error().message().find("not a CA"), std::string::npos);
}

TEST(LeafTest, SanIsCriticalWithEmptySubject) {
  TestCa ca = MakeCa("ec:p256");
  LeafProfile p;
  p.sans.AddDns("only-san.example");
  p.now = kNow;
  auto cert = SignLeaf(ca.cert, *MakeKeySigner(ca.key), ca.key.native(), p).value();
  int idx = X509_get_ext_by_NID(cert.native(), NID_subject_alt_name, -1);
  ASSERT_GE(idx, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert.native(), idx)), 1);
}

TEST(RoleTest, Parse) {
  EXPECT_EQ(ParseRole("server").value(), Role::kServer);
  EXPECT_EQ(ParseRole("client").value(), Role::kClient);
  EXPECT_EQ(ParseRole("both").value(), Role::kBoth);
  auto bad = ParseRole("broker");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("unknown role 'broker'"), std::string::npos);
}

}  // namespace
}  // namespace certmint
