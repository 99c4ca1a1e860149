#include "ca/revocation.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ca/crl_file.h"
#include "ca/issuer.h"
#include "ca/records.h"
#include "core/fs.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"
#include "x509/crl.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(dir_, "Revocation CA", kNow));
    inventory_ = OpenCaInventory(dir_).value();
    const Issuer issuer(*ca_, inventory_.get());
    ASSERT_TRUE(IssueIdentity(issuer, testing::NodeRequest("broker-1", Role::kBoth, {}, kNow)));
  }
  TempDir tmp_;
  const std::string dir_ = tmp_ / "pki";
  std::optional<CertificateAuthority> ca_;
  std::unique_ptr<Inventory> inventory_;
};

TEST_F(RevocationTest, SerialPinMustMatchTheCertificateMeant) {
  auto first = SelectRevocationTarget(*inventory_, "broker-1", "", kNow);
  ASSERT_TRUE(first) << first.error().ToString();
  // A renewal in between: the name now means the new certificate.
  const Issuer issuer(*ca_, inventory_.get());
  ASSERT_TRUE(IssueIdentity(issuer, testing::NodeRequest("broker-1", Role::kBoth, {}, kNow)));
  auto refused = SelectRevocationTarget(*inventory_, "broker-1", first->serial, kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("nothing revoked"), std::string::npos);
  EXPECT_NE(refused.error().message().find("--serial " + first->serial), std::string::npos);

  auto pinned_old = SelectRevocationTarget(*inventory_, first->serial, first->serial, kNow);
  ASSERT_TRUE(pinned_old) << pinned_old.error().ToString();
  EXPECT_EQ(pinned_old->serial, first->serial);
  EXPECT_FALSE(SelectRevocationTarget(*inventory_, "broker-1", "zz", kNow));  // not hex
}

TEST_F(RevocationTest, AlreadyRevokedIsRefusedBeforeAsking) {
  auto target = SelectRevocationTarget(*inventory_, "broker-1", "", kNow).value();
  ASSERT_TRUE(inventory_->Revoke(target.serial, 1, kNow));
  auto again = SelectRevocationTarget(*inventory_, target.serial, "", kNow);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(again.error().message(), "broker-1 (serial " + target.serial + ") is already revoked");
  // The inventory says the same when asked to revoke it again.
  auto twice = inventory_->Revoke(target.serial, 1, kNow);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message(), again.error().message());
}

TEST_F(RevocationTest, TextsWarnAboutAFreshCertificate) {
  auto target = SelectRevocationTarget(*inventory_, "broker-1", "", kNow).value();
  const std::string fresh = RevocationConfirmText(target, kNow + std::chrono::minutes(5));
  EXPECT_EQ(fresh.rfind("certmint revoke: this certificate:\n", 0), 0u) << fresh;
  EXPECT_NE(fresh.find("warning: it was issued within the last hour"), std::string::npos);
  const std::string old = RevocationConfirmText(target, kNow + std::chrono::hours(48));
  EXPECT_EQ(old.find("warning:"), std::string::npos) << old;

  EXPECT_EQ(RevocationQuestion(1), "Revoke it (keyCompromise)?");
  EXPECT_EQ(RevocationText(target, 1, true, "pki"),
            "Dry run: would revoke broker-1 (serial " + target.serial +
                ", keyCompromise). Publish a new CRL: certmint crl --dir pki --out FILE\n");
  EXPECT_EQ(RevocationText(target, 1, false, "pki").rfind("Revoked broker-1 ", 0), 0u);
  const auto j = RevocationJson(target, true, kNow);
  EXPECT_EQ(j["dry_run"], true);
  EXPECT_EQ(j["name"], "broker-1");
}

TEST_F(RevocationTest, CrlFileCountedThenWritten) {
  auto target = SelectRevocationTarget(*inventory_, "broker-1", "", kNow).value();
  ASSERT_TRUE(inventory_->Revoke(target.serial, 1, kNow));
  const std::string out = tmp_ / "ca.crl";
  auto counted = CountCrlEntries(dir_, out, 7);
  ASSERT_TRUE(counted) << counted.error().ToString();
  EXPECT_EQ(CrlFileReportText(*counted),
            "Dry run: " + out + " would list 1 revoked certificates\n");
  const auto dry = CrlFileReportJson(*counted);
  EXPECT_EQ(dry["dry_run"], true);
  EXPECT_TRUE(dry["number"].is_null());
  EXPECT_TRUE(dry["replaced"].is_null());
  EXPECT_TRUE(dry["next_update"].is_null());
  EXPECT_EQ(dry["next_update_days"], 7);
  EXPECT_FALSE(fs::Exists(out));

  auto written = WriteCrlFile(*ca_, dir_, out, 3, /*der=*/false, kNow);
  ASSERT_TRUE(written) << written.error().ToString();
  EXPECT_TRUE(fs::Exists(out));
  const auto j = CrlFileReportJson(*written);
  EXPECT_EQ(j["replaced"], true);
  EXPECT_EQ(j["revoked"], 1);
  EXPECT_EQ(j["next_update"], FormatUtc(kNow + std::chrono::hours(72)));
  EXPECT_EQ(CrlFileReportText(*written),
            fmt::format("Wrote {}: CRL number {}, 1 revoked, next update in 3 days\n", out,
                        j["number"].get<long long>()));
}

TEST(CrlFileReportTest, FetchedReportHasNoDaysOfItsOwn) {
  CrlFileReport fetched;
  fetched.out = "crl.pem";
  fetched.replaced = false;
  fetched.number = 4;
  fetched.revoked = 2;
  fetched.next_update = kNow;
  EXPECT_EQ(CrlFileReportText(fetched),
            "Unchanged crl.pem: CRL number 4, 2 revoked, next update " + FormatUtc(kNow) + "\n");
  EXPECT_TRUE(CrlFileReportJson(fetched)["next_update_days"].is_null());
  EXPECT_EQ(CrlFileReportJson(fetched)["dry_run"], false);
}

}  // namespace
}  // namespace certmint
