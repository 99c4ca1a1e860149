// The one issuing path: sign, record pending, deploy, activate; names
// checked before anything is signed; the CA key reached through its signer.
#include "ca/issuer.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "ca/crl.h"
#include "ca/identity_name.h"
#include "inventory/inventory.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01

class IssuerTest : public ::testing::Test {
 protected:
  IssuerTest()
      : ca_(testing::InitTestCa(tmp_ / "pki", "Issuer CA", kNow)),
        inventory_(OpenInventory(tmp_ / "pki").value()),
        key_(PrivateKey::Generate(DefaultKeySpec()).value()) {}

  CertificateOrder Order(const std::string& name) const {
    CertificateOrder order;
    order.name = name;
    order.public_key = key_.native();
    order.profile.subject = DistinguishedName::CommonName("node").value();
    order.profile.now = kNow;
    return order;
  }

  CertStatus StatusOf(const Certificate& cert) {
    return inventory_->FindBySerial(cert.SerialHex()).value().status;
  }

  TempDir tmp_;
  CertificateAuthority ca_;
  std::unique_ptr<Inventory> inventory_;
  PrivateKey key_;
};

TEST_F(IssuerTest, RecordsPendingBeforeDeployAndValidAfter) {
  Issuer issuer(ca_, inventory_.get());
  std::optional<CertStatus> during;
  auto cert = issuer.Issue(Order("node-1"), [&](const Certificate& c) -> Status {
    during = StatusOf(c);
    return {};
  });
  ASSERT_TRUE(cert) << cert.error().ToString();
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ(*during, CertStatus::kPending);
  EXPECT_EQ(StatusOf(*cert), CertStatus::kValid);
  EXPECT_TRUE(IssuedBy(*cert, ca_.certificate()));
}

TEST_F(IssuerTest, AFailedDeployLeavesThePreviousCertificateValid) {
  Issuer issuer(ca_, inventory_.get());
  auto first = issuer.Issue(Order("node-1"), nullptr);
  ASSERT_TRUE(first);
  auto second = issuer.Issue(Order("node-1"), [](const Certificate&) -> Status {
    return MakeError(ErrorCode::kIo, "disk full");
  });
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message(), "disk full");
  EXPECT_EQ(StatusOf(*first), CertStatus::kValid);
  // The new one is on record, pending: never valid, never lost.
  InventoryFilter filter;
  filter.name = "node-1";
  auto rows = inventory_->List(filter, kNow).value();
  ASSERT_EQ(rows.size(), 2u);
  int pending = 0;
  for (const auto& r : rows) {
    pending += r.status == CertStatus::kPending ? 1 : 0;
  }
  EXPECT_EQ(pending, 1);
}

TEST_F(IssuerTest, ANewCertificateSupersedesTheOldOnlyOnceDeployed) {
  Issuer issuer(ca_, inventory_.get());
  auto first = issuer.Issue(Order("node-1"), nullptr).value();
  std::optional<CertStatus> old_during;
  auto second = issuer.Issue(Order("node-1"), [&](const Certificate&) -> Status {
    old_during = StatusOf(first);
    return {};
  });
  ASSERT_TRUE(second);
  EXPECT_EQ(old_during, CertStatus::kValid);
  EXPECT_EQ(StatusOf(first), CertStatus::kSuperseded);
  EXPECT_EQ(StatusOf(*second), CertStatus::kValid);
}

TEST_F(IssuerTest, NamesAreCheckedBeforeAnythingIsSigned) {
  Issuer issuer(ca_, inventory_.get());
  const std::vector<std::string> names = {"../../etc/evil",
                                          "a\nb",
                                          "\x1b[31mred",
                                          "",
                                          ".hidden",
                                          std::string(65, 'a'),
                                          std::string(kServiceIdentityName)};
  for (const std::string& bad : names) {
    bool deployed = false;
    auto r = issuer.Issue(Order(bad), [&](const Certificate&) -> Status {
      deployed = true;
      return {};
    });
    ASSERT_FALSE(r) << "accepted: " << PrintableBytes(bad);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_FALSE(deployed);
    // One line, escaped: no raw control character reaches a terminal.
    EXPECT_EQ(r.error().ToString().find_first_of("\n\x1b"), std::string::npos)
        << r.error().ToString();
  }
  EXPECT_TRUE(inventory_->List({}, kNow).value().empty());
}

TEST_F(IssuerTest, OnlyTheServiceIssuesUnderItsOwnName) {
  Issuer issuer(ca_, inventory_.get());
  CertificateOrder order = Order(std::string(kServiceIdentityName));
  EXPECT_FALSE(issuer.Sign(order));
  order.service_identity = true;
  EXPECT_TRUE(issuer.Sign(order));
  order.name = "node-1";  // the flag does not open other names to it
  EXPECT_FALSE(issuer.Sign(order));
}

TEST_F(IssuerTest, SignRecordsNothing) {
  Issuer issuer(ca_, inventory_.get());
  auto cert = issuer.Sign(Order("node-1"));
  ASSERT_TRUE(cert);
  EXPECT_EQ(inventory_->FindBySerial(cert->SerialHex()).error().code(), ErrorCode::kNotFound);
}

TEST_F(IssuerTest, WithoutAnInventoryNothingIsRecorded) {
  Issuer issuer(ca_, nullptr);
  auto cert = issuer.Issue(Order("node-1"), nullptr);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(inventory_->List({}, kNow).value().empty());
}

TEST(SignerTest, TheCaSignsCertificatesAndCrlsThroughItsSigner) {
  TempDir tmp;
  auto ca = testing::InitTestCa(tmp / "pki", "Signer CA", kNow);
  const Signer& signer = ca.signer();
  EXPECT_TRUE(CertifiesSigner(ca.certificate(), signer));
  auto loaded = CertificateAuthority::Load(tmp / "pki", SecretString(testing::kTestCaPassword));
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(CertifiesSigner(loaded->certificate(), loaded->signer()));
  // Another CA's signer is not this certificate's.
  auto other = testing::InitTestCa(tmp / "other", "Other CA", kNow);
  EXPECT_FALSE(CertifiesSigner(ca.certificate(), other.signer()));

  CrlOptions o;
  o.now = kNow;
  auto crl = MakeCrl(ca, {}, o);
  ASSERT_TRUE(crl);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(crl->der.data());
  ossl::X509CrlPtr parsed(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl->der.size())));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(X509_CRL_verify(parsed.get(), const_cast<EVP_PKEY*>(signer.PublicKey())), 1);
  EXPECT_NE(X509_CRL_verify(parsed.get(), const_cast<EVP_PKEY*>(other.signer().PublicKey())), 1);
}

TEST(SignerTest, DigestFollowsTheKey) {
  auto p384 = PrivateKey::Generate(ParseKeySpec("ec:p384").value()).value();
  auto ed = PrivateKey::Generate(ParseKeySpec("ed25519").value()).value();
  auto p256 = PrivateKey::Generate(ParseKeySpec("ec:p256").value()).value();
  EXPECT_EQ(SignatureDigest(p384.native()), EVP_sha384());
  EXPECT_EQ(SignatureDigest(ed.native()), nullptr);
  EXPECT_EQ(SignatureDigest(p256.native()), EVP_sha256());
}

}  // namespace
}  // namespace certmint
