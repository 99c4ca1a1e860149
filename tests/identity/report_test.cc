#include "identity/report.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

class IdentityReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Report CA", kNow));
    auto id = testing::IssueForTest(
        *ca_, testing::NodeRequest("broker-1", Role::kServer, {"IP:10.0.0.1"}, kNow));
    ASSERT_TRUE(id);
    identity_.emplace(std::move(*id));
    IdentityOutput output;
    output.formats = {StoreFormat::kPkcs12};
    output.write_password_file = true;
    files_ =
        WriteIdentity(tmp_ / "out", *identity_, SecretString("store-password"), output).value();
  }
  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
  std::optional<Identity> identity_;
  IdentityFiles files_;
};

TEST_F(IdentityReportTest, JsonNamesEveryFileAndTheCertificate) {
  const nlohmann::json j = IdentityReportJson(files_, "broker-1", identity_->certificate,
                                              DefaultKeySpec(), Role::kServer);
  EXPECT_EQ(j.size(), 23u);
  EXPECT_EQ(j["kafka_principal"], "User:CN=broker-1");
  EXPECT_EQ(j["name"], "broker-1");
  EXPECT_EQ(j["keystore_p12"], files_.keystore_p12.value());
  EXPECT_EQ(j["password_file"], files_.password_file.value());
  EXPECT_TRUE(j["key"].is_null()) << "no PEM written: null, not \"\"";
  EXPECT_TRUE(j["keystore_jks"].is_null());
  EXPECT_EQ(j["role"], "server");
  EXPECT_EQ(j["dns_names"], (std::vector<std::string>{"broker-1"}));
  EXPECT_EQ(j["ip_addresses"], (std::vector<std::string>{"10.0.0.1"}));
  EXPECT_EQ(j["serial"], identity_->certificate.SerialHex());
  EXPECT_EQ(j["sha256_fingerprint"], identity_->certificate.Sha256Fingerprint());
}

TEST_F(IdentityReportTest, TextListsWhatWasWritten) {
  const std::string text =
      IdentityReportText(files_, identity_->certificate, DefaultKeySpec(), Role::kServer, "Issued");
  EXPECT_EQ(text.rfind("Issued CN=broker-1 (", 0), 0u) << text;
  EXPECT_NE(text.find("  PKCS#12:     " + files_.keystore_p12.value()), std::string::npos);
  EXPECT_NE(text.find("(generated; mode 0600)\n"), std::string::npos);
  EXPECT_EQ(text.find("  JKS:"), std::string::npos);
  EXPECT_EQ(text.find("  key:"), std::string::npos);
}

}  // namespace
}  // namespace certmint
