#include "ca/rotation.h"

#include <gtest/gtest.h>

#include "ca/authority.h"
#include "ca/issuer.h"
#include "inventory/inventory.h"
#include "keys/private_key.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

// 2026-12-01T12:00:00Z.
const TimePoint kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1796126400));

TEST(RotationTest, RotatedSubjectDatesTheCommonName) {
  auto dn = [](std::string_view text) { return DistinguishedName::Parse(text).value(); };
  EXPECT_EQ(RotatedCaSubject(dn("CN=Kafka CA,O=Acme"), kNow).value().ToString(),
            "CN=Kafka CA 2026-12-01,O=Acme");
  EXPECT_EQ(RotatedCaSubject(dn("CN=Kafka\\, Inc CA,O=Acme"), kNow).value().ToString(),
            "CN=Kafka\\, Inc CA 2026-12-01,O=Acme")
      << "an escaped comma does not end the CN";
  EXPECT_EQ(RotatedCaSubject(dn("O=Acme,CN=Kafka CA"), kNow).value().ToString(),
            "CN=certmint CA 2026-12-01,O=Acme,CN=Kafka CA")
      << "a CN that does not lead is left alone";
}

class RetirementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_ = CertificateAuthority::Init(tmp_.path(), testing::FastCaOptions("Unit CA"), pw_).value();
  }

  // A node certificate of `ca` for `name`, recorded in the inventory.
  Certificate IssueNode(const CertificateAuthority& ca, const std::string& name) {
    auto inventory = OpenInventory(tmp_.path()).value();
    auto key = PrivateKey::Generate(ParseKeySpec("ec:p256").value()).value();
    LeafProfile profile;
    profile.subject = DistinguishedName::CommonName(name).value();
    CertificateOrder order{name, key.native(), profile};
    auto cert =
        Issuer(ca, inventory.get()).Issue(order, [](const Certificate&) -> Status { return {}; });
    EXPECT_TRUE(cert) << cert.error().ToString();
    return *cert;
  }

  void Rotate() {
    CaInitOptions next = testing::FastCaOptions("Unit CA 2");
    fresh_.emplace(RotateCa(tmp_.path(), next, pw_, *old_).value());
  }

  TempDir tmp_;
  SecretString pw_{"ca-password-1"};
  std::optional<CertificateAuthority> old_;
  std::optional<CertificateAuthority> fresh_;
};

TEST_F(RetirementTest, RefusedWithoutARotation) {
  auto st = CheckRetirement(tmp_.path(), {}, std::chrono::system_clock::now());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
}

TEST_F(RetirementTest, RefusedWhileTheInventoryHoldsCertificatesOfThePreviousCa) {
  IssueNode(*old_, "broker-1");
  Rotate();
  const auto now = std::chrono::system_clock::now();
  auto st = CheckRetirement(tmp_.path(), {}, now);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotReady);
  EXPECT_NE(st.error().message().find("current certificates of the previous CA: broker-1."),
            std::string::npos)
      << st.error().message();

  RetirementChecks without_inventory;
  without_inventory.inventory = false;
  EXPECT_TRUE(CheckRetirement(tmp_.path(), without_inventory, now));

  IssueNode(*fresh_, "broker-1");  // renewed: the old one is superseded
  EXPECT_TRUE(CheckRetirement(tmp_.path(), {}, now));
}

TEST_F(RetirementTest, RefusedWhileADeployedIdentityHasTheOldCertificate) {
  const Certificate stale = IssueNode(*old_, "broker-1");
  Rotate();
  const Certificate renewed = IssueNode(*fresh_, "broker-2");
  RetirementChecks checks;
  checks.inventory = false;
  checks.deployed = {{"broker-1", stale}, {"broker-2", renewed}};
  auto st = CheckRetirement(tmp_.path(), checks, std::chrono::system_clock::now());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotReady);
  EXPECT_EQ(st.error().message().rfind("still signed by the previous CA: broker-1. ", 0), 0u)
      << st.error().message();

  checks.deployed = {{"broker-2", renewed}};
  EXPECT_TRUE(CheckRetirement(tmp_.path(), checks, std::chrono::system_clock::now()));
}

}  // namespace
}  // namespace certmint
