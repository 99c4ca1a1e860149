#include "identity/selection.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "identity/files.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;

const TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

class SelectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.emplace(testing::InitTestCa(tmp_ / "pki", "Selection CA", kNow));
    Write("broker-1", 10);
    Write("broker-2", 100);
    Write("client-1", 29);
  }
  void Write(const std::string& name, int days) {
    auto id = testing::IssueForTest(*ca_, testing::NodeRequest(name, Role::kBoth, {}, kNow, days));
    ASSERT_TRUE(id);
    IdentityOutput output;
    output.formats = {StoreFormat::kPem};
    ASSERT_TRUE(WriteIdentity(tmp_ / "out", *id, SecretString("store-password"), output));
  }
  TempDir tmp_;
  std::optional<CertificateAuthority> ca_;
};

TEST_F(SelectionTest, ExpiringWithinDays) {
  EXPECT_EQ(IdentitiesExpiringWithin(tmp_ / "out", 30, kNow),
            (std::vector<std::string>{"broker-1", "client-1"}));
  EXPECT_EQ(IdentitiesExpiringWithin(tmp_ / "out", 29, kNow), std::vector<std::string>{"broker-1"});
  EXPECT_TRUE(IdentitiesExpiringWithin(tmp_ / "out", 5, kNow).empty());
  EXPECT_TRUE(IdentitiesExpiringWithin(tmp_ / "nowhere", 365, kNow).empty());
}

TEST_F(SelectionTest, NamedIdentitiesMustExist) {
  EXPECT_TRUE(CheckIdentitiesExist(tmp_ / "out", {"broker-1", "broker-2"}));
  auto missing = CheckIdentitiesExist(tmp_ / "out", {"broker-1", "broker-3"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            tmp_ / "out/broker-3 does not exist (identity directories are looked for under "
                   "--out, here " +
                (tmp_ / "out") + ")")
      << "the error names the flag to give";
  auto bad = CheckIdentitiesExist(tmp_ / "out", {"../pki"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SelectionTest, SelectsNamesOrExpiring) {
  auto named = SelectIdentities(tmp_ / "out", {"broker-2"}, std::nullopt, kNow);
  ASSERT_TRUE(named) << named.error().ToString();
  EXPECT_EQ(*named, std::vector<std::string>{"broker-2"});
  auto expiring = SelectIdentities(tmp_ / "out", {}, 11, kNow);
  ASSERT_TRUE(expiring);
  EXPECT_EQ(*expiring, std::vector<std::string>{"broker-1"});
  EXPECT_TRUE(SelectIdentities(tmp_ / "out", {}, 1, kNow).value().empty());
  EXPECT_FALSE(SelectIdentities(tmp_ / "out", {"nope"}, std::nullopt, kNow));
}

TEST(RenewFlagsTest, LocalCaOrServiceNeverBoth) {
  const auto message = [](const RenewFlags& f) {
    Status st = CheckRenewFlags(f);
    return st ? std::string("ok") : st.error().message();
  };
  RenewFlags local;
  local.dir = "pki";
  local.names = {"broker-1"};
  EXPECT_EQ(message(local), "ok");
  local.expiring = 30;
  EXPECT_EQ(message(local), "give identity names, or --expiring DAYS") << "not both";
  local.names.clear();
  EXPECT_EQ(message(local), "ok");
  local.daemon = true;
  EXPECT_EQ(message(local), "--if-due and --daemon need --server");

  RenewFlags remote;
  remote.server = "https://ca:8443";
  EXPECT_EQ(message(remote), "give the identity names to renew");
  remote.names = {"broker-1"};
  remote.if_due = remote.daemon = true;
  EXPECT_EQ(message(remote), "ok");
  remote.ca_password_given = true;
  EXPECT_NE(message(remote).find("--server renews through the CA service"), std::string::npos);

  RenewFlags neither;
  neither.names = {"broker-1"};
  EXPECT_NE(message(neither).find("give --dir"), std::string::npos);
}

}  // namespace
}  // namespace certmint
