// `keystore import-cert|delete|passwd` and `convert` from their flags: the
// edit, and the line that reports it.
#include "stores/store_actions.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/fs.h"
#include "stores/store_passwords.h"
#include "support/temp_dir.h"
#include "support/test_ca.h"

namespace certmint {
namespace {

using testing::TempDir;
using testing::WriteTextFile;

const TimePoint kNow = std::chrono::system_clock::now();

class StoreActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv(kStorePasswordEnv);
    unsetenv(kNewPasswordEnv);
    testing::InitTestCa(tmp_ / "pki", "Store Actions CA", kNow);
    WriteTextFile(tmp_ / "pw", "store-password\n");
    edit_ = {tmp_ / "trust.p12", tmp_ / "pw", {}, "Root"};
  }
  TempDir tmp_;
  StoreFileEdit edit_;
};

TEST_F(StoreActionsTest, ImportThenDeleteATrustedCertificate) {
  auto added = ImportCertificateToStore(edit_, CaCertPath(tmp_ / "pki"), kNow);
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_EQ(*added,
            "Added trusted certificate 'root' (CN=Store Actions CA) to " + edit_.store + "\n");
  auto deleted = DeleteFromStore(edit_);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  EXPECT_EQ(*deleted, "Deleted 'root' from " + edit_.store + "\n");
  EXPECT_FALSE(DeleteFromStore(edit_));  // gone
}

TEST_F(StoreActionsTest, AMissingCertificateFileNamesTheFlagAndCreatesNothing) {
  auto missing = ImportCertificateToStore(edit_, tmp_ / "nothing.crt", kNow);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().ToString().find("--file"), std::string::npos);
  EXPECT_FALSE(fs::Exists(edit_.store));
}

TEST_F(StoreActionsTest, ThePasswordChangesAndTheOldOneNoLongerOpensTheStore) {
  ASSERT_TRUE(ImportCertificateToStore(edit_, CaCertPath(tmp_ / "pki"), kNow));
  WriteTextFile(tmp_ / "new", "another-password\n");
  auto changed = ChangeStorePassword(edit_, tmp_ / "new");
  ASSERT_TRUE(changed) << changed.error().ToString();
  EXPECT_EQ(*changed, "Changed the password of " + edit_.store + "\n");
  EXPECT_FALSE(DeleteFromStore(edit_));
  StoreFileEdit with_new = edit_;
  with_new.password_file = tmp_ / "new";
  EXPECT_TRUE(DeleteFromStore(with_new));
}

TEST_F(StoreActionsTest, ConvertChecksItsFlagsAndCountsTheEntries) {
  ASSERT_TRUE(ImportCertificateToStore(edit_, CaCertPath(tmp_ / "pki"), kNow));
  ConvertFlags f{edit_.store, tmp_ / "trust.jks", "zip", tmp_ / "pw", ""};
  auto bad = ConvertStoreFromFlags(f);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("--to"), std::string::npos);
  f.to = "jks";
  auto wrote = ConvertStoreFromFlags(f);
  ASSERT_TRUE(wrote) << wrote.error().ToString();
  EXPECT_EQ(*wrote, "Wrote " + f.out + " (JKS, 1 entry)\n");
  EXPECT_FALSE(ConvertStoreFromFlags(f));  // OUT exists now
}

}  // namespace
}  // namespace certmint
