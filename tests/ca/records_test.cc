#include "ca/records.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca/issuer.h"
#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "x509/crl.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

// The cRLNumber extension of a DER CRL; -1 when absent.
long CrlNumberOf(const std::string& der) {
  auto crl = Crl::Parse(der).value();
  ossl::Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(
      X509_CRL_get_ext_d2i(crl.native(), NID_crl_number, nullptr, nullptr)));
  return number ? ASN1_INTEGER_get(number.get()) : -1;
}

class RecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(dir_, "Records CA", kNow));
    auto inventory = OpenCaInventory(dir_).value();
    const Issuer issuer(*ca_, inventory.get());
    for (const char* name : {"broker-1", "broker-2"}) {
      ASSERT_TRUE(IssueIdentity(issuer, testing::NodeRequest(name, Role::kBoth, {}, kNow)));
    }
  }
  TempDir tmp_;
  const std::string dir_ = tmp_ / "pki";
  std::optional<CertificateAuthority> ca_;
};

TEST_F(RecordsTest, NoInventoryOutsideACaDirectory) {
  ASSERT_TRUE(fs::EnsureDir(tmp_ / "empty"));
  auto inventory = OpenCaInventory(tmp_ / "empty");
  ASSERT_FALSE(inventory);
  EXPECT_EQ(inventory.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs::Exists(InventoryPath(tmp_ / "empty")));
}

TEST_F(RecordsTest, RevocationTargetByNameOrSerial) {
  auto inventory = OpenCaInventory(dir_).value();
  auto by_name = FindRevocationTarget(*inventory, "broker-1", kNow);
  ASSERT_TRUE(by_name) << by_name.error().ToString();
  EXPECT_EQ(by_name->name, "broker-1");
  EXPECT_EQ(by_name->status, CertStatus::kValid);

  // A serial as typed: lower case, no colons, a leading zero byte.
  std::string typed = "00";
  for (char c : by_name->serial) {
    if (c != ':') typed.push_back(static_cast<char>(std::tolower(c)));
  }
  auto by_serial = FindRevocationTarget(*inventory, typed, kNow);
  ASSERT_TRUE(by_serial) << by_serial.error().ToString();
  EXPECT_EQ(by_serial->serial, by_name->serial);

  // After a renewal the name means the new certificate; the old serial still
  // finds the old one.
  const Issuer issuer(*ca_, inventory.get());
  ASSERT_TRUE(IssueIdentity(issuer, testing::NodeRequest("broker-1", Role::kBoth, {}, kNow)));
  auto renewed = FindRevocationTarget(*inventory, "broker-1", kNow);
  ASSERT_TRUE(renewed);
  EXPECT_NE(renewed->serial, by_name->serial);
  EXPECT_EQ(FindRevocationTarget(*inventory, by_name->serial, kNow)->status,
            CertStatus::kSuperseded);

  EXPECT_EQ(FindRevocationTarget(*inventory, "broker-9", kNow).error().code(),
            ErrorCode::kNotFound);
  const std::string shown = RenderRevocationTargetText(*renewed, kNow + std::chrono::minutes(5));
  EXPECT_NE(shown.find("serial:      " + renewed->serial), std::string::npos) << shown;
  EXPECT_NE(shown.find("minutes ago"), std::string::npos) << shown;
}

TEST_F(RecordsTest, EachPublishedCrlTakesTheNextNumber) {
  auto first = PublishCrl(*ca_, dir_, 7, kNow);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->number, 1);
  EXPECT_EQ(first->revoked, 0u);
  EXPECT_EQ(CrlNumberOf(first->crl.der), 1);

  ASSERT_TRUE(OpenCaInventory(dir_).value()->Revoke("broker-2", 0, kNow));
  auto second = PublishCrl(*ca_, dir_, 7, kNow);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->number, 2);
  EXPECT_EQ(second->revoked, 1u);
  EXPECT_EQ(CrlNumberOf(second->crl.der), 2);
  EXPECT_EQ(second->crl.pem.rfind("-----BEGIN X509 CRL-----", 0), 0u);
}

}  // namespace
}  // namespace certmint
